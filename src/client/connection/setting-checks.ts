/**
 * Range checks of the connection settings that both ways of configuring a client share, with the official
 * clients' rules (NODE `Client` constructor): a deadline is positive; a keepalive value is -1 (off) or more.
 */
import { isIPv6 } from 'node:net';

/** Checks a deadline in milliseconds; `where` names the argument in the error. */
export function checkDeadline(value: unknown, where: string): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`${where} must be a number of milliseconds`);
  }
  if (!(value > 0)) throw new RangeError(`${where} must be positive, got ${value}`);
  return value;
}

/** Checks a keepalive interval or timeout in milliseconds (-1 disables it). */
export function checkKeepAlive(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(`${where} must be an integer number of milliseconds`);
  }
  if (value < -1) throw new RangeError(`${where} must be -1 (disabled) or a positive number, got ${value}`);
  return value;
}

/** Checks a TCP port number. */
export function checkPort(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw new TypeError(`${where} must be an integer`);
  if (value < 1 || value > 65_535) throw new RangeError(`${where} must be between 1 and 65535, got ${value}`);
  return value;
}

/**
 * Checks a connection name: free text for the server (§4), but it travels as a gRPC header value, which must
 * be printable ASCII.
 */
export function checkConnectionName(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new TypeError(`${where} must be a string`);
  if (!/^[\x20-\x7e]*$/.test(value))
    throw new TypeError(`${where} must be printable ASCII (it is sent as a header)`);
  return value;
}

/**
 * Checks the seed's `host`: a host name, an IPv4 address, or an IPv6 address with or without brackets. Anything
 * else (white space, control characters, `@`, `/`, `?`, `#`, or a `:` outside an IPv6 literal) is refused, and
 * the message does not quote the value: a password typed into the wrong field must not reach a log.
 */
export function checkHost(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new TypeError(`${where} must be a non-empty string`);
  const host = value.trim();
  const literal = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (isIPv6(literal)) return host;
  if (!/^[A-Za-z0-9._-]+$/.test(host)) {
    throw new TypeError(
      `${where} must be a host name or an IP address (letters, digits, '.', '-', '_'; IPv6 in its own ` +
        'notation); it is not quoted here, in case it holds a secret',
    );
  }
  return host;
}

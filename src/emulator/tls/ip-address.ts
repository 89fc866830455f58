/**
 * Textual IP addresses to the octets an iPAddress subjectAltName holds.
 *
 * @packageDocumentation
 */
import { isIPv4, isIPv6 } from 'node:net';

/** The 4 or 16 network-order octets of an IPv4 or IPv6 address, or undefined if `text` is not one. */
export function ipAddressBytes(text: string): Buffer | undefined {
  if (isIPv4(text)) {
    return Buffer.from(text.split('.').map(Number));
  }
  if (!isIPv6(text)) {
    return undefined;
  }
  // Node validated the syntax; expand it here. A zone ("%eth0") has no place in a certificate.
  let address = text.split('%')[0] ?? '';
  // An IPv4 tail ("::ffff:1.2.3.4") is rewritten as its two final 16-bit groups.
  const ipv4Tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  if (ipv4Tail) {
    const [a, b, c, d] = ipv4Tail.slice(1).map(Number) as [number, number, number, number];
    address = `${address.slice(0, ipv4Tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = address.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeroGroups =
    tail === undefined ? [] : new Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  const bytes = Buffer.alloc(16);
  [...headGroups, ...zeroGroups, ...tailGroups].forEach((group, index) => {
    bytes.writeUInt16BE(parseInt(group, 16), index * 2);
  });
  return bytes;
}

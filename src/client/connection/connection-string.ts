/**
 * Connection strings in the official clients' format:
 * `esdb://[username:password@]host[:port][/][?key=value&...]`, also with the schemes `kurrentdb`, `kurrent`
 * and `kdb` (NODE `parseConnectionString`). Option names are matched as NODE matches them: case-insensitively
 * and ignoring `-` and `_`; values and units are NODE's (milliseconds, `true`/`false`).
 *
 * Error messages never quote the user info, nor the host and port (where a password lands when the '@' is
 * forgotten), so a password cannot leak through them.
 */
import type { Endpoint } from '../discovery/discovery-settings.js';
import { type NodePreference, parseNodePreference } from '../discovery/node-preference.js';
import { type BasicCredentials, DEFAULT_PORT } from './connection-settings.js';
import { checkConnectionName, checkDeadline, checkKeepAlive } from './setting-checks.js';

/** What a connection string says; absent options take the defaults later. */
export interface ParsedConnectionString {
  /** The first host. */
  readonly host: string;
  readonly port: number;
  /** Every host, in order (several for a cluster's seeds). */
  readonly hosts: readonly Endpoint[];
  /** `esdb+discover://` (and the other schemes' `+discover`): the host is a DNS name for the cluster. */
  readonly dnsDiscover: boolean;
  readonly nodePreference: NodePreference | undefined;
  readonly maxDiscoverAttempts: number | undefined;
  /** Milliseconds. */
  readonly discoveryInterval: number | undefined;
  /** Seconds, as in NODE and PY. */
  readonly gossipTimeout: number | undefined;
  readonly credentials: BasicCredentials | undefined;
  readonly tls: boolean | undefined;
  readonly tlsVerifyCert: boolean | undefined;
  readonly tlsCAFile: string | undefined;
  readonly defaultDeadline: number | undefined;
  readonly keepAliveInterval: number | undefined;
  readonly keepAliveTimeout: number | undefined;
  readonly connectionName: string | undefined;
}

type OptionName =
  | 'tls'
  | 'tlsVerifyCert'
  | 'tlsCAFile'
  | 'defaultDeadline'
  | 'keepAliveInterval'
  | 'keepAliveTimeout'
  | 'connectionName'
  | 'nodePreference'
  | 'maxDiscoverAttempts'
  | 'discoveryInterval'
  | 'gossipTimeout';

const OPTION_NAMES: readonly OptionName[] = [
  'tls',
  'tlsVerifyCert',
  'tlsCAFile',
  'defaultDeadline',
  'keepAliveInterval',
  'keepAliveTimeout',
  'connectionName',
  'nodePreference',
  'maxDiscoverAttempts',
  'discoveryInterval',
  'gossipTimeout',
];

/** Options the official clients know but this client does not implement (yet): rejected, never ignored. */
const UNSUPPORTED_OPTIONS: readonly string[] = [
  'throwOnAppendFailure',
  'userCertFile',
  'userKeyFile',
  'dnsDiscover',
];

/** NODE's key matching: trimmed, lower-case, without `-` and `_`. */
const flat = (key: string): string => key.trim().toLowerCase().replace(/[-_]/g, '');

const OPTION_BY_FLAT_NAME = new Map<string, OptionName>(OPTION_NAMES.map((name) => [flat(name), name]));
const UNSUPPORTED_BY_FLAT_NAME = new Map<string, string>(
  UNSUPPORTED_OPTIONS.map((name) => [flat(name), name]),
);

const SCHEMES = new Set(['esdb', 'kurrentdb', 'kurrent', 'kdb']);

const WHERE = 'uri';

/** Parses a connection string; throws a TypeError or RangeError naming what is wrong. */
export function parseConnectionString(uri: unknown): ParsedConnectionString {
  if (typeof uri !== 'string') throw new TypeError(`${WHERE} must be a string`);
  const text = uri.trim();
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text);
  if (schemeMatch === null) {
    throw new TypeError(`${WHERE} must start with esdb:// (or kurrentdb://, kurrent://, kdb://)`);
  }
  const fullScheme = (schemeMatch[1] ?? '').toLowerCase();
  // NODE: `<scheme>+discover://` turns DNS discovery on (parseConnectionString.js).
  const dnsDiscover = fullScheme.endsWith('+discover');
  const scheme = dnsDiscover ? fullScheme.slice(0, -'+discover'.length) : fullScheme;
  if (!SCHEMES.has(scheme)) {
    throw new TypeError(
      `${WHERE}: unknown scheme '${fullScheme}'; use esdb://, kurrentdb://, kurrent:// or kdb:// (or esdb+discover://, ...)`,
    );
  }

  const rest = text.slice(schemeMatch[0].length);
  const authorityEnd = firstIndexOf(rest, ['/', '?', '#']);
  const authority = rest.slice(0, authorityEnd);
  const tail = rest.slice(authorityEnd);
  // RFC 3986: '@', '/', '?' and '#' cannot appear raw in the user info. An '@' anywhere after the authority,
  // or twice in it, means a password holding one of them: refuse without quoting anything.
  const at = authority.lastIndexOf('@');
  if (tail.includes('@') || authority.indexOf('@') !== at) {
    throw new TypeError(
      `${WHERE}: the username and password must be percent-encoded ('@', '/', '?', '#' and '%' in them)`,
    );
  }
  const credentials = at < 0 ? undefined : credentialsOf(authority.slice(0, at));
  const hosts = authority
    .slice(at + 1)
    .split(',')
    .map((hostPort) => hostAndPortOf(hostPort.trim()));
  const first = hosts[0] ?? { host: '', port: DEFAULT_PORT };
  if (dnsDiscover && hosts.length > 1) {
    throw new TypeError(`${WHERE}: ${fullScheme}:// takes one host, the cluster's DNS name`);
  }
  const options = optionsOf(tail);

  return {
    host: first.host,
    port: first.port,
    hosts,
    dnsDiscover,
    nodePreference: nodePreferenceOption(options),
    maxDiscoverAttempts: integerOption(options, 'maxDiscoverAttempts', checkPositiveInteger, ''),
    discoveryInterval: integerOption(options, 'discoveryInterval', checkNonNegativeInteger),
    gossipTimeout: integerOption(options, 'gossipTimeout', checkPositiveInteger, ' (seconds)'),
    credentials,
    tls: booleanOption(options, 'tls'),
    tlsVerifyCert: booleanOption(options, 'tlsVerifyCert'),
    tlsCAFile: stringOption(options, 'tlsCAFile'),
    defaultDeadline: integerOption(options, 'defaultDeadline', checkDeadline),
    keepAliveInterval: integerOption(options, 'keepAliveInterval', checkKeepAlive),
    keepAliveTimeout: integerOption(options, 'keepAliveTimeout', checkKeepAlive),
    connectionName: connectionNameOption(options),
  };
}

function firstIndexOf(text: string, characters: readonly string[]): number {
  let first = text.length;
  for (const character of characters) {
    const index = text.indexOf(character);
    if (index >= 0 && index < first) first = index;
  }
  return first;
}

function credentialsOf(userInfo: string): BasicCredentials {
  const colon = userInfo.indexOf(':');
  if (colon <= 0 || colon === userInfo.length - 1) {
    throw new TypeError(`${WHERE}: the user info must be 'username:password', both non-empty`);
  }
  try {
    return {
      username: decodeURIComponent(userInfo.slice(0, colon)),
      password: decodeURIComponent(userInfo.slice(colon + 1)),
    };
  } catch {
    throw new TypeError(`${WHERE}: the username or password is not valid percent-encoding`);
  }
}

function hostAndPortOf(hostPort: string): { host: string; port: number } {
  let host: string;
  let portText: string | undefined;
  if (hostPort.startsWith('[')) {
    // An IPv6 literal: [address] or [address]:port.
    const close = hostPort.indexOf(']');
    if (close < 0) throw new TypeError(`${WHERE}: unterminated IPv6 address`);
    host = hostPort.slice(0, close + 1);
    const after = hostPort.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) throw new TypeError(`${WHERE}: invalid host`);
    portText = after === '' ? undefined : after.slice(1);
  } else {
    const parts = hostPort.split(':');
    if (parts.length > 2) throw new TypeError(`${WHERE}: invalid host (too many ':')`);
    host = parts[0] ?? '';
    portText = parts[1];
  }
  if (host === '' || host === '[]') throw new TypeError(`${WHERE}: the host is missing`);
  if (portText === undefined) return { host, port: DEFAULT_PORT };
  if (!/^\d+$/.test(portText)) throw new TypeError(`${WHERE}: the port is not a number`);
  const port = Number(portText);
  if (port < 1 || port > 65_535) throw new RangeError(`${WHERE}: the port must be between 1 and 65535`);
  return { host, port };
}

/** The raw option values by canonical name; unknown and unsupported keys are rejected here. */
function optionsOf(tail: string): Map<OptionName, string> {
  const options = new Map<OptionName, string>();
  if (tail.includes('#')) throw new TypeError(`${WHERE}: a fragment ('#...') is not allowed`);
  const query = tail.startsWith('/') ? tail.slice(1) : tail;
  if (query === '') return options;
  if (!query.startsWith('?')) throw new TypeError(`${WHERE}: a path is not allowed after the host`);
  for (const pair of query.slice(1).split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const rawKey = equals < 0 ? pair : pair.slice(0, equals);
    const name = OPTION_BY_FLAT_NAME.get(flat(rawKey));
    if (name === undefined) {
      const unsupported = UNSUPPORTED_BY_FLAT_NAME.get(flat(rawKey));
      if (unsupported !== undefined) {
        throw new TypeError(`${WHERE}: the option '${unsupported}' is not supported by this client`);
      }
      throw new TypeError(`${WHERE}: unknown option '${rawKey}'; known options: ${OPTION_NAMES.join(', ')}`);
    }
    const value = equals < 0 ? '' : pair.slice(equals + 1).trim();
    if (value === '') throw new TypeError(`${WHERE}: the option '${name}' has no value`);
    options.set(name, value);
  }
  return options;
}

function booleanOption(options: Map<OptionName, string>, name: OptionName): boolean | undefined {
  const value = options.get(name);
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  if (lower !== 'true' && lower !== 'false') {
    throw new TypeError(`${WHERE}: the option '${name}' must be true or false, got '${value}'`);
  }
  return lower === 'true';
}

function stringOption(options: Map<OptionName, string>, name: OptionName): string | undefined {
  const value = options.get(name);
  if (value === undefined) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    throw new TypeError(`${WHERE}: the option '${name}' is not valid percent-encoding`);
  }
}

function connectionNameOption(options: Map<OptionName, string>): string | undefined {
  const value = stringOption(options, 'connectionName');
  return value === undefined
    ? undefined
    : checkConnectionName(value, `${WHERE}: the option 'connectionName'`);
}

function integerOption(
  options: Map<OptionName, string>,
  name: OptionName,
  check: (value: unknown, where: string) => number,
  unit = ' (milliseconds)',
): number | undefined {
  const value = options.get(name);
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) {
    throw new TypeError(`${WHERE}: the option '${name}' must be an integer${unit}, got '${value}'`);
  }
  return check(Number(value), `${WHERE}: the option '${name}'`);
}

function nodePreferenceOption(options: Map<OptionName, string>): NodePreference | undefined {
  const value = options.get('nodePreference');
  return value === undefined
    ? undefined
    : parseNodePreference(value, `${WHERE}: the option 'nodePreference'`);
}

function checkPositiveInteger(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${where} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

function checkNonNegativeInteger(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${where} must be 0 or a positive integer, got ${String(value)}`);
  }
  return value;
}

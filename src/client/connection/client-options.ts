/**
 * The two ways to configure an {@link EsdbClient}: the seed's host/port arguments, or a connection string. Both
 * resolve to the same {@link ConnectionSettings}, with the official clients' defaults.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkOptionKeys } from '../arguments/option-keys.js';
import {
  DEFAULT_DISCOVERY_INTERVAL_MS,
  DEFAULT_GOSSIP_TIMEOUT_S,
  DEFAULT_MAX_DISCOVER_ATTEMPTS,
} from '../discovery/discovery-settings.js';
import { DEFAULT_NODE_PREFERENCE } from '../discovery/node-preference.js';
import { parseConnectionString } from './connection-string.js';
import {
  type BasicCredentials,
  type ConnectionSettings,
  DEFAULT_DEADLINE_MS,
  DEFAULT_KEEPALIVE_INTERVAL_MS,
  DEFAULT_KEEPALIVE_TIMEOUT_MS,
  DEFAULT_PORT,
} from './connection-settings.js';
import {
  checkConnectionName,
  checkDeadline,
  checkHost,
  checkKeepAlive,
  checkPort,
} from './setting-checks.js';

/**
 * A node given by host and port, as in the seed's constructor: host and port alone reach an "insecure" server
 * (cleartext HTTP/2); a "secure" one also needs `serverCert`, `username` and `password`, and is spoken to over
 * TLS, its certificate verified against `serverCert`. `tls` overrides the choice either way.
 */
export interface EsdbClientHostOptions {
  /** The node's host name or IP address. */
  readonly host: string;
  /** The node's gRPC port. Default 2113. */
  readonly port?: number | undefined;
  /**
   * PEM text of the certificate to trust: the server's self-signed certificate or the CA that signed it.
   * Default: the system's trusted roots.
   */
  readonly serverCert?: string | undefined;
  /**
   * Username for Basic authentication; needs `password`. Sent only over TLS: without TLS (no `serverCert`, no
   * `tls: true`) credentials are a TypeError, unless `tls: false` says the cleartext is meant.
   */
  readonly username?: string | undefined;
  /** Password for Basic authentication; needs `username`. */
  readonly password?: string | undefined;
  /**
   * `true` for TLS, `false` for cleartext HTTP/2 (a server started with `--insecure`). Default: TLS when
   * `serverCert` is given, cleartext otherwise; `tls: true` without `serverCert` trusts the system's roots.
   */
  readonly tls?: boolean | undefined;
  /** `false` skips the verification of the server certificate. Default `true`. */
  readonly tlsVerifyCert?: boolean | undefined;
  /** Deadline of non-streaming calls in milliseconds. Default 10 000. */
  readonly defaultDeadline?: number | undefined;
  /** Milliseconds between keepalive pings, -1 to disable. Default 10 000. */
  readonly keepAliveInterval?: number | undefined;
  /** Milliseconds to wait for a keepalive acknowledgement, -1 to disable. Default 10 000. */
  readonly keepAliveTimeout?: number | undefined;
  /** Sent as the `connection-name` header. Default: a random UUID. */
  readonly connectionName?: string | undefined;
}

/**
 * A node given by a connection string:
 * `esdb://[username:password@]host[:port][,host[:port]...][?tls=&tlsVerifyCert=&tlsCAFile=&defaultDeadline=&keepAliveInterval=&keepAliveTimeout=&connectionName=&nodePreference=&maxDiscoverAttempts=&discoveryInterval=&gossipTimeout=]`,
 * or `esdb+discover://[username:password@]cluster-dns-name[:port][?...]`. Several hosts, or `+discover`, make
 * the client discover its node from the cluster's gossip; one `esdb://` host is dialled directly.
 */
export interface EsdbClientUriOptions {
  /** The connection string; `kurrentdb://`, `kurrent://` and `kdb://` are accepted too. */
  readonly uri: string;
}

/** How to reach the server: host and port, or a connection string. */
export type EsdbClientOptions = EsdbClientHostOptions | EsdbClientUriOptions;

const HOST_OPTION_KEYS = [
  'host',
  'port',
  'serverCert',
  'username',
  'password',
  'tls',
  'tlsVerifyCert',
  'defaultDeadline',
  'keepAliveInterval',
  'keepAliveTimeout',
  'connectionName',
] as const;

/** Checks the constructor's options and resolves them to settings, before any connection is made. */
export function settingsOf(options: unknown): ConnectionSettings {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('EsdbClient options must be an object: { host, port, ... } or { uri }');
  }
  if ('uri' in options) {
    checkOptionKeys(options, ['uri'], 'EsdbClient options with uri');
    return settingsOfUri((options as EsdbClientUriOptions).uri);
  }
  checkOptionKeys(options, HOST_OPTION_KEYS, 'EsdbClient options');
  return settingsOfHost(options as EsdbClientHostOptions);
}

function settingsOfUri(uri: unknown): ConnectionSettings {
  const parsed = parseConnectionString(uri);
  const tls = parsed.tls ?? true;
  // Gossip only with several hosts or DNS discovery; one esdb:// host is dialled directly (§3.15).
  const discovers = parsed.dnsDiscover || parsed.hosts.length > 1;
  const nodePreference = parsed.nodePreference ?? DEFAULT_NODE_PREFERENCE;
  return {
    host: parsed.host,
    port: parsed.port,
    discovery: discovers
      ? {
          seeds: parsed.hosts,
          dnsDiscover: parsed.dnsDiscover,
          nodePreference,
          maxDiscoverAttempts: parsed.maxDiscoverAttempts ?? DEFAULT_MAX_DISCOVER_ATTEMPTS,
          discoveryInterval: parsed.discoveryInterval ?? DEFAULT_DISCOVERY_INTERVAL_MS,
          gossipTimeout: parsed.gossipTimeout ?? DEFAULT_GOSSIP_TIMEOUT_S,
        }
      : undefined,
    nodePreference,
    tls,
    tlsVerifyCert: parsed.tlsVerifyCert ?? true,
    // NODE ignores tlsCAFile on a cleartext connection; so does this client (no file is read).
    rootCertificate: tls && parsed.tlsCAFile !== undefined ? readCaFile(parsed.tlsCAFile) : undefined,
    credentials: parsed.credentials,
    defaultDeadline: parsed.defaultDeadline ?? DEFAULT_DEADLINE_MS,
    keepAliveInterval: parsed.keepAliveInterval ?? DEFAULT_KEEPALIVE_INTERVAL_MS,
    keepAliveTimeout: parsed.keepAliveTimeout ?? DEFAULT_KEEPALIVE_TIMEOUT_MS,
    connectionName: parsed.connectionName ?? randomUUID(),
  };
}

/** Reads the CA file of `tlsCAFile`; a relative path is taken from the working directory, as NODE does. */
function readCaFile(path: string): Buffer {
  const resolved = resolve(process.cwd(), path);
  try {
    return readFileSync(resolved);
  } catch (error) {
    throw new TypeError(`uri: cannot read the tlsCAFile '${resolved}'`, { cause: error });
  }
}

function settingsOfHost(options: EsdbClientHostOptions): ConnectionSettings {
  const where = 'EsdbClient options';
  const host = checkHost(options.host, `${where}: host`);
  const port = options.port === undefined ? DEFAULT_PORT : checkPort(options.port, `${where}: port`);
  const { tls, serverCert } = transportOf(options, where);
  const credentials = credentialsOf(options, where);
  if (credentials !== undefined && options.tls === undefined && !tls) {
    throw new TypeError(
      `${where}: username and password are sent only over TLS; give serverCert (or tls: true) for a secure ` +
        'server, or leave them out for an insecure one',
    );
  }
  return {
    host,
    port,
    discovery: undefined,
    nodePreference: DEFAULT_NODE_PREFERENCE,
    tls,
    tlsVerifyCert: optionalBoolean(options.tlsVerifyCert, `${where}: tlsVerifyCert`) ?? true,
    rootCertificate: serverCert === undefined ? undefined : Buffer.from(serverCert),
    credentials,
    ...timingsOf(options, where),
    connectionName:
      options.connectionName === undefined
        ? randomUUID()
        : checkConnectionName(options.connectionName, `${where}: connectionName`),
  };
}

/** TLS or cleartext, as the seed decides it: TLS with a server certificate, unless `tls` says otherwise. */
function transportOf(
  options: EsdbClientHostOptions,
  where: string,
): { tls: boolean; serverCert: string | undefined } {
  const tlsOption = optionalBoolean(options.tls, `${where}: tls`);
  const serverCert = options.serverCert;
  if (serverCert === undefined) return { tls: tlsOption ?? false, serverCert };
  if (typeof serverCert !== 'string' || !serverCert.includes('-----BEGIN')) {
    throw new TypeError(`${where}: serverCert must be PEM text (-----BEGIN CERTIFICATE-----...)`);
  }
  if (tlsOption === false) {
    throw new TypeError(
      `${where}: serverCert is the certificate to trust over TLS; it cannot go with tls: false`,
    );
  }
  return { tls: true, serverCert };
}

/** The deadline and keepalive settings, with the official clients' defaults. */
function timingsOf(
  options: EsdbClientHostOptions,
  where: string,
): Pick<ConnectionSettings, 'defaultDeadline' | 'keepAliveInterval' | 'keepAliveTimeout'> {
  return {
    defaultDeadline:
      options.defaultDeadline === undefined
        ? DEFAULT_DEADLINE_MS
        : checkDeadline(options.defaultDeadline, `${where}: defaultDeadline`),
    keepAliveInterval:
      options.keepAliveInterval === undefined
        ? DEFAULT_KEEPALIVE_INTERVAL_MS
        : checkKeepAlive(options.keepAliveInterval, `${where}: keepAliveInterval`),
    keepAliveTimeout:
      options.keepAliveTimeout === undefined
        ? DEFAULT_KEEPALIVE_TIMEOUT_MS
        : checkKeepAlive(options.keepAliveTimeout, `${where}: keepAliveTimeout`),
  };
}

function optionalBoolean(value: unknown, where: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw new TypeError(`${where} must be a boolean`);
}

function credentialsOf(options: EsdbClientHostOptions, where: string): BasicCredentials | undefined {
  const { username, password } = options;
  if (username === undefined && password === undefined) return undefined;
  if (typeof username !== 'string' || username === '') {
    throw new TypeError(`${where}: username must be a non-empty string when a password is given`);
  }
  // Never echo the password, not even its type.
  if (typeof password !== 'string')
    throw new TypeError(`${where}: password must be a string when a username is given`);
  return { username, password };
}

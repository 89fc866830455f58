/**
 * The server the client's integration suites run against: an emulator started per describe (insecure and
 * secure), or the server of `ESDB_URI` when that is set (then only in that server's mode).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseConnectionString } from '../../../src/client/connection/connection-string.js';
import { EsdbClient, type EsdbClientHostOptions } from '../../../src/client/index.js';
import { type EmulatorOptions, startEmulator, type RunningEmulator } from '../../../src/emulator/index.js';

/** Cleartext HTTP/2 (`--insecure`) or TLS with Basic authentication. */
export type Mode = 'insecure' | 'secure';

const externalUri = process.env.ESDB_URI;

function modeOf(uri: string): Mode {
  return /[?&]tls=false(&|$)/i.test(uri) ? 'insecure' : 'secure';
}

/** Both modes against the emulator, or the one mode of the external server. */
export const MODES: readonly Mode[] =
  externalUri === undefined ? ['insecure', 'secure'] : [modeOf(externalUri)];

/** Whether the suites run against the emulator (which this process controls) rather than ESDB_URI. */
export const AGAINST_EMULATOR = externalUri === undefined;

/** A server to test against, with ways to open clients on it. */
export interface ClientTarget {
  readonly mode: Mode;
  /** The connection string, with the admin's credentials in secure mode. */
  readonly uri: string;
  /** The seed-style constructor options (host, port, serverCert, username, password). */
  readonly hostOptions: EsdbClientHostOptions;
  /** The emulator, when the target is one. */
  readonly emulator: RunningEmulator | undefined;
  /** A client closed after the describe. */
  client(options?: { readonly viaUri?: boolean }): EsdbClient;
}

/**
 * The seed's host options equivalent to a connection string: host, port, the CA as serverCert, credentials.
 * `tls` is left to its default (TLS when a serverCert is given), except for a TLS server whose certificate the
 * system trusts (no tlsCAFile).
 */
function hostOptionsOf(uri: string): EsdbClientHostOptions {
  const parsed = parseConnectionString(uri);
  const tls = parsed.tls ?? true;
  return {
    host: parsed.host,
    port: parsed.port,
    tls: tls && parsed.tlsCAFile === undefined ? true : undefined,
    serverCert: parsed.tlsCAFile === undefined ? undefined : readFileSync(parsed.tlsCAFile, 'utf8'),
    username: parsed.credentials?.username,
    password: parsed.credentials?.password,
  };
}

/**
 * Registers hooks giving the enclosing describe a target in `mode`; returns an accessor valid inside tests.
 * Every client opened through it is closed and the emulator stopped after the describe. `emulatorOptions` start
 * the emulator with more (projections, say); an external server must be started that way by whoever runs it.
 */
export function useClientTarget(
  mode: Mode,
  emulatorOptions: Omit<EmulatorOptions, 'secure'> = {},
): () => ClientTarget {
  let target: ClientTarget | undefined;
  const clients: EsdbClient[] = [];

  beforeAll(async () => {
    let emulator: RunningEmulator | undefined;
    let uri: string;
    if (externalUri === undefined) {
      emulator = await startEmulator({ ...emulatorOptions, secure: mode === 'secure' });
      uri = emulator.uri;
    } else {
      uri = externalUri;
    }
    const hostOptions = hostOptionsOf(uri);
    target = {
      mode,
      uri,
      hostOptions,
      emulator,
      client: (options = {}) => {
        const client = options.viaUri === true ? new EsdbClient({ uri }) : new EsdbClient(hostOptions);
        clients.push(client);
        return client;
      },
    };
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    clients.length = 0;
    await target?.emulator?.stop();
    target = undefined;
  });

  return () => {
    if (target === undefined) throw new Error('the target is only available inside tests');
    return target;
  };
}

/** A stream name no other test uses. */
export function uniqueStream(prefix = 'client'): string {
  return `${prefix}-${randomUUID()}`;
}

/** Bytes of a text. */
export function utf8(text: string): Uint8Array {
  return Buffer.from(text, 'utf8');
}

/** The text of some bytes. */
export function textOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/** The error a promise rejects with; fails the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error: unknown) {
    return error;
  }
  throw new Error('expected the operation to fail, but it succeeded');
}

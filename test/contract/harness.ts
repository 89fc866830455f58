/**
 * The target of the contract suites: the official Node client (`@kurrent/kurrentdb-client`) talking real gRPC
 * to either the emulator or, when `ESDB_URI` is set, a real EventStoreDB/KurrentDB node. The suites are written
 * against the server's documented behaviour (docs/protocol.md), so the same assertions must hold
 * for both targets.
 */
import { randomUUID } from 'node:crypto';

import { KurrentDBClient, jsonEvent, type EventData, type Position } from '@kurrent/kurrentdb-client';

import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.js';

/** Cleartext HTTP/2 (`--insecure`) or TLS with Basic authentication. */
export type Mode = 'insecure' | 'secure';

/** Username and password, as the official client takes them. */
export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/** A node the suites run against, with helpers to open clients on it. */
export interface ContractTarget {
  readonly mode: Mode;
  /** The connection string as given: with the admin's credentials in secure mode. */
  readonly uri: string;
  /** The admin account of the target; over TLS every default client authenticates as it. */
  readonly admin: Credentials;
  /**
   * The describe's shared client: authenticated as the admin (secure) or without credentials (insecure).
   * Disposed in afterAll.
   */
  client(): KurrentDBClient;
  /** A client whose connection string carries `credentials`, or none at all. Disposed in afterAll. */
  clientAs(credentials: Credentials | undefined): KurrentDBClient;
}

const externalUri = process.env.ESDB_URI;

/** Whether a connection string asks for TLS; the clients' default is `tls=true`. */
function modeOf(uri: string): Mode {
  return /[?&]tls=false(&|$)/i.test(uri) ? 'insecure' : 'secure';
}

/**
 * The modes every suite runs in: both against the emulator, or the one mode of the external server's URI
 * (a real node runs either secure or `--insecure`, not both).
 */
export const MODES: readonly Mode[] =
  externalUri === undefined ? ['insecure', 'secure'] : [modeOf(externalUri)];

/** The user part of a connection string, if any. */
function credentialsIn(uri: string): Credentials | undefined {
  const match = /^[a-z+]+:\/\/([^@/?]*)@/i.exec(uri);
  const userInfo = match?.[1];
  if (userInfo === undefined) return undefined;
  const colon = userInfo.indexOf(':');
  if (colon < 0) return undefined;
  return {
    username: decodeURIComponent(userInfo.slice(0, colon)),
    password: decodeURIComponent(userInfo.slice(colon + 1)),
  };
}

/** The same connection string with `credentials` as its user part, or with no user part. */
export function withCredentials(uri: string, credentials: Credentials | undefined): string {
  const userInfo =
    credentials === undefined
      ? ''
      : `${encodeURIComponent(credentials.username)}:${encodeURIComponent(credentials.password)}@`;
  return uri.replace(/^([a-z+]+:\/\/)(?:[^@/?]*@)?/i, `$1${userInfo}`);
}

/**
 * The same connection string with the `kurrentdb` scheme: the client accepts `esdb` but warns that it is
 * deprecated; both mean the same to it.
 */
function currentScheme(uri: string): string {
  return uri.replace(/^esdb(\+discover)?:\/\//i, 'kurrentdb$1://');
}

/** The default admin account: `admin` / `changeit` (§3.17). */
const DEFAULT_ADMIN: Credentials = { username: 'admin', password: 'changeit' };

/**
 * Registers `beforeAll`/`afterAll` hooks that provide a target in `mode` for the enclosing `describe`, and
 * returns an accessor for it (the target exists only once `beforeAll` has run). Against the emulator each
 * describe gets its own node; every client opened through the target is disposed and the node stopped after
 * the describe, so no handles stay open. `emulatorOptions` apply to the emulator only: a real node must have been
 * started with the matching server options.
 */
export function useContractTarget(
  mode: Mode,
  emulatorOptions: Omit<EmulatorOptions, 'secure'> = {},
): () => ContractTarget {
  let target: ContractTarget | undefined;
  let emulator: RunningEmulator | undefined;
  const clients: KurrentDBClient[] = [];

  beforeAll(async () => {
    let uri: string;
    if (externalUri !== undefined) {
      uri = externalUri;
    } else {
      emulator = await startEmulator({ ...emulatorOptions, secure: mode === 'secure' });
      uri = emulator.uri;
    }
    const admin = credentialsIn(uri) ?? DEFAULT_ADMIN;
    const open = (connectionString: string): KurrentDBClient => {
      const client = KurrentDBClient.connectionString(currentScheme(connectionString));
      clients.push(client);
      return client;
    };
    let shared: KurrentDBClient | undefined;
    target = {
      mode,
      uri,
      admin,
      client: () => (shared ??= open(mode === 'secure' ? withCredentials(uri, admin) : uri)),
      clientAs: (credentials) => open(withCredentials(uri, credentials)),
    };
  });

  afterAll(async () => {
    await Promise.allSettled(clients.map((client) => client.dispose()));
    clients.length = 0;
    await emulator?.stop();
    emulator = undefined;
    target = undefined;
  });

  return () => {
    if (target === undefined) throw new Error('the contract target is only available inside tests');
    return target;
  };
}

/** A stream name no other test (or earlier run against the same database) uses. */
export function uniqueStream(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}

/** `count` JSON events `{ index }` of type `type`, each with a fresh id. */
export function makeEvents(count: number, type = 'ContractEvent'): EventData[] {
  return Array.from({ length: count }, (_, index) => jsonEvent({ id: randomUUID(), type, data: { index } }));
}

/** The position a write reported; fails the test if the server sent none. */
export function positionOf(result: { readonly position?: Position | undefined }): Position {
  if (result.position === undefined) throw new Error('the server reported no position');
  return result.position;
}

/** Drains an async iterable (a read) into an array, so errors surface as a rejected promise. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
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

/** Polls `condition` until it holds, or fails after `timeoutMs` with `what` in the message. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Repeats `attempt` until its result satisfies `accept`, or fails after `timeoutMs`; returns that result. */
export async function eventually<T>(
  attempt: () => Promise<T>,
  accept: (result: T) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await attempt();
    if (accept(result)) return result;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Resolves after `ms` milliseconds: used to show that something does NOT arrive. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

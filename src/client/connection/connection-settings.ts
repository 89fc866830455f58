/**
 * Everything the client needs to open its channel and decorate its calls, whichever way the caller described
 * the connection (a connection string or host/port options).
 */

import type { DiscoverySettings } from '../discovery/discovery-settings.js';
import type { NodePreference } from '../discovery/node-preference.js';

/** A username and password, sent as HTTP Basic credentials. */
export interface BasicCredentials {
  readonly username: string;
  readonly password: string;
}

/** The resolved connection settings of one client. */
export interface ConnectionSettings {
  /** The node to dial directly; with discovery, the first seed. */
  readonly host: string;
  readonly port: number;
  /** How to find the node in a cluster; undefined to dial {@link host} directly (one `esdb://` host). */
  readonly discovery: DiscoverySettings | undefined;
  /**
   * Which member to talk to; `leader` also makes reads send `requires-leader: true` (§4). Calls only the leader
   * serves go to the leader whatever it is (NodeConnection.leader).
   */
  readonly nodePreference: NodePreference;
  /** TLS (`true`) or cleartext HTTP/2 (`false`, a server started with `--insecure`). */
  readonly tls: boolean;
  /** Whether the server certificate is verified (TLS only). */
  readonly tlsVerifyCert: boolean;
  /** PEM of the certificate(s) to trust instead of the system's roots (TLS only). */
  readonly rootCertificate: Buffer | undefined;
  /** Credentials for every call; sent only over TLS, like the official clients (§4). */
  readonly credentials: BasicCredentials | undefined;
  /** Deadline of non-streaming calls, in milliseconds, unless a call gives its own `timeout`. */
  readonly defaultDeadline: number;
  /** Milliseconds between keepalive pings; -1 disables them. */
  readonly keepAliveInterval: number;
  /** Milliseconds to wait for a keepalive acknowledgement; -1 disables the timeout. */
  readonly keepAliveTimeout: number;
  /** Sent as the `connection-name` header on every call. */
  readonly connectionName: string;
}

/** The port EventStoreDB serves gRPC on by default (§4). */
export const DEFAULT_PORT = 2113;

/** The official clients' default deadline for non-streaming calls: 10 s (NODE `Client` constructor). */
export const DEFAULT_DEADLINE_MS = 10_000;

/** The official clients' and the server's keepalive defaults: 10 s interval, 10 s timeout (§4). */
export const DEFAULT_KEEPALIVE_INTERVAL_MS = 10_000;

/** See {@link DEFAULT_KEEPALIVE_INTERVAL_MS}. */
export const DEFAULT_KEEPALIVE_TIMEOUT_MS = 10_000;

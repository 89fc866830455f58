/**
 * What the operations of a client share: its connection to a node (which can move in a cluster), its call
 * metadata, its default deadline and the signal that tells calls the client was closed. Operations (appends, reads, and later subscriptions) are
 * functions of this context, so that each lives in its own module and the facade stays thin.
 */
import { Metadata } from 'nice-grpc';
import type { NodeClients, NodeConnection } from '../connection/node-connection.js';
import { CallGuard, type CallControl } from './call-guard.js';

/** Something long-lived a client must close before it closes its channel: a subscription, a reader. */
export interface Closable {
  /** Ends it cleanly; resolves when it has ended. Never rejects. */
  close(): Promise<void>;
}

/** The shared state of one client's operations. */
export interface ClientContext {
  /** The node the client talks to; operations get its gRPC clients from {@link NodeConnection.ready}. */
  readonly connection: NodeConnection;
  /** Metadata sent with every call (`connection-name`, and `authorization` over TLS). */
  readonly metadata: Metadata;
  /** Whether reads send `requires-leader: true` (nodePreference=leader, as NET and PY do, §4). */
  readonly readsRequireLeader: boolean;
  /** The subscriptions and readers still open, which `close()` ends (flushing acknowledgements) first. */
  readonly subscriptions: Set<Closable>;
  /** Deadline of non-streaming calls, in milliseconds. */
  readonly defaultDeadline: number;
  /** Aborted when the client is closed: every call still running is then cancelled. */
  readonly closed: AbortSignal;
}

/** Creates the context of a client on its connection. */
export function createClientContext(
  connection: NodeConnection,
  metadata: Metadata,
  readsRequireLeader: boolean,
  defaultDeadline: number,
  closed: AbortSignal,
): ClientContext {
  return { connection, metadata, readsRequireLeader, subscriptions: new Set(), defaultDeadline, closed };
}

/**
 * The metadata of a Streams call: the client's, plus `requires-leader` (§4) — `true` on writes (PY forces it
 * for writes and deletes) and on reads when the node preference is the leader; a follower then answers
 * `not-leader` with the leader's address instead of serving the call itself.
 */
export function streamsCallMetadata(context: ClientContext, write: boolean): Metadata {
  const metadata = Metadata(context.metadata);
  metadata.set('requires-leader', write || context.readsRequireLeader ? 'true' : 'false');
  return metadata;
}

/**
 * Runs an operation that is safe to repeat on the current node; when it fails because the node went away
 * (UNAVAILABLE) or is not the leader, the client moves to another node (NodeConnection.reconnect) and runs it
 * once more there. Appends are safe: their event ids make a repeated append idempotent (§3.3).
 */
export async function withFailover<T>(
  context: ClientContext,
  operation: (node: NodeClients) => Promise<T>,
): Promise<T> {
  const node = await context.connection.ready();
  try {
    return await operation(node);
  } catch (error) {
    if (!(await context.connection.reconnect(node, error))) throw error;
    return operation(await context.connection.ready());
  }
}

/**
 * The guard of one call. Non-streaming calls get the client's default deadline unless `timeout` is given;
 * streaming calls (reads, subscriptions) get none unless `timeout` is given. `Infinity` means none.
 */
export function guardCall(context: ClientContext, control: CallControl, streaming: boolean): CallGuard {
  const timeout = control.timeout ?? (streaming ? undefined : context.defaultDeadline);
  return new CallGuard(timeout === Infinity ? undefined : timeout, control.signal, context.closed);
}

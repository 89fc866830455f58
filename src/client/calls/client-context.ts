/**
 * What the operations of a client share: its connection to a node (which can move in a cluster), and the
 * subscriptions it must close first when it closes. Operations are functions of this context, so that each
 * lives in its own module and the facade stays thin.
 */
import type { NodeConnection } from '../connection/node-connection.js';

/** Something long-lived a client must close before it closes its channel: a subscription, a reader. */
export interface Closable {
  /** Ends it cleanly; resolves when it has ended. Never rejects. */
  close(): Promise<void>;
}

/** The shared state of one client's operations. */
export interface ClientContext {
  /** The node the client talks to; operations get its gRPC clients from {@link NodeConnection.ready}. */
  readonly connection: NodeConnection;
  /** The subscriptions and readers still open, which `close()` ends (flushing acknowledgements) first. */
  readonly subscriptions: Set<Closable>;
  /** Aborted when the client is closed: a subscription then stops trying to resubscribe. */
  readonly closed: AbortSignal;
}

/**
 * The context of an operation that only the leader serves: the same, with the client's connection to the
 * leader (NodeConnection.leader), which is the client's own connection unless it prefers other members.
 */
export function onLeader(context: ClientContext): ClientContext {
  const leader = context.connection.leader();
  return leader === context.connection ? context : { ...context, connection: leader };
}

/**
 * What the operations of a client share: its channel, the nice-grpc clients on it, its default deadline and
 * the signal that tells calls the client was closed. Operations (appends, reads, and later subscriptions) are
 * functions of this context, so that each lives in its own module and the facade stays thin.
 */
import { type Channel, type Client, createClient, type Metadata } from 'nice-grpc';
import { PersistentSubscriptionsDefinition } from '../../generated/persistent.js';
import { StreamsDefinition } from '../../generated/streams.js';
import { PersistentReadDefinition } from '../wire/persistent-read-definition.js';
import { StreamsReadDefinition } from '../wire/read-definition.js';
import { CallGuard, type CallControl } from './call-guard.js';

/** Something long-lived a client must close before it closes its channel: a subscription, a reader. */
export interface Closable {
  /** Ends it cleanly; resolves when it has ended. Never rejects. */
  close(): Promise<void>;
}

/** The shared state of one client's operations. */
export interface ClientContext {
  /** The client's only channel: further service clients (persistent subscriptions, ...) are created on it. */
  readonly channel: Channel;
  /** Metadata sent with every call (`connection-name`, and `authorization` over TLS). */
  readonly metadata: Metadata;
  /** Streams service with the generated codecs (Append, Delete, ...). */
  readonly streams: Client<typeof StreamsDefinition>;
  /** Streams.Read with the client's own response decoder. */
  readonly reads: Client<StreamsReadDefinition>;
  /** PersistentSubscriptions service with the generated codecs (Create, ...). */
  readonly persistent: Client<typeof PersistentSubscriptionsDefinition>;
  /** PersistentSubscriptions.Read with the client's own response decoder. */
  readonly persistentReads: Client<PersistentReadDefinition>;
  /** The subscriptions and readers still open, which `close()` ends (flushing acknowledgements) first. */
  readonly subscriptions: Set<Closable>;
  /** Deadline of non-streaming calls, in milliseconds. */
  readonly defaultDeadline: number;
  /** Aborted when the client is closed: every call still running is then cancelled. */
  readonly closed: AbortSignal;
}

/** Creates the context of a client on its channel. */
export function createClientContext(
  channel: Channel,
  metadata: Metadata,
  defaultDeadline: number,
  closed: AbortSignal,
): ClientContext {
  const defaults = { '*': { metadata } };
  return {
    channel,
    metadata,
    streams: createClient(StreamsDefinition, channel, defaults),
    reads: createClient(StreamsReadDefinition, channel, defaults),
    persistent: createClient(PersistentSubscriptionsDefinition, channel, defaults),
    persistentReads: createClient(PersistentReadDefinition, channel, defaults),
    subscriptions: new Set(),
    defaultDeadline,
    closed,
  };
}

/**
 * The guard of one call. Non-streaming calls get the client's default deadline unless `timeout` is given;
 * streaming calls (reads, subscriptions) get none unless `timeout` is given. `Infinity` means none.
 */
export function guardCall(context: ClientContext, control: CallControl, streaming: boolean): CallGuard {
  const timeout = control.timeout ?? (streaming ? undefined : context.defaultDeadline);
  return new CallGuard(timeout === Infinity ? undefined : timeout, control.signal, context.closed);
}

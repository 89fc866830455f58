/**
 * The client: one connection to an EventStoreDB / KurrentDB node, with the seed's methods.
 */
import { type CallControl, methodOptions } from './calls/call-control.js';
import type { ClientContext } from './calls/client-context.js';
import { withFailover } from './calls/failover.js';
import { type EsdbClientOptions, settingsOf } from './connection/client-options.js';
import { NodeConnection } from './connection/node-connection.js';
import { type ClusterMember, clusterMemberOf } from './discovery/cluster-member.js';
import type { Endpoint } from './discovery/discovery-settings.js';
import { appendEvents, type AppendEventsOptions } from './streams/append-events.js';
import { getCommitPosition, type GetCommitPositionOptions } from './streams/get-commit-position.js';
import { getStreamPosition, type GetStreamPositionOptions } from './streams/get-stream-position.js';
import type { ReadEventsResult } from './streams/read-events-result.js';
import {
  readAllEvents,
  type ReadAllEventsOptions,
  readStreamEvents,
  type ReadStreamEventsOptions,
} from './streams/read-events.js';
import { createSubscription, type CreateSubscriptionOptions } from './subscriptions/create-subscription.js';
import {
  readSubscription,
  type ReadSubscriptionOptions,
  type SubscriptionReadRequest,
  type SubscriptionReadResponse,
} from './subscriptions/read-subscription.js';
import {
  type CatchUpSubscription,
  subscribeAllEvents,
  type SubscribeAllEventsOptions,
} from './subscriptions/subscribe-all-events.js';

/**
 * A client of an EventStoreDB / KurrentDB node or cluster over gRPC. With several hosts in the connection string
 * (`esdb://h1:2113,h2:2113,h3:2113`) or `esdb+discover://`, it picks its node from the cluster's gossip by
 * `nodePreference`, and moves to another node when its node goes away or is not the leader (appends and reads
 * that have not yielded yet are then retried once there). One `esdb://` host is dialled directly.
 *
 * ```ts
 * const client = new EsdbClient({ uri: 'esdb://localhost:2113?tls=false' });
 * const commitPosition = await client.appendEvents({ streamName, expectedPosition: null, events: [event] });
 * for await (const recorded of client.readStreamEvents({ streamName })) console.log(recorded.type);
 * await client.close();
 * ```
 *
 * Every method takes `timeout` (milliseconds) and `signal` (an AbortSignal). Non-streaming calls have a
 * default deadline (`defaultDeadline`, 10 s); reads and subscriptions have none unless `timeout` is given. Bad arguments throw a
 * TypeError or RangeError before anything is sent.
 */
export class EsdbClient {
  /** The `connection-name` header sent with every call. */
  readonly connectionName: string;

  readonly #connection: NodeConnection;
  readonly #closer = new AbortController();
  readonly #context: ClientContext;
  #closing: Promise<void> | undefined;

  /**
   * Checks the options and prepares the connection; the connection itself is made on the first call.
   * @throws TypeError or RangeError when an option is missing, wrong or unknown.
   */
  constructor(options: EsdbClientOptions) {
    const settings = settingsOf(options);
    this.connectionName = settings.connectionName;
    this.#connection = new NodeConnection(settings, this.#closer.signal);
    this.#context = { connection: this.#connection, subscriptions: new Set() };
  }

  /**
   * The node the client talks to now: the single host of a direct connection, or the member discovery picked;
   * undefined before the first call of a discovering client.
   */
  get currentNode(): Endpoint | undefined {
    return this.#connection.currentNode;
  }

  /**
   * The cluster's members as the current node's gossip shows them (docs/protocol.md §3.15); a single node shows
   * itself as the Leader.
   * @throws DiscoveryError when no node can be found.
   */
  async readGossip(options?: CallControl): Promise<ClusterMember[]> {
    const { control } = methodOptions(options, [], 'readGossip', false);
    const info = await withFailover(this.#context, (node) => node.gossip.read({}, control));
    return info.members.map(clusterMemberOf);
  }

  /**
   * Appends events to a stream, atomically: all of them are recorded, or none.
   * @returns the commit position of the last event appended.
   * @throws ExpectedPositionError when the stream's last event is not where `expectedPosition` says.
   */
  appendEvents(options: AppendEventsOptions): Promise<bigint> {
    return appendEvents(this.#context, options);
  }

  /** The position of the stream's last event, or `null` when the stream does not exist. */
  getStreamPosition(options: GetStreamPositionOptions): Promise<bigint | null> {
    return getStreamPosition(this.#context, options);
  }

  /**
   * The events of one stream, in the order they were appended (or the reverse). Iterating a stream that does
   * not exist throws StreamNotFoundError.
   */
  readStreamEvents(options: ReadStreamEventsOptions): ReadEventsResult {
    return readStreamEvents(this.#context, options);
  }

  /**
   * All recorded events, in the order they were committed (or the reverse), filtered by event type on the
   * server. On a secure server, reading all streams needs an admin user (the server's default ACL, §4).
   */
  readAllEvents(options?: ReadAllEventsOptions): ReadEventsResult {
    return readAllEvents(this.#context, options);
  }

  /**
   * The commit position of the last recorded event in the database, system events excluded by default; 0 when
   * there is none. It reads all streams, so on a secure server it needs an admin user.
   */
  getCommitPosition(options?: GetCommitPositionOptions): Promise<bigint> {
    return getCommitPosition(this.#context, options);
  }

  /**
   * A catch-up subscription to all streams: the events recorded after `commitPosition` (not the one at it),
   * then new events as they are recorded, filtered by event type on the server (system events are left out by
   * default). It never ends by itself: {@link CatchUpSubscription.close} it when done. No deadline applies
   * unless `timeout` is given. On a secure server it needs an admin user, as reading all streams does.
   *
   * ```ts
   * const subscription = client.subscribeAllEvents({ commitPosition });
   * for await (const event of subscription) if (handle(event) === 'done') break;
   * await subscription.close();
   * ```
   */
  subscribeAllEvents(options?: SubscribeAllEventsOptions): CatchUpSubscription {
    return subscribeAllEvents(this.#context, options);
  }

  /**
   * Creates a persistent subscription group on all streams, which delivers the events (system events left out
   * by default) from the first one, from the end (`fromEnd`), or from `commitPosition` (a persistent start is
   * inclusive, so that event may be delivered too) to the consumers that read it with
   * {@link EsdbClient.readSubscription}.
   * @throws SubscriptionExistsError when the group already exists.
   */
  createSubscription(options: CreateSubscriptionOptions): Promise<void> {
    return createSubscription(this.#context, options);
  }

  /**
   * Connects a consumer to a persistent subscription group: `[readReq, readResp]`, where `readResp` is an
   * async iterable of the events the group gives this consumer and `readReq` acknowledges them (`ack`,
   * `nack`), in batches. Close it with `readResp.close()` (or `readReq.close()`), which sends the waiting
   * acknowledgements first. No deadline applies unless `timeout` is given.
   *
   * ```ts
   * const [readReq, readResp] = client.readSubscription({ groupName });
   * for await (const event of readResp) readReq.ack(event.id);
   * ```
   */
  readSubscription(options: ReadSubscriptionOptions): [SubscriptionReadRequest, SubscriptionReadResponse] {
    return readSubscription(this.#context, options);
  }

  /**
   * Closes the client. Open subscriptions and persistent subscription consumers are closed first, cleanly
   * (consumers send their waiting acknowledgements); other calls still running are cancelled (they fail with
   * CancelledError); then the channel is closed. Later calls fail with CancelledError. Closing twice is
   * harmless.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const subscriptions = [...this.#context.subscriptions];
    // Without subscriptions to wind down, calls are cancelled at once, before close() returns.
    if (subscriptions.length > 0) {
      await Promise.all(subscriptions.map((subscription) => subscription.close()));
    }
    this.#closer.abort();
    this.#connection.close();
  }
}

/**
 * The subscription methods of the facade: catch-up subscriptions, and persistent subscription groups with
 * their consumers.
 */
import {
  createStreamSubscription,
  type CreateStreamSubscriptionOptions,
} from '../subscriptions/create-stream-subscription.js';
import { createSubscription, type CreateSubscriptionOptions } from '../subscriptions/create-subscription.js';
import {
  readStreamSubscription,
  type ReadStreamSubscriptionOptions,
  readSubscription,
  type ReadSubscriptionOptions,
  type SubscriptionReadRequest,
  type SubscriptionReadResponse,
} from '../subscriptions/read-subscription.js';
import type { CatchUpSubscription } from '../subscriptions/catch-up-subscription.js';
import type { CatchUpItem } from '../subscriptions/progress-items.js';
import { subscribeAllEvents, type SubscribeAllEventsOptions } from '../subscriptions/subscribe-all-events.js';
import {
  subscribeStreamEvents,
  type SubscribeStreamEventsOptions,
} from '../subscriptions/subscribe-stream-events.js';
import { contextOf } from './client-core.js';
import { StreamsClient } from './streams-client.js';

/** The subscription methods of an {@link EsdbClient}; see there. */
export class SubscriptionsClient extends StreamsClient {
  /**
   * A catch-up subscription to all streams: the events recorded after `commitPosition` (not the one at it),
   * then new events as they are recorded, filtered on the server by event type, or by stream name with
   * `filterByStreamName` (system events are left out by default). It never ends by itself:
   * {@link CatchUpSubscription.close} it when done. No deadline applies unless `timeout` is given. On a secure
   * server it needs an admin user, as reading all streams does.
   *
   * With `includeCaughtUp: true` a {@link CaughtUp} item follows the recorded events; with
   * `includeCheckpoints: true` {@link Checkpoint} items report the progress of a filtered subscription. The
   * item type follows the flags: `RecordedEvent` without them, `RecordedEvent | Checkpoint` with
   * `includeCheckpoints: true`, and so on (a flag typed `boolean` counts as set). A filtered subscription
   * resumes after the later of its last event and its last checkpoint.
   *
   * It heals itself: after a transient failure (a dropped connection, a restarted node, a leader change: a
   * ServiceUnavailableError, NotLeaderError, a CancelledError the caller did not cause) it resubscribes after a
   * backoff delay from after the last event it delivered, so the loop sees each event once, in order, and no
   * error. `resubscribe` tunes the attempts ({@link ResubscribeOptions}; `false` turns this off), and
   * `onReconnect` is told before each attempt. Errors that would come again (access denied, a deleted stream,
   * a closed client, an aborted `signal`, `timeout`) end the loop with their typed error.
   *
   * ```ts
   * const subscription = client.subscribeAllEvents({ commitPosition, includeCheckpoints: true });
   * for await (const item of subscription) {
   *   if (item instanceof Checkpoint) save(item.commitPosition);
   *   else if (handle(item) === 'done') break;
   * }
   * await subscription.close();
   * ```
   */
  subscribeAllEvents<
    WithCaughtUp extends boolean | undefined = false,
    WithCheckpoints extends boolean | undefined = false,
  >(
    options?: SubscribeAllEventsOptions<WithCaughtUp, WithCheckpoints>,
  ): CatchUpSubscription<CatchUpItem<WithCaughtUp, WithCheckpoints>> {
    return subscribeAllEvents(contextOf(this), options);
  }

  /**
   * A catch-up subscription to one stream: its events recorded after `streamPosition` (not the one at it), or
   * from its first event, then its new events as they are recorded. A stream that does not exist yet, or was
   * soft-deleted, is not an error: the subscription waits for its events. It never ends by itself:
   * {@link CatchUpSubscription.close} it when done. No deadline applies unless `timeout` is given.
   *
   * With `includeCaughtUp: true` a {@link CaughtUp} item follows the recorded events, and the item type is
   * `RecordedEvent | CaughtUp`; otherwise it is `RecordedEvent`. After a resubscription, CaughtUp comes again
   * once the events missed meanwhile have been delivered.
   *
   * It heals itself: after a transient failure (a dropped connection, a restarted node, a leader change: a
   * ServiceUnavailableError, NotLeaderError, a CancelledError the caller did not cause) it resubscribes after a
   * backoff delay from after the last event it delivered, so the loop sees each event once, in order, and no
   * error. `resubscribe` tunes the attempts ({@link ResubscribeOptions}; `false` turns this off), and
   * `onReconnect` is told before each attempt. Errors that would come again (access denied, a deleted stream,
   * a closed client, an aborted `signal`, `timeout`) end the loop with their typed error.
   *
   * ```ts
   * const subscription = client.subscribeStreamEvents({ streamName, streamPosition });
   * for await (const event of subscription) if (handle(event) === 'done') break;
   * await subscription.close();
   * ```
   * @throws StreamDeletedError (from the loop) when the stream is tombstoned, before or during the subscription.
   */
  subscribeStreamEvents<WithCaughtUp extends boolean | undefined = false>(
    options: SubscribeStreamEventsOptions<WithCaughtUp>,
  ): CatchUpSubscription<CatchUpItem<WithCaughtUp>> {
    return subscribeStreamEvents(contextOf(this), options);
  }

  // --- persistent subscriptions ---

  /**
   * Creates a persistent subscription group on all streams, which delivers the events (system events left out
   * by default; `filterInclude`, `filterExclude` and `filterByStreamName` filter on the server) from the first
   * one, from the end (`fromEnd`), or from `commitPosition` (a persistent start is inclusive, so that event may
   * be delivered too) to the consumers that read it with {@link EsdbClient.readSubscription}. Settings not
   * given are PY's (see {@link PersistentSubscriptionSettings}); bad ones are refused before anything is sent.
   *
   * ```ts
   * await client.createSubscription({ groupName, consumerStrategy: 'RoundRobin', maxRetryCount: 3 });
   * ```
   * @throws SubscriptionExistsError when the group already exists; SubscriptionFailedError when the server
   * refuses it (a `commitPosition` beyond the end of the log).
   */
  createSubscription(options: CreateSubscriptionOptions): Promise<void> {
    return createSubscription(contextOf(this), options);
  }

  /**
   * Connects a consumer to a persistent subscription group: `[readReq, readResp]`, where `readResp` is an
   * async iterable of the events the group gives this consumer and `readReq` acknowledges them (`ack`,
   * `nack`), in batches. Close it with `readResp.close()` (or `readReq.close()`), which sends the waiting
   * acknowledgements first. No deadline applies unless `timeout` is given.
   *
   * The consumer heals itself: after a transient failure (a dropped connection, a restarted node, a leader
   * change, or the server dropping the consumer because the group was updated or restarted) it connects to the
   * group again after a backoff delay and keeps reading. Delivery is at-least-once, as the server defines it:
   * events that were in flight come again with a higher `retryCount`, except those this consumer already
   * acked (or nacked with `park`, `skip` or `stop`): those acknowledgements are sent on the new call and the
   * events are not given to the loop again. `resubscribe` and `onReconnect` work as for
   * {@link EsdbClient.subscribeAllEvents}; a deleted group ends the loop with SubscriptionNotFoundError.
   *
   * ```ts
   * const [readReq, readResp] = client.readSubscription({ groupName });
   * for await (const event of readResp) readReq.ack(event.id);
   * ```
   */
  readSubscription(options: ReadSubscriptionOptions): [SubscriptionReadRequest, SubscriptionReadResponse] {
    return readSubscription(contextOf(this), options);
  }

  /**
   * Creates a persistent subscription group on one stream (which need not exist yet), delivering its events
   * from the first one, from the end (`fromEnd`), or from `streamPosition` (inclusive: the event at it is
   * delivered first) to the consumers that read it with {@link EsdbClient.readStreamSubscription}. It takes the
   * same settings as {@link EsdbClient.createSubscription}, with the same defaults.
   *
   * ```ts
   * await client.createStreamSubscription({ groupName, streamName, streamPosition: 10n });
   * ```
   * @throws SubscriptionExistsError when the stream already has a group of that name.
   */
  createStreamSubscription(options: CreateStreamSubscriptionOptions): Promise<void> {
    return createStreamSubscription(contextOf(this), options);
  }

  /**
   * Connects a consumer to a persistent subscription group on a stream: `[readReq, readResp]`, as
   * {@link EsdbClient.readSubscription} returns, with the same consumer options.
   *
   * ```ts
   * const [readReq, readResp] = client.readStreamSubscription({ groupName, streamName });
   * for await (const event of readResp) readReq.ack(event);
   * ```
   */
  readStreamSubscription(
    options: ReadStreamSubscriptionOptions,
  ): [SubscriptionReadRequest, SubscriptionReadResponse] {
    return readStreamSubscription(contextOf(this), options);
  }
}

/**
 * `readSubscription` and `readStreamSubscription`: one consumer of a persistent subscription group on all
 * streams or on one stream, as the seed's pair of a "read request" (acknowledgements going to the server) and a
 * "read response" (events coming from it). Both take the same consumer options; only the group's source
 * differs.
 */
import { checkDuration, checkGroupName, checkPositiveInt32, checkStreamName } from '../arguments/checks.js';
import { type CallControl, type MethodOptions, methodOptions } from '../calls/call-control.js';
import { type ClientContext, onLeader } from '../calls/client-context.js';
import { PersistentRecordedEvent } from '../events/persistent-recorded-event.js';
import { RecordedEvent } from '../events/recorded-event.js';
import { isUuidText } from '../wire/uuid.js';
import { ALL_STREAMS } from '../wire/persistent-management-requests.js';
import { isNackAction, type NackAction } from '../wire/persistent-requests.js';
import { resubscribePolicyOf, SELF_HEALING_KEYS, type SelfHealingOptions } from './resubscribe-options.js';
import { SubscriptionReader } from './subscription-reader.js';

/** The options of {@link EsdbClient.readSubscription}. */
export interface ReadSubscriptionOptions extends CallControl, SelfHealingOptions {
  /** The name of the group to consume, as it was created. */
  readonly groupName: string;
  /** The most unacknowledged events the server may have in flight to this consumer. Default 150 (PY). */
  readonly bufferSize?: number | undefined;
  /** The most ids sent in one ack or nack message. Default 100. */
  readonly maxAckBatchSize?: number | undefined;
  /** The longest an ack or nack waits to be sent with others, in milliseconds. Default 50. */
  readonly maxAckDelay?: number | undefined;
  /**
   * How long closing leaves the server to read the last acks and nacks before the call is cancelled, in
   * milliseconds; counted from the last one sent, so a reader with nothing recent to send closes at once.
   * Default 200 (PY's `stopping_grace`).
   */
  readonly stoppingGrace?: number | undefined;
}

/** The options of {@link EsdbClient.readStreamSubscription}. */
export interface ReadStreamSubscriptionOptions extends ReadSubscriptionOptions {
  /** The stream the group is on, as given to `createStreamSubscription`. */
  readonly streamName: string;
}

/** What a consumer can do with an event it cannot process (§3.14, Read step 5). */
export type { NackAction };

/** Defaults of PY esdbclient (`common.py`) and of the task: 150 in flight, batches of 100 or 50 ms, 200 ms. */
const DEFAULT_BUFFER_SIZE = 150;
const DEFAULT_MAX_ACK_BATCH_SIZE = 100;
const DEFAULT_MAX_ACK_DELAY_MS = 50;
const DEFAULT_STOPPING_GRACE_MS = 200;

const KEYS = [
  'groupName',
  'bufferSize',
  'maxAckBatchSize',
  'maxAckDelay',
  'stoppingGrace',
  ...SELF_HEALING_KEYS,
];
const STREAM_KEYS = ['streamName', ...KEYS];

/** The id an acknowledgement names: an event's, or the given UUID text (lower-cased, as the server writes). */
function eventIdOf(event: unknown, where: string): string {
  if (event instanceof PersistentRecordedEvent) return event.ackId;
  if (event instanceof RecordedEvent) return event.id;
  if (typeof event !== 'string' || !isUuidText(event)) {
    throw new TypeError(`${where} must be an event id (UUID text) or a received event`);
  }
  return event.toLowerCase();
}

/**
 * The request side of a consumer (the seed's `read_req`): acknowledgements of the events received. They are
 * batched (by count and time) and sent on the same call; closing sends what is waiting.
 */
export class SubscriptionReadRequest {
  readonly #reader: SubscriptionReader;

  /** @internal Made by {@link EsdbClient.readSubscription}. */
  constructor(reader: SubscriptionReader) {
    this.#reader = reader;
  }

  /**
   * Acknowledges an event: it was processed, and the group will not deliver it again.
   * @param event the event's `id` (or the event itself)
   * @throws TypeError when `event` is neither an event nor a UUID.
   */
  ack(event: string | RecordedEvent): void {
    this.#reader.acknowledge('ack', eventIdOf(event, 'ack: event'));
  }

  /**
   * Negatively acknowledges an event (§3.14, Read step 5): `retry` delivers it again (to this or another
   * consumer, with `retryCount` one higher; after the group's maximum retries it is parked instead), `park`
   * moves it to the group's parked-messages stream, `skip` drops it as if acknowledged, and `stop` behaves like
   * `skip` on current servers.
   * @param event the event's `id` (or the event itself)
   * @throws TypeError when `event` is neither an event nor a UUID, or `action` is not one of the four.
   */
  nack(event: string | RecordedEvent, action: NackAction): void {
    const id = eventIdOf(event, 'nack: event');
    if (!isNackAction(action)) {
      throw new TypeError("nack: action must be 'retry', 'park', 'skip' or 'stop'");
    }
    this.#reader.acknowledge(action, id);
  }

  /** Closes the consumer, as {@link SubscriptionReadResponse.close} does. */
  close(): Promise<void> {
    return this.#reader.close();
  }
}

/**
 * The response side of a consumer (the seed's `read_resp`): an async iterable of the events the group gives
 * this consumer, which never ends by itself. The call starts when the events are first asked for; leaving a
 * loop (`break`) keeps the consumer connected, and the next loop continues with the next event.
 */
export class SubscriptionReadResponse implements AsyncIterable<PersistentRecordedEvent> {
  readonly #reader: SubscriptionReader;

  /** @internal Made by {@link EsdbClient.readSubscription}. */
  constructor(reader: SubscriptionReader) {
    this.#reader = reader;
  }

  /**
   * The `<stream>::<group>` id the server confirmed the consumer with (`$all::<groupName>` for a group on all
   * streams), once the call has started; `undefined` before.
   */
  get subscriptionId(): string | undefined {
    return this.#reader.subscriptionId;
  }

  /**
   * Iterates over the events delivered to this consumer; each carries its `retryCount`.
   * @throws SubscriptionNotFoundError when the group does not exist (or was deleted); MaximumSubscribersReachedError
   * when it already has as many consumers as it allows; CancelledError, DeadlineExceededError for `signal`,
   * `timeout`; a transient error (ServiceUnavailableError, SubscriptionDroppedError, ...) only when
   * `resubscribe` is `false` or its `maxAttempts` are used up.
   */
  [Symbol.asyncIterator](): AsyncIterator<PersistentRecordedEvent, undefined> {
    return this.#reader.events[Symbol.asyncIterator]();
  }

  /**
   * Closes the consumer cleanly: waiting acks and nacks are sent, the request stream is closed, and after a
   * short grace period for the server to read them the call is cancelled. Loops end. Events received but not
   * acknowledged go back to the group, which delivers them again. Closing again is harmless.
   */
  close(): Promise<void> {
    return this.#reader.close();
  }
}

/** Checks the options and prepares the consumer; nothing is sent until its events are asked for. */
export function readSubscription(
  context: ClientContext,
  options: ReadSubscriptionOptions,
): [SubscriptionReadRequest, SubscriptionReadResponse] {
  const where = 'readSubscription';
  return consumerOf(context, ALL_STREAMS, methodOptions(options, KEYS, where, true), where);
}

/**
 * Checks the options and prepares a consumer of a group on a stream (`'$all'`: on all streams, as {@link
 * SubscriptionInfo.streamName} names it); nothing is sent until its events are asked for.
 */
export function readStreamSubscription(
  context: ClientContext,
  options: ReadStreamSubscriptionOptions,
): [SubscriptionReadRequest, SubscriptionReadResponse] {
  const where = 'readStreamSubscription';
  const checked = methodOptions(options, STREAM_KEYS, where, true);
  const source = checkStreamName(checked.given.streamName, `${where}: streamName`);
  return consumerOf(context, source, checked, where);
}

/** The consumer of the group on `source`, its options checked. */
function consumerOf(
  context: ClientContext,
  source: string,
  { given, control }: MethodOptions<ReadSubscriptionOptions>,
  where: string,
): [SubscriptionReadRequest, SubscriptionReadResponse] {
  // Only the leader serves a group's consumers (§3.14.1, "On other nodes").
  const reader = new SubscriptionReader(onLeader(context), {
    source,
    groupName: checkGroupName(given.groupName, `${where}: groupName`),
    bufferSize:
      given.bufferSize === undefined
        ? DEFAULT_BUFFER_SIZE
        : checkPositiveInt32(given.bufferSize, `${where}: bufferSize`),
    maxAckBatchSize:
      given.maxAckBatchSize === undefined
        ? DEFAULT_MAX_ACK_BATCH_SIZE
        : checkPositiveInt32(given.maxAckBatchSize, `${where}: maxAckBatchSize`),
    maxAckDelay:
      given.maxAckDelay === undefined
        ? DEFAULT_MAX_ACK_DELAY_MS
        : checkDuration(given.maxAckDelay, `${where}: maxAckDelay`),
    stoppingGrace:
      given.stoppingGrace === undefined
        ? DEFAULT_STOPPING_GRACE_MS
        : checkDuration(given.stoppingGrace, `${where}: stoppingGrace`),
    control,
    resubscribe: resubscribePolicyOf(given, where),
  });
  return [new SubscriptionReadRequest(reader), new SubscriptionReadResponse(reader)];
}

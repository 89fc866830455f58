/**
 * `subscribeStreamEvents`: a catch-up subscription to one stream through `Streams.Read` with the `subscription`
 * count option (docs/protocol.md §3.8): the stream's recorded events after a stream position, then its new
 * events as they are committed. A missing or soft-deleted stream is empty until it is written to.
 */
import { checkBoolean, checkPosition, checkStreamName } from '../arguments/checks.js';
import { type CallControl, methodOptions } from '../calls/call-control.js';
import type { ClientContext } from '../calls/client-context.js';
import { streamSubscriptionRequest } from '../wire/read-request.js';
import { CatchUpSubscription } from './catch-up-subscription.js';
import type { RecordedEvent } from '../events/recorded-event.js';
import type { CatchUpItem } from './progress-items.js';
import { resubscribePolicyOf, SELF_HEALING_KEYS, type SelfHealingOptions } from './resubscribe-options.js';

/**
 * The options of {@link EsdbClient.subscribeStreamEvents}. The type parameter follows `includeCaughtUp`, so that
 * the subscription's item type is known.
 */
export interface SubscribeStreamEventsOptions<WithCaughtUp extends boolean | undefined = false>
  extends CallControl, SelfHealingOptions {
  /** The stream to subscribe to. It need not exist yet. */
  readonly streamName: string;
  /**
   * Receive the events after this stream position; the event at it is not included. Default: from the
   * stream's first event.
   */
  readonly streamPosition?: number | bigint | undefined;
  /**
   * Deliver the events that link events (type `$>`) point to, in their place. Default `false`: link events are
   * delivered as they are recorded.
   */
  readonly resolveLinks?: boolean | undefined;
  /** Yield a {@link CaughtUp} item once the recorded events have been delivered. Default `false`. */
  readonly includeCaughtUp?: WithCaughtUp | undefined;
}

const KEYS = ['streamName', 'streamPosition', 'resolveLinks', 'includeCaughtUp', ...SELF_HEALING_KEYS];

/** Checks the options and prepares the subscription; nothing is sent until its items are asked for. */
export function subscribeStreamEvents<WithCaughtUp extends boolean | undefined>(
  context: ClientContext,
  options: SubscribeStreamEventsOptions<WithCaughtUp>,
): CatchUpSubscription<CatchUpItem<WithCaughtUp>> {
  const where = 'subscribeStreamEvents';
  const { given, control } = methodOptions(options, KEYS, where, true);
  const streamName = checkStreamName(given.streamName, `${where}: streamName`);
  const start =
    given.streamPosition === undefined
      ? undefined
      : checkPosition(given.streamPosition, `${where}: streamPosition`);
  const resolveLinks = checkBoolean(given.resolveLinks, `${where}: resolveLinks`) ?? false;
  const progress = {
    caughtUp: checkBoolean(given.includeCaughtUp, `${where}: includeCaughtUp`) ?? false,
    checkpoints: false,
  };
  const source = {
    streamName,
    start,
    request: (position: bigint | undefined) =>
      streamSubscriptionRequest({ streamName, position, resolveLinks }),
    // A link read with resolveLinks is delivered in its target's place; the stream holds the link.
    positionOf: (event: RecordedEvent) => (event.link ?? event).streamPosition,
  };
  return new CatchUpSubscription(context, source, control, progress, resubscribePolicyOf(given, where));
}

/**
 * `subscribeAllEvents`: a catch-up subscription to all streams (`$all`) through `Streams.Read` with the
 * `subscription` count option (docs/protocol.md §3.8): the recorded events after a commit position, then the
 * events recorded later, as they are committed, filtered on the server by event type or stream name (§3.9).
 */
import { checkBoolean, checkPosition, checkRegexList } from '../arguments/checks.js';
import { type CallControl, methodOptions } from '../calls/call-control.js';
import type { ClientContext } from '../calls/client-context.js';
import { eventTypeRegexOf } from '../wire/event-type-filter.js';
import { recordFilterOf } from '../wire/filter-options.js';
import { allSubscriptionRequest } from '../wire/read-request.js';
import { CatchUpSubscription } from './catch-up-subscription.js';
import type { RecordedEvent } from '../events/recorded-event.js';
import type { CatchUpItem } from './progress-items.js';
import { resubscribePolicyOf, SELF_HEALING_KEYS, type SelfHealingOptions } from './resubscribe-options.js';

/**
 * The options of {@link EsdbClient.subscribeAllEvents}. The type parameters follow the two flags, so that the
 * subscription's item type is known: `true` adds the item, `false` (the default) leaves it out.
 */
export interface SubscribeAllEventsOptions<
  WithCaughtUp extends boolean | undefined = false,
  WithCheckpoints extends boolean | undefined = false,
>
  extends CallControl, SelfHealingOptions {
  /**
   * Receive the events recorded after this commit position; the event at it is not included. It must be the
   * position of an event or of a {@link Checkpoint} (usually the last one a downstream component processed).
   * Default: from the first recorded event.
   */
  readonly commitPosition?: number | bigint | undefined;
  /**
   * Regular expressions for event types (or stream names, with `filterByStreamName`) to leave out; each must
   * match the whole name. Ignored when `filterInclude` is not empty. Default `[ESDB_EVENTS_REGEX]`: system
   * events (or system streams) are left out.
   */
  readonly filterExclude?: readonly string[] | undefined;
  /**
   * Regular expressions for the only event types (or stream names, with `filterByStreamName`) to receive; each
   * must match the whole name. Default `[]`.
   */
  readonly filterInclude?: readonly string[] | undefined;
  /** Match `filterInclude` and `filterExclude` against stream names instead of event types. Default `false`. */
  readonly filterByStreamName?: boolean | undefined;
  /**
   * Deliver the events that link events (type `$>`) point to, in their place. Default `false`: link events are
   * delivered as they are recorded.
   */
  readonly resolveLinks?: boolean | undefined;
  /** Yield a {@link CaughtUp} item once the recorded events have been delivered. Default `false`. */
  readonly includeCaughtUp?: WithCaughtUp | undefined;
  /**
   * Yield {@link Checkpoint} items: a filtered subscription's progress through the records that do not match,
   * to store while no event comes. A subscription without a filter (`filterExclude: []`) gets none.
   * Default `false`.
   */
  readonly includeCheckpoints?: WithCheckpoints | undefined;
}

const KEYS = [
  'commitPosition',
  'filterExclude',
  'filterInclude',
  'filterByStreamName',
  'resolveLinks',
  'includeCaughtUp',
  'includeCheckpoints',
  ...SELF_HEALING_KEYS,
];

/** Checks the options and prepares the subscription; nothing is sent until its items are asked for. */
export function subscribeAllEvents<
  WithCaughtUp extends boolean | undefined,
  WithCheckpoints extends boolean | undefined,
>(
  context: ClientContext,
  options: SubscribeAllEventsOptions<WithCaughtUp, WithCheckpoints> | undefined,
): CatchUpSubscription<CatchUpItem<WithCaughtUp, WithCheckpoints>> {
  const where = 'subscribeAllEvents';
  const { given, control } = methodOptions(options, KEYS, where, false);
  const resolveLinks = checkBoolean(given.resolveLinks, `${where}: resolveLinks`) ?? false;
  const start =
    given.commitPosition === undefined
      ? undefined
      : checkPosition(given.commitPosition, `${where}: commitPosition`);
  const filter = recordFilterOf(
    eventTypeRegexOf(
      checkRegexList(given.filterInclude, `${where}: filterInclude`),
      checkRegexList(given.filterExclude, `${where}: filterExclude`),
    ),
    checkBoolean(given.filterByStreamName, `${where}: filterByStreamName`) ?? false,
  );
  const progress = {
    caughtUp: checkBoolean(given.includeCaughtUp, `${where}: includeCaughtUp`) ?? false,
    checkpoints: checkBoolean(given.includeCheckpoints, `${where}: includeCheckpoints`) ?? false,
  };
  const source = {
    streamName: undefined,
    start,
    request: (commitPosition: bigint | undefined) =>
      allSubscriptionRequest({ resolveLinks, commitPosition, filter }),
    // A link read with resolveLinks is delivered in its target's place; $all is ordered by the link's record.
    positionOf: (event: RecordedEvent) => (event.link ?? event).commitPosition,
  };
  return new CatchUpSubscription(context, source, control, progress, resubscribePolicyOf(given, where));
}

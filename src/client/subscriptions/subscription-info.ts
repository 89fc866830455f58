/**
 * What the server reports about a persistent subscription group (`getSubscriptionInfo`, `listSubscriptions`):
 * docs/protocol.md §2.5 `SubscriptionInfo`, §3.14.1. Counts of events are bigints, like positions; rates,
 * slots and durations are numbers.
 */
import type { PersistentSubscriptionSettings } from './subscription-settings.js';

/** One consumer connected to a group. */
export interface SubscriptionConnection {
  /** The `connectionName` of the consumer's client (a random UUID unless it was given). */
  readonly connectionName: string;
  /** The user the consumer's call runs as. */
  readonly username: string;
  /** The consumer's address as the server's legacy TCP protocol knew it; empty over gRPC. */
  readonly from: string;
  /** Events given to this consumer per second, over the time since the server's previous measurement. */
  readonly averageItemsPerSecond: number;
  /** Events given to this consumer since it connected. */
  readonly totalItems: bigint;
  /** Events given to this consumer since the server's previous measurement. */
  readonly countSinceLastMeasurement: bigint;
  /** How many more events the consumer may be given before it acknowledges some. */
  readonly availableSlots: number;
  /** Events given to this consumer and not yet acknowledged. */
  readonly inFlightMessages: bigint;
  /**
   * Timings of the consumer's acknowledgements in milliseconds, by the server's names (`Mean`, `Median`,
   * `Fastest`, `Quintile 1` … `Quintile 5`, `90%`, `95%`, `99%`, `99.5%`, `99.9%`, `Highest`); empty unless the
   * group keeps extra statistics.
   */
  readonly observedMeasurements: ReadonlyMap<string, number>;
}

/** A persistent subscription group, as the server reports it. */
export interface SubscriptionInfo {
  /** The group's name. */
  readonly groupName: string;
  /** The stream the group receives events from; `'$all'` for a group on all streams. */
  readonly streamName: string;
  /**
   * The group's state as the server names it: `'NotReady'`, `'Behind'`, `'OutstandingPageRequest'`,
   * `'ReplayingParkedMessages'`, `'Live'`, or several joined by `', '` (such as `'Behind, OutstandingPageRequest'`).
   */
  readonly status: string;
  /** The group's settings, every one of them, in the names and units the create options use. */
  readonly settings: Required<PersistentSubscriptionSettings>;
  /**
   * Where the group started: `'end'` for a group created `fromEnd`, otherwise the position of the first event
   * it was to receive (`0n` from the beginning): a commit position for a group on `$all`, a stream position for
   * a group on a stream.
   */
  readonly startFrom: bigint | 'end';
  /** The position of the group's last checkpoint (commit or stream position, as `startFrom`); null before one. */
  readonly lastCheckpointedPosition: bigint | null;
  /** The position of the last event the group has read from its source; null before one. */
  readonly lastKnownPosition: bigint | null;
  /** The consumers connected now. */
  readonly connections: readonly SubscriptionConnection[];
  /** Events given to consumers per second, over the time since the server's previous measurement. */
  readonly averagePerSecond: number;
  /**
   * Events the group has given to its consumers, retries included, since it was loaded on the node (the counter
   * starts again when the group restarts).
   */
  readonly totalItems: bigint;
  /** Events given to consumers since the server's previous measurement. */
  readonly countSinceLastMeasurement: bigint;
  /** Events read from the source and waiting to be given to a consumer. */
  readonly readBufferCount: bigint;
  /** Live events held for the group (up to `settings.liveBufferSize`). */
  readonly liveBufferCount: bigint;
  /** Events waiting to be given again (retried, timed out or replayed from the parked events). */
  readonly retryBufferCount: bigint;
  /** Events given to the consumers and not yet acknowledged, over all connections. */
  readonly totalInFlightMessages: bigint;
  /** Events the group is waiting on: given out and neither acknowledged nor timed out. */
  readonly outstandingMessagesCount: bigint;
  /** Events parked and not yet replayed. */
  readonly parkedMessageCount: bigint;
}

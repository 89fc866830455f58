/**
 * The settings of a persistent subscription group (docs/protocol.md §3.14), as `createSubscription`,
 * `createStreamSubscription` and `updateSubscription` take them and `getSubscriptionInfo` reports them: the same
 * names and units everywhere.
 */

/**
 * How a group shares its events among its consumers: one consumer at a time until it is full
 * (`DispatchToSingle`), in turn (`RoundRobin`), by a hash of the event's stream (`Pinned`) or of its
 * correlation id (`PinnedByCorrelation`).
 */
export type ConsumerStrategy = 'DispatchToSingle' | 'RoundRobin' | 'Pinned' | 'PinnedByCorrelation';

/** The settings of a persistent subscription group. */
export interface PersistentSubscriptionSettings {
  /** Deliver the events that `$>` links point to, in place of the links. */
  readonly resolveLinks?: boolean | undefined;
  /** Keep timing statistics of the group's messages on the server. */
  readonly extraStatistics?: boolean | undefined;
  /** How long a consumer has to acknowledge an event before it is retried, in milliseconds. */
  readonly messageTimeout?: number | undefined;
  /** How many times an event is retried before it is parked. */
  readonly maxRetryCount?: number | undefined;
  /** The least number of processed events between two checkpoints of the group. */
  readonly minCheckpointCount?: number | undefined;
  /** The most processed events without a checkpoint of the group. */
  readonly maxCheckpointCount?: number | undefined;
  /** How long the group waits before it writes a checkpoint, in milliseconds. */
  readonly checkpointAfter?: number | undefined;
  /** The most consumers the group accepts at once; 0 means no limit. */
  readonly maxSubscriberCount?: number | undefined;
  /** How many live events the group holds for its consumers. */
  readonly liveBufferSize?: number | undefined;
  /** How many events the group reads from its source at a time. */
  readonly readBatchSize?: number | undefined;
  /** How many events of the past the group holds for its consumers. */
  readonly historyBufferSize?: number | undefined;
  /** How the group shares its events among its consumers. */
  readonly consumerStrategy?: ConsumerStrategy | undefined;
}

/**
 * The settings of a persistent subscription group (docs/protocol.md §3.14), as `createSubscription`,
 * `createStreamSubscription` and `updateSubscription` take them and `getSubscriptionInfo` reports them: the same
 * names and units everywhere. The server applies no defaults of its own (§3.14), so a create sends every
 * setting: those given, and the seed client's (PY's) for the others.
 */

/**
 * How a group shares its events among its consumers: one consumer at a time until it is full
 * (`DispatchToSingle`), in turn (`RoundRobin`), by a hash of the event's stream (`Pinned`) or of its
 * correlation id (`PinnedByCorrelation`).
 */
export type ConsumerStrategy = 'DispatchToSingle' | 'RoundRobin' | 'Pinned' | 'PinnedByCorrelation';

/** The settings of a persistent subscription group. */
export interface PersistentSubscriptionSettings {
  /** Deliver the events that `$>` links point to, in place of the links. Default `false`. */
  readonly resolveLinks?: boolean | undefined;
  /** Keep timing statistics of the consumers' acknowledgements on the server. Default `false`. */
  readonly extraStatistics?: boolean | undefined;
  /**
   * How long a consumer has to acknowledge an event before it is delivered again, in milliseconds (an integer,
   * 1 to 2^31-1). Default 30 000.
   */
  readonly messageTimeout?: number | undefined;
  /** How many times an event is retried before it is parked (0 parks it at the first retry). Default 10. */
  readonly maxRetryCount?: number | undefined;
  /** The least number of processed events between two time-based checkpoints of the group. Default 10. */
  readonly minCheckpointCount?: number | undefined;
  /**
   * The most processed events without a checkpoint: reaching it forces one. Not below `minCheckpointCount`.
   * Default 1 000.
   */
  readonly maxCheckpointCount?: number | undefined;
  /**
   * How long the group waits before a time-based checkpoint, in milliseconds; 0 for checkpoints by count only.
   * Default 2 000.
   */
  readonly checkpointAfter?: number | undefined;
  /** The most consumers the group accepts at once; 0 means no limit. Default 5. */
  readonly maxSubscriberCount?: number | undefined;
  /** How many live events the group holds for its consumers (at least 1). Default 500. */
  readonly liveBufferSize?: number | undefined;
  /**
   * How many events the group reads from its source at a time (at least 1, and below `historyBufferSize`).
   * Default 200.
   */
  readonly readBatchSize?: number | undefined;
  /** How many past events the group holds for its consumers (above `readBatchSize`). Default 500. */
  readonly historyBufferSize?: number | undefined;
  /** How the group shares its events among its consumers. Default `'DispatchToSingle'`. */
  readonly consumerStrategy?: ConsumerStrategy | undefined;
}

/** The option names of the settings, which the create and update methods accept besides their own. */
export const SUBSCRIPTION_SETTING_KEYS = [
  'resolveLinks',
  'extraStatistics',
  'messageTimeout',
  'maxRetryCount',
  'minCheckpointCount',
  'maxCheckpointCount',
  'checkpointAfter',
  'maxSubscriberCount',
  'liveBufferSize',
  'readBatchSize',
  'historyBufferSize',
  'consumerStrategy',
] as const satisfies readonly (keyof PersistentSubscriptionSettings)[];

/** The seed client's settings (PY esdbclient `common.py`; §3.14 table, PY column). */
export const DEFAULT_SUBSCRIPTION_SETTINGS: Required<PersistentSubscriptionSettings> = {
  resolveLinks: false,
  extraStatistics: false,
  messageTimeout: 30_000,
  maxRetryCount: 10,
  minCheckpointCount: 10,
  maxCheckpointCount: 1_000,
  checkpointAfter: 2_000,
  maxSubscriberCount: 5,
  liveBufferSize: 500,
  readBatchSize: 200,
  historyBufferSize: 500,
  consumerStrategy: 'DispatchToSingle',
};

/** `base` with the settings that `changes` gives in place of its own. */
export function settingsWith(
  base: Required<PersistentSubscriptionSettings>,
  changes: PersistentSubscriptionSettings,
): Required<PersistentSubscriptionSettings> {
  return {
    resolveLinks: changes.resolveLinks ?? base.resolveLinks,
    extraStatistics: changes.extraStatistics ?? base.extraStatistics,
    messageTimeout: changes.messageTimeout ?? base.messageTimeout,
    maxRetryCount: changes.maxRetryCount ?? base.maxRetryCount,
    minCheckpointCount: changes.minCheckpointCount ?? base.minCheckpointCount,
    maxCheckpointCount: changes.maxCheckpointCount ?? base.maxCheckpointCount,
    checkpointAfter: changes.checkpointAfter ?? base.checkpointAfter,
    maxSubscriberCount: changes.maxSubscriberCount ?? base.maxSubscriberCount,
    liveBufferSize: changes.liveBufferSize ?? base.liveBufferSize,
    readBatchSize: changes.readBatchSize ?? base.readBatchSize,
    historyBufferSize: changes.historyBufferSize ?? base.historyBufferSize,
    consumerStrategy: changes.consumerStrategy ?? base.consumerStrategy,
  };
}

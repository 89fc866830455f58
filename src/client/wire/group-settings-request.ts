/**
 * A group's settings as Create and Update requests carry them (`CreateReq.Settings`, `UpdateReq.Settings`,
 * docs/protocol.md §2.5): durations in the `*_ms` members, and the consumer strategy by name in Create's field
 * 16 (22.6+) and in the deprecated enum, which older servers read and Update has alone (§3.14.2).
 */
import {
  CreateReq_ConsumerStrategy,
  type CreateReq_Settings,
  UpdateReq_ConsumerStrategy,
  type UpdateReq_Settings,
} from '../../generated/persistent.js';
import type {
  ConsumerStrategy,
  PersistentSubscriptionSettings,
} from '../subscriptions/subscription-settings.js';

/** The strategies the enum can name, which are all an Update can set. */
export type EnumConsumerStrategy = Exclude<ConsumerStrategy, 'PinnedByCorrelation'>;

/** Settings whose strategy an Update can send. */
export type UpdatableSettings = Required<PersistentSubscriptionSettings> & {
  readonly consumerStrategy: EnumConsumerStrategy;
};

/** Whether an Update can send `strategy`. */
export function isEnumConsumerStrategy(strategy: ConsumerStrategy): strategy is EnumConsumerStrategy {
  return strategy !== 'PinnedByCorrelation';
}

/**
 * The enum value a Create sends beside the name. The enum has no PinnedByCorrelation; a server that reads
 * only the enum (before 22.6) gets Pinned, which hashes by stream, as PinnedByCorrelation does for events
 * without a correlation id (§3.14, Read step 3).
 */
const CREATE_STRATEGY_ENUM: Readonly<Record<ConsumerStrategy, CreateReq_ConsumerStrategy>> = {
  DispatchToSingle: CreateReq_ConsumerStrategy.DispatchToSingle,
  RoundRobin: CreateReq_ConsumerStrategy.RoundRobin,
  Pinned: CreateReq_ConsumerStrategy.Pinned,
  PinnedByCorrelation: CreateReq_ConsumerStrategy.Pinned,
};

const UPDATE_STRATEGY_ENUM: Readonly<Record<EnumConsumerStrategy, UpdateReq_ConsumerStrategy>> = {
  DispatchToSingle: UpdateReq_ConsumerStrategy.DispatchToSingle,
  RoundRobin: UpdateReq_ConsumerStrategy.RoundRobin,
  Pinned: UpdateReq_ConsumerStrategy.Pinned,
};

/** The fields Create and Update share, the strategy aside. */
function commonFieldsOf(settings: Required<PersistentSubscriptionSettings>, legacyRevision: bigint) {
  return {
    resolveLinks: settings.resolveLinks,
    // The start of the legacy request shape (group-starts.ts).
    revision: legacyRevision,
    extraStatistics: settings.extraStatistics,
    maxRetryCount: settings.maxRetryCount,
    minCheckpointCount: settings.minCheckpointCount,
    maxCheckpointCount: settings.maxCheckpointCount,
    maxSubscriberCount: settings.maxSubscriberCount,
    liveBufferSize: settings.liveBufferSize,
    readBatchSize: settings.readBatchSize,
    historyBufferSize: settings.historyBufferSize,
    messageTimeout: { $case: 'messageTimeoutMs', value: settings.messageTimeout },
    checkpointAfter: { $case: 'checkpointAfterMs', value: settings.checkpointAfter },
  } as const;
}

/** The settings of a Create; `legacyRevision` is the legacy shape's start (0 for groups on `$all`). */
export function createSettingsOf(
  settings: Required<PersistentSubscriptionSettings>,
  legacyRevision: bigint,
): CreateReq_Settings {
  return {
    ...commonFieldsOf(settings, legacyRevision),
    // The server takes field 16 when it is not empty (§3.14); older servers read the enum.
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- servers before 22.6 read only the enum
    namedConsumerStrategy: CREATE_STRATEGY_ENUM[settings.consumerStrategy],
    consumerStrategy: settings.consumerStrategy,
  };
}

/** The settings of an Update, which names its strategy by the enum only (§2.5). */
export function updateSettingsOf(settings: UpdatableSettings, legacyRevision: bigint): UpdateReq_Settings {
  return {
    ...commonFieldsOf(settings, legacyRevision),
    namedConsumerStrategy: UPDATE_STRATEGY_ENUM[settings.consumerStrategy],
  };
}

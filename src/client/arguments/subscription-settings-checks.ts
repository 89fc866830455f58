/**
 * The checks of a persistent subscription group's settings (subscription-settings.ts), run before a create or
 * an update is sent. The ranges are the server's (docs/protocol.md §3.14.2): every number goes into an int32
 * field; the buffer and batch sizes must be positive and the read batch smaller than the history buffer, or
 * the server refuses the group; a message timeout of 0 would time every event out at once.
 */
import type {
  ConsumerStrategy,
  PersistentSubscriptionSettings,
} from '../subscriptions/subscription-settings.js';
import { checkBoolean } from './checks.js';

const INT32_MAX = 0x7fff_ffff;

const CONSUMER_STRATEGIES: readonly ConsumerStrategy[] = [
  'DispatchToSingle',
  'RoundRobin',
  'Pinned',
  'PinnedByCorrelation',
];

/** An optional int32 setting in `[least, 2^31-1]`. */
function checkIntSetting(value: unknown, least: number, where: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(`${where} must be an integer`);
  }
  if (value < least || value > INT32_MAX) {
    throw new RangeError(`${where} must be between ${least} and 2^31-1, got ${value}`);
  }
  return value;
}

function checkConsumerStrategy(value: unknown, where: string): ConsumerStrategy | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new TypeError(`${where} must be a string`);
  const strategy = CONSUMER_STRATEGIES.find((name) => name === value);
  if (strategy === undefined) {
    throw new RangeError(`${where} must be one of ${CONSUMER_STRATEGIES.join(', ')}, got '${value}'`);
  }
  return strategy;
}

/**
 * Each setting given, checked on its own; those not given stay undefined.
 * @param where the method's name, for error messages
 * @throws TypeError for a value of the wrong kind, RangeError for one out of range, naming the option.
 */
export function checkSubscriptionSettings(
  given: PersistentSubscriptionSettings,
  where: string,
): PersistentSubscriptionSettings {
  return {
    resolveLinks: checkBoolean(given.resolveLinks, `${where}: resolveLinks`),
    extraStatistics: checkBoolean(given.extraStatistics, `${where}: extraStatistics`),
    messageTimeout: checkIntSetting(given.messageTimeout, 1, `${where}: messageTimeout`),
    maxRetryCount: checkIntSetting(given.maxRetryCount, 0, `${where}: maxRetryCount`),
    minCheckpointCount: checkIntSetting(given.minCheckpointCount, 0, `${where}: minCheckpointCount`),
    maxCheckpointCount: checkIntSetting(given.maxCheckpointCount, 0, `${where}: maxCheckpointCount`),
    checkpointAfter: checkIntSetting(given.checkpointAfter, 0, `${where}: checkpointAfter`),
    maxSubscriberCount: checkIntSetting(given.maxSubscriberCount, 0, `${where}: maxSubscriberCount`),
    liveBufferSize: checkIntSetting(given.liveBufferSize, 1, `${where}: liveBufferSize`),
    readBatchSize: checkIntSetting(given.readBatchSize, 1, `${where}: readBatchSize`),
    historyBufferSize: checkIntSetting(given.historyBufferSize, 1, `${where}: historyBufferSize`),
    consumerStrategy: checkConsumerStrategy(given.consumerStrategy, `${where}: consumerStrategy`),
  };
}

/**
 * The rules between settings, checked on the settings to be sent when one of each pair was given: the read
 * batch must be smaller than the history buffer (the server refuses the group otherwise), and the least
 * checkpoint count must not exceed the most (the least would never apply).
 * @param given the settings the caller gave; the others in `settings` are defaults or the group's own
 * @throws RangeError naming both options.
 */
export function checkSettingsTogether(
  settings: Required<PersistentSubscriptionSettings>,
  given: PersistentSubscriptionSettings,
  where: string,
): void {
  const { readBatchSize, historyBufferSize, minCheckpointCount, maxCheckpointCount } = settings;
  if (
    (given.readBatchSize !== undefined || given.historyBufferSize !== undefined) &&
    readBatchSize >= historyBufferSize
  ) {
    throw new RangeError(
      `${where}: readBatchSize (${readBatchSize}) must be less than historyBufferSize (${historyBufferSize})`,
    );
  }
  if (
    (given.minCheckpointCount !== undefined || given.maxCheckpointCount !== undefined) &&
    minCheckpointCount > maxCheckpointCount
  ) {
    throw new RangeError(
      `${where}: minCheckpointCount (${minCheckpointCount}) must not be more than maxCheckpointCount (${maxCheckpointCount})`,
    );
  }
}

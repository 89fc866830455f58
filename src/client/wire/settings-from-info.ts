/**
 * A group's settings as a `SubscriptionInfo` reports them (docs/protocol.md §3.14.1), in the names and units
 * the client's create options use (subscription-settings.ts): milliseconds stay milliseconds, the strategy
 * is its name.
 */
import type { SubscriptionInfo as SubscriptionInfoMessage } from '../../generated/persistent.js';
import type {
  ConsumerStrategy,
  PersistentSubscriptionSettings,
} from '../subscriptions/subscription-settings.js';

const CONSUMER_STRATEGIES: ReadonlySet<string> = new Set<ConsumerStrategy>([
  'DispatchToSingle',
  'RoundRobin',
  'Pinned',
  'PinnedByCorrelation',
]);

function isConsumerStrategy(name: string): name is ConsumerStrategy {
  return CONSUMER_STRATEGIES.has(name);
}

/**
 * The strategy's name. A 24.10 server knows these four only (it refuses any other at Create, §3.14), so
 * another name means a server this client does not know.
 */
function consumerStrategyOf(name: string): ConsumerStrategy {
  if (!isConsumerStrategy(name))
    throw new RangeError(`the server reported an unknown consumer strategy '${name}'`);
  return name;
}

/**
 * The group's settings. A checkpoint-after of 0 ("no time-based checkpoints") is reported as int.MinValue,
 * the overflow of "never" in milliseconds (§3.14.1), and comes back as 0.
 */
export function settingsFromInfo(info: SubscriptionInfoMessage): Required<PersistentSubscriptionSettings> {
  return {
    resolveLinks: info.resolveLinkTos,
    extraStatistics: info.extraStatistics,
    messageTimeout: info.messageTimeoutMilliseconds,
    maxRetryCount: info.maxRetryCount,
    minCheckpointCount: info.minCheckPointCount,
    maxCheckpointCount: info.maxCheckPointCount,
    checkpointAfter: Math.max(info.checkPointAfterMilliseconds, 0),
    maxSubscriberCount: info.maxSubscriberCount,
    liveBufferSize: info.liveBufferSize,
    readBatchSize: info.readBatchSize,
    // The message calls the history buffer `buffer_size` (§2.5).
    historyBufferSize: info.bufferSize,
    consumerStrategy: consumerStrategyOf(info.namedConsumerStrategy),
  };
}

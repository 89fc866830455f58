import { isConsumerStrategyName } from './consumer-strategy.js';
import { filterFromDescription, type EventFilter, type FilterDescription } from './event-filter.js';
import { allSource, positionFromText, sourceName, streamSource, type EventSource } from './event-source.js';
import type { GroupDefinition } from './group.js';
import type { GroupSettings } from './group-settings.js';
import { ALL_STREAM } from './names.js';
import type { ConfigEntry } from './subscription-config.js';
import { positionText } from './subscription-position.js';

const INT64_MIN = -9223372036854775808n;

/** The configuration entry of a group (`PersistentSubscriptionEntry` as Create and Update fill it). */
export function configEntryOf(definition: GroupDefinition): ConfigEntry {
  const { settings, startFrom, source } = definition;
  return {
    stream: sourceName(source),
    group: definition.groupName,
    filter: source.kind === 'all' ? source.filter?.description : undefined,
    resolveLinkTos: settings.resolveLinkTos,
    extraStatistics: settings.extraStatistics,
    messageTimeout: settings.messageTimeoutMs,
    startFrom: startFrom.kind === 'stream' ? startFrom.eventNumber : INT64_MIN,
    startPosition: positionText(startFrom),
    liveBufferSize: settings.liveBufferSize,
    historyBufferSize: settings.historyBufferSize,
    maxRetryCount: settings.maxRetryCount,
    readBatchSize: settings.readBatchSize,
    preferRoundRobin: false,
    checkPointAfter: settings.checkPointAfterMs,
    minCheckPointCount: settings.minCheckPointCount,
    maxCheckPointCount: settings.maxCheckPointCount,
    maxSubscriberCount: settings.maxSubscriberCount,
    namedConsumerStrategy: settings.consumerStrategy,
  };
}

/** What `LoadConfiguration` makes of one entry: unknown strategies and unparsable filters are skipped. */
export function definitionFromConfig(entry: ConfigEntry): GroupDefinition | undefined {
  if (!isConsumerStrategyName(entry.namedConsumerStrategy)) return undefined;
  const source = sourceOf(entry);
  if (source === undefined) return undefined;
  const startFrom = positionFromText(source, entry.startPosition ?? entry.startFrom.toString());
  if (startFrom === undefined) return undefined;
  return { source, groupName: entry.group, startFrom, settings: settingsOf(entry) };
}

function sourceOf(entry: ConfigEntry): EventSource | undefined {
  if (entry.stream !== ALL_STREAM) return streamSource(entry.stream);
  if (entry.filter === undefined) return allSource(undefined);
  const filter = parsedFilter(entry.filter);
  return filter === undefined ? undefined : allSource(filter);
}

/** A stored filter, or undefined when it does not parse. */
function parsedFilter(description: FilterDescription): EventFilter | undefined {
  try {
    return filterFromDescription(description);
  } catch {
    return undefined;
  }
}

function settingsOf(entry: ConfigEntry): GroupSettings {
  return {
    resolveLinkTos: entry.resolveLinkTos,
    extraStatistics: entry.extraStatistics,
    messageTimeoutMs: entry.messageTimeout,
    maxRetryCount: entry.maxRetryCount,
    liveBufferSize: entry.liveBufferSize,
    historyBufferSize: entry.historyBufferSize,
    readBatchSize: entry.readBatchSize,
    checkPointAfterMs: entry.checkPointAfter,
    minCheckPointCount: entry.minCheckPointCount,
    maxCheckPointCount: entry.maxCheckPointCount,
    maxSubscriberCount: entry.maxSubscriberCount,
    consumerStrategy: entry.namedConsumerStrategy,
  };
}

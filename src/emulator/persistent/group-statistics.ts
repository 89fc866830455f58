import { performance } from 'node:perf_hooks';
import type { Consumer } from './consumer.js';
import { doubleToInt32, reportedCheckPointAfter, type GroupSettings } from './group-settings.js';
import { groupStateText } from './group-state.js';
import type { Measurement } from './request-statistics.js';
import { comparePositions, positionText, type SubscriptionPosition } from './subscription-position.js';

/** One consumer in GetInfo and List (MonitoringMessage.ConnectionInfo). */
export interface ConnectionInfo {
  readonly from: string;
  readonly username: string;
  readonly averageItemsPerSecond: number;
  readonly totalItems: number;
  readonly countSinceLastMeasurement: number;
  readonly observedMeasurements: readonly Measurement[];
  readonly availableSlots: number;
  readonly inFlightMessages: number;
  readonly connectionName: string;
}

/** One group in GetInfo and List (MonitoringMessage.PersistentSubscriptionInfo, the fields gRPC carries). */
export interface GroupInfo {
  readonly eventSource: string;
  readonly groupName: string;
  readonly status: string;
  readonly connections: readonly ConnectionInfo[];
  readonly averagePerSecond: number;
  readonly totalItems: number;
  readonly countSinceLastMeasurement: number;
  /** Undefined until the group has checkpointed (GetInfo then shows ""). */
  readonly lastCheckpointedEventPosition: string | undefined;
  readonly lastKnownEventPosition: string | undefined;
  readonly resolveLinkTos: boolean;
  readonly startFrom: string;
  readonly messageTimeoutMilliseconds: number;
  readonly extraStatistics: boolean;
  readonly maxRetryCount: number;
  readonly liveBufferSize: number;
  readonly bufferSize: number;
  readonly readBatchSize: number;
  readonly checkPointAfterMilliseconds: number;
  readonly minCheckPointCount: number;
  readonly maxCheckPointCount: number;
  readonly readBufferCount: number;
  readonly liveBufferCount: number;
  readonly retryBufferCount: number;
  readonly totalInFlightMessages: number;
  readonly outstandingMessagesCount: number;
  readonly namedConsumerStrategy: string;
  readonly maxSubscriberCount: number;
  readonly parkedMessageCount: bigint;
}

/** What the statistics read from their group when asked. */
export interface StatisticsSubject {
  readonly eventSourceName: string;
  readonly groupName: string;
  readonly state: number;
  readonly settings: GroupSettings;
  readonly startFrom: SubscriptionPosition;
  readonly strategyName: string;
  readonly outstandingMessagesCount: number;
  readonly parkedMessageCount: bigint;
  consumers(): readonly Consumer[];
  bufferCounts(): { readonly read: number; readonly retry: number; readonly live: number } | undefined;
}

/**
 * The counters behind GetInfo (server: PersistentSubscriptionStats.cs). Rates cover the time since the previous
 * sample: the server samples every group once a second for its metrics, and every GetInfo or List samples too.
 */
export class GroupStatistics {
  private processed = 0;
  private readonly startedAt = performance.now();
  private lastSampleTime = 0;
  private lastSampleItems = 0;
  private lastCheckpoint: SubscriptionPosition | undefined;
  private lastKnown: SubscriptionPosition | undefined;

  incrementProcessed(): void {
    this.processed += 1;
  }

  setLastCheckpoint(position: SubscriptionPosition): void {
    this.lastCheckpoint = position;
  }

  /** Only ever moves forwards. */
  setLastKnownEventPosition(position: SubscriptionPosition): void {
    if (this.lastKnown === undefined || comparePositions(this.lastKnown, position) < 0)
      this.lastKnown = position;
  }

  sample(subject: StatisticsSubject): GroupInfo {
    const elapsed = performance.now() - this.startedAt;
    const interval = elapsed - this.lastSampleTime;
    const items = this.processed - this.lastSampleItems;
    this.lastSampleTime = elapsed;
    this.lastSampleItems = this.processed;
    const perSecond = (count: number) => (interval > 0 ? doubleToInt32((count * 1000) / interval) : 0);
    let totalInFlight = 0;
    const connections = subject.consumers().map((consumer): ConnectionInfo => {
      const since = consumer.totalItems - consumer.lastTotalItems;
      consumer.lastTotalItems = consumer.totalItems;
      totalInFlight += consumer.inFlightMessages;
      return {
        from: consumer.from,
        username: consumer.details.username,
        averageItemsPerSecond: perSecond(since),
        totalItems: consumer.totalItems,
        countSinceLastMeasurement: since,
        observedMeasurements: consumer.measurements(),
        availableSlots: consumer.availableSlots,
        inFlightMessages: consumer.inFlightMessages,
        connectionName: consumer.details.connectionName,
      };
    });
    const { settings } = subject;
    const buffers = subject.bufferCounts();
    return {
      eventSource: subject.eventSourceName,
      groupName: subject.groupName,
      status: groupStateText(subject.state),
      connections,
      averagePerSecond: perSecond(items),
      totalItems: this.processed,
      countSinceLastMeasurement: items,
      lastCheckpointedEventPosition:
        this.lastCheckpoint === undefined ? undefined : positionText(this.lastCheckpoint),
      lastKnownEventPosition: this.lastKnown === undefined ? undefined : positionText(this.lastKnown),
      resolveLinkTos: settings.resolveLinkTos,
      startFrom: positionText(subject.startFrom),
      messageTimeoutMilliseconds: settings.messageTimeoutMs,
      extraStatistics: settings.extraStatistics,
      maxRetryCount: settings.maxRetryCount,
      liveBufferSize: settings.liveBufferSize,
      bufferSize: settings.historyBufferSize,
      readBatchSize: settings.readBatchSize,
      checkPointAfterMilliseconds: reportedCheckPointAfter(settings),
      minCheckPointCount: settings.minCheckPointCount,
      maxCheckPointCount: settings.maxCheckPointCount,
      readBufferCount: buffers?.read ?? 0,
      liveBufferCount: buffers?.live ?? 0,
      retryBufferCount: buffers?.retry ?? 0,
      totalInFlightMessages: totalInFlight,
      outstandingMessagesCount: subject.outstandingMessagesCount,
      namedConsumerStrategy: subject.strategyName,
      maxSubscriberCount: settings.maxSubscriberCount,
      parkedMessageCount: subject.parkedMessageCount,
    };
  }
}

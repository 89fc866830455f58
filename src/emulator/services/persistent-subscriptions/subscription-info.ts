import type { SubscriptionInfo } from '../../../generated/persistent.js';
import type { GroupInfo } from '../../persistent/group-statistics.js';

/** A group's statistics as GetInfo and List carry them (PersistentSubscriptions.Info.cs `ParseSubscriptionInfo`). */
export function subscriptionInfoOf(info: GroupInfo): SubscriptionInfo {
  return {
    eventSource: info.eventSource,
    groupName: info.groupName,
    status: info.status,
    connections: info.connections.map((connection) => ({
      from: connection.from,
      username: connection.username,
      averageItemsPerSecond: connection.averageItemsPerSecond,
      totalItems: BigInt(connection.totalItems),
      countSinceLastMeasurement: BigInt(connection.countSinceLastMeasurement),
      observedMeasurements: connection.observedMeasurements.map(({ key, value }) => ({ key, value })),
      availableSlots: connection.availableSlots,
      inFlightMessages: connection.inFlightMessages,
      connectionName: connection.connectionName,
    })),
    averagePerSecond: info.averagePerSecond,
    totalItems: BigInt(info.totalItems),
    countSinceLastMeasurement: BigInt(info.countSinceLastMeasurement),
    // "" until there is one (§3.14 GetInfo).
    lastCheckpointedEventPosition: info.lastCheckpointedEventPosition ?? '',
    lastKnownEventPosition: info.lastKnownEventPosition ?? '',
    resolveLinkTos: info.resolveLinkTos,
    startFrom: info.startFrom,
    messageTimeoutMilliseconds: info.messageTimeoutMilliseconds,
    extraStatistics: info.extraStatistics,
    maxRetryCount: info.maxRetryCount,
    liveBufferSize: info.liveBufferSize,
    bufferSize: info.bufferSize,
    readBatchSize: info.readBatchSize,
    checkPointAfterMilliseconds: info.checkPointAfterMilliseconds,
    minCheckPointCount: info.minCheckPointCount,
    maxCheckPointCount: info.maxCheckPointCount,
    readBufferCount: info.readBufferCount,
    liveBufferCount: BigInt(info.liveBufferCount),
    retryBufferCount: info.retryBufferCount,
    totalInFlightMessages: info.totalInFlightMessages,
    outstandingMessagesCount: info.outstandingMessagesCount,
    namedConsumerStrategy: info.namedConsumerStrategy,
    maxSubscriberCount: info.maxSubscriberCount,
    parkedMessageCount: info.parkedMessageCount,
  };
}

/**
 * Maps the server's `SubscriptionInfo` message (docs/protocol.md §2.5, §3.14.1) to the client's
 * {@link SubscriptionInfo}: positions parsed from their text, counts of events as bigints, settings in the
 * create options' names and units.
 */
import type {
  SubscriptionInfo as SubscriptionInfoMessage,
  SubscriptionInfo_ConnectionInfo,
} from '../../generated/persistent.js';
import type { SubscriptionConnection, SubscriptionInfo } from '../subscriptions/subscription-info.js';
import { reachedPositionOf, startPositionOf } from './info-positions.js';
import { settingsFromInfo } from './settings-from-info.js';

function connectionOf(connection: SubscriptionInfo_ConnectionInfo): SubscriptionConnection {
  return {
    connectionName: connection.connectionName,
    username: connection.username,
    from: connection.from,
    averageItemsPerSecond: connection.averageItemsPerSecond,
    totalItems: connection.totalItems,
    countSinceLastMeasurement: connection.countSinceLastMeasurement,
    availableSlots: connection.availableSlots,
    inFlightMessages: BigInt(connection.inFlightMessages),
    // Milliseconds (RequestStatistics.cs), far below 2^53.
    observedMeasurements: new Map(
      connection.observedMeasurements.map(({ key, value }) => [key, Number(value)]),
    ),
  };
}

/** The group a `SubscriptionInfo` message describes. */
export function subscriptionInfoOf(info: SubscriptionInfoMessage): SubscriptionInfo {
  return {
    groupName: info.groupName,
    streamName: info.eventSource,
    status: info.status,
    settings: settingsFromInfo(info),
    startFrom: startPositionOf(info.startFrom),
    lastCheckpointedPosition: reachedPositionOf(
      info.lastCheckpointedEventPosition,
      'last_checkpointed_event_position',
    ),
    lastKnownPosition: reachedPositionOf(info.lastKnownEventPosition, 'last_known_event_position'),
    connections: info.connections.map(connectionOf),
    averagePerSecond: info.averagePerSecond,
    totalItems: info.totalItems,
    countSinceLastMeasurement: info.countSinceLastMeasurement,
    readBufferCount: BigInt(info.readBufferCount),
    liveBufferCount: info.liveBufferCount,
    retryBufferCount: BigInt(info.retryBufferCount),
    totalInFlightMessages: BigInt(info.totalInFlightMessages),
    outstandingMessagesCount: BigInt(info.outstandingMessagesCount),
    parkedMessageCount: info.parkedMessageCount,
  };
}

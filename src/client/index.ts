/**
 * esdbclient: a strongly typed gRPC client for EventStoreDB / KurrentDB.
 * @packageDocumentation
 */
export { EsdbClient } from './esdb-client.js';
export type {
  EsdbClientOptions,
  EsdbClientHostOptions,
  EsdbClientUriOptions,
} from './connection/client-options.js';
export type { CallControl } from './calls/call-control.js';
export type { AppendEventsOptions } from './streams/append-events.js';
export type { GetStreamPositionOptions } from './streams/get-stream-position.js';
export type { GetCommitPositionOptions } from './streams/get-commit-position.js';
export type { ReadStreamEventsOptions, ReadAllEventsOptions } from './streams/read-events.js';
export type { ReadEventsResult } from './streams/read-events-result.js';
export type { DeleteStreamOptions } from './streams/delete-stream.js';
export type { StreamAcl, StreamMetadata, StreamMetadataInit } from './streams/stream-metadata.js';
export type { GetStreamMetadataOptions, GetStreamMetadataResult } from './streams/get-stream-metadata.js';
export type { SetStreamMetadataOptions } from './streams/set-stream-metadata.js';
export { ServerFeatures, type ServerFeaturesInit, type ServerMethod } from './features/server-features.js';
export type { CatchUpSubscription } from './subscriptions/catch-up-subscription.js';
export type { SubscribeAllEventsOptions } from './subscriptions/subscribe-all-events.js';
export type { SubscribeStreamEventsOptions } from './subscriptions/subscribe-stream-events.js';
export type {
  ReconnectInfo,
  ReconnectObserver,
  ResubscribeOptions,
  SelfHealingOptions,
} from './subscriptions/resubscribe-options.js';
export { CaughtUp, Checkpoint, type CatchUpItem } from './subscriptions/progress-items.js';
export type { CreateSubscriptionOptions } from './subscriptions/create-subscription.js';
export type { CreateStreamSubscriptionOptions } from './subscriptions/create-stream-subscription.js';
export type { UpdateSubscriptionOptions } from './subscriptions/update-subscription.js';
export type {
  NackAction,
  ReadStreamSubscriptionOptions,
  ReadSubscriptionOptions,
  SubscriptionReadRequest,
  SubscriptionReadResponse,
} from './subscriptions/read-subscription.js';
export type { SubscriptionConnection, SubscriptionInfo } from './subscriptions/subscription-info.js';
export type {
  ConsumerStrategy,
  PersistentSubscriptionSettings,
} from './subscriptions/subscription-settings.js';
export type { GetSubscriptionInfoOptions } from './subscriptions/get-subscription-info.js';
export type { ListSubscriptionsOptions } from './subscriptions/list-subscriptions.js';
export type { DeleteSubscriptionOptions } from './subscriptions/delete-subscription.js';
export type { ReplayParkedEventsOptions } from './subscriptions/replay-parked-events.js';
export type { RestartSubscriptionsSubsystemOptions } from './subscriptions/restart-subscriptions-subsystem.js';
export {
  NewEvent,
  type NewEventOptions,
  type NewJsonEventOptions,
  DEFAULT_CONTENT_TYPE,
} from './events/new-event.js';
export { RecordedEvent, type RecordedEventInit } from './events/recorded-event.js';
export { PersistentRecordedEvent } from './events/persistent-recorded-event.js';
export { ESDB_EVENTS_REGEX } from './wire/event-type-filter.js';
export { EsdbError, type EsdbErrorOptions, type GrpcStatusDetails } from './errors/esdb-error.js';
export {
  ExpectedPositionError,
  StreamNotFoundError,
  StreamDeletedError,
  AccessDeniedError,
  UnauthenticatedError,
  NotLeaderError,
  type LeaderEndpoint,
  DeadlineExceededError,
  CancelledError,
  ServiceUnavailableError,
  MaximumAppendSizeExceededError,
  SubscriptionNotFoundError,
  SubscriptionExistsError,
  MaximumSubscribersReachedError,
  SubscriptionDroppedError,
  SubscriptionFailedError,
  GrpcError,
  TlsMismatchError,
} from './errors/esdb-errors.js';
export { ProtocolError } from './errors/protocol-error.js';
export {
  ProjectionNotFoundError,
  ProjectionExistsError,
  ProjectionOperationFailedError,
} from './errors/projection-errors.js';
export type { CreateProjectionOptions } from './projections/create-projection.js';
export type { UpdateProjectionOptions } from './projections/update-projection.js';
export type { DeleteProjectionOptions } from './projections/delete-projection.js';
export type { GetProjectionStatisticsOptions } from './projections/get-projection-statistics.js';
export type { GetProjectionStateOptions } from './projections/get-projection-state.js';
export type { GetProjectionResultOptions } from './projections/get-projection-result.js';
export type { EnableProjectionOptions } from './projections/enable-projection.js';
export type { DisableProjectionOptions } from './projections/disable-projection.js';
export type { ResetProjectionOptions } from './projections/reset-projection.js';
export type { ProjectionNameOptions } from './projections/projection-call.js';
export type { RestartProjectionsSubsystemOptions } from './projections/restart-projections-subsystem.js';
export type { ProjectionStatistics } from './projections/projection-statistics.js';
export { DiscoveryError } from './discovery/discovery-error.js';
export type { ClusterMember, MemberState } from './discovery/cluster-member.js';
export type { Endpoint } from './discovery/discovery-settings.js';
export type { NodePreference } from './discovery/node-preference.js';

import type { EventStore } from '../store/event-store.js';
import { isConsumerStrategyName } from './consumer-strategy.js';
import type { GroupSettings } from './group-settings.js';
import { failure, type Failure } from './management-outcome.js';
import { ALL_STREAM } from './names.js';
import type { SubscriptionPosition } from './subscription-position.js';

const ALL_ONLY_OVER_GRPC =
  'Persistent subscriptions to $all are only supported over gRPC through gRPC clients';
const BAD_STREAM_NAME = 'Bad stream name.';

/** What a management call names as its source: a stream (possibly empty or `$all` by mistake), or `$all`. */
export type ManagedSource =
  { readonly kind: 'stream'; readonly streamName: string } | { readonly kind: 'all' };

/**
 * The stream-name checks of Create, Update and Delete on a stream (`CreatePersistentSubscriptionToStream` and
 * its twins): an empty name and `$all` as a stream name are refused.
 */
export function refuseStreamName(source: ManagedSource): Failure | undefined {
  if (source.kind !== 'stream') return undefined;
  if (source.streamName === '') return failure(BAD_STREAM_NAME);
  if (source.streamName === ALL_STREAM) return failure(ALL_ONLY_OVER_GRPC);
  return undefined;
}

/** The refusal of a strategy name the server does not know. */
export function unknownStrategy(name: string): Failure {
  return failure(`Consumer strategy ${name} does not exist.`);
}

/** The checks of `CreatePersistentSubscription`: a known strategy, then a valid start (`ValidateStartFrom`). */
export function validateGroup(
  store: EventStore,
  settings: GroupSettings,
  startFrom: SubscriptionPosition,
): Failure | undefined {
  if (!isConsumerStrategyName(settings.consumerStrategy)) return unknownStrategy(settings.consumerStrategy);
  const invalid = invalidStart(store, startFrom);
  return invalid === undefined ? undefined : failure(invalid);
}

function invalidStart(store: EventStore, startFrom: SubscriptionPosition): string | undefined {
  if (startFrom.kind === 'stream') {
    return startFrom.eventNumber < -1n
      ? 'Invalid Start From position: event number must be greater than or equal to -1.'
      : undefined;
  }
  const { commit, prepare } = startFrom;
  if (prepare > commit) {
    return 'Invalid Start From position: prepare position must be less than or equal to the commit position.';
  }
  if (commit > lastIndexedPosition(store)) {
    return 'Invalid Start From position: commit position must be less than or equal to the last commit position in the transaction file.';
  }
  if ((prepare <= -1n || commit <= -1n) && !(prepare === -1n && commit === -1n)) {
    return 'Invalid Start From position: prepare and commit positions must be greater than or equal to 0 or both equal to -1.';
  }
  return undefined;
}

/**
 * The start of the last indexed record (`IndexCommitter.LastIndexedPosition`). A real log is never empty; an
 * empty emulator log answers with its head, so that `start` stays valid.
 */
function lastIndexedPosition(store: EventStore): bigint {
  return store.log.at(-1)?.position ?? store.headPosition;
}

/**
 * The client's reading of a failed append on `Streams.BatchAppend`: the response's `google.rpc.Status`, whose
 * one `Any` detail packs an `event_store.client.*` message recognised by its type URL (docs/protocol.md §3.5,
 * §2.1, §2.3). Each becomes the error the same failure gives on `Streams.Append`, so that both paths throw alike.
 */
import type { Any } from '../../generated/google/protobuf/any.js';
import {
  BadRequest,
  MaximumAppendEventSizeExceeded,
  MaximumAppendSizeExceeded,
  StreamDeleted,
  WrongExpectedVersion,
} from '../../generated/shared.js';
import type { Status } from '../../generated/status.js';
import type { EsdbError, EsdbErrorOptions, GrpcStatusDetails } from './esdb-error.js';
import {
  AccessDeniedError,
  DeadlineExceededError,
  ExpectedPositionError,
  GrpcError,
  MaximumAppendSizeExceededError,
  NotLeaderError,
  ServiceUnavailableError,
  StreamDeletedError,
} from './esdb-errors.js';

/** What the failed append asked for, which the error repeats. */
export interface FailedAppend {
  readonly streamName: string;
  /** The expected position as {@link ExpectedPositionError} reports it: a position, -1 for any, null for none. */
  readonly expectedPosition: bigint | null;
}

const TYPE_URL_PREFIX = 'type.googleapis.com/';

type ErrorOfDetail = (
  value: Uint8Array,
  append: FailedAppend,
  status: Status,
  options: EsdbErrorOptions,
) => EsdbError;

/** The errors each detail message means, by the message's full name (§3.5). */
const ERROR_OF_DETAIL: ReadonlyMap<string, ErrorOfDetail> = new Map<string, ErrorOfDetail>([
  [
    'event_store.client.WrongExpectedVersion',
    (value, append, _status, options) => {
      const current = WrongExpectedVersion.decode(value).currentStreamRevisionOption;
      const actual = current?.$case === 'currentStreamRevision' ? current.value : null;
      return new ExpectedPositionError(append.streamName, append.expectedPosition, actual, options);
    },
  ],
  [
    'event_store.client.StreamDeleted',
    (value, append, _status, options) => {
      const named = StreamDeleted.decode(value).streamIdentifier?.streamName;
      const streamName = named === undefined ? append.streamName : Buffer.from(named).toString('utf8');
      return new StreamDeletedError(streamName, options);
    },
  ],
  [
    'event_store.client.AccessDenied',
    (_v, _a, _s, options) => new AccessDeniedError('Access denied.', options),
  ],
  [
    'event_store.client.Timeout',
    (_v, _a, _s, options) => new DeadlineExceededError('The server timed out the append.', options),
  ],
  [
    'event_store.client.MaximumAppendSizeExceeded',
    (value, _a, status, options) =>
      new MaximumAppendSizeExceededError(
        status.message,
        MaximumAppendSizeExceeded.decode(value).maxAppendSize,
        options,
      ),
  ],
  [
    // 25.0+: one event alone is over the per-event limit (§2.1).
    'event_store.client.MaximumAppendEventSizeExceeded',
    (value, _a, status, options) =>
      new MaximumAppendSizeExceededError(
        status.message,
        MaximumAppendEventSizeExceeded.decode(value).maxAppendEventSize,
        options,
      ),
  ],
  [
    'event_store.client.BadRequest',
    (value, _a, status, options) =>
      new GrpcError(
        { ...statusDetailsOf(status), details: `${status.message}: ${BadRequest.decode(value).message}` },
        options,
      ),
  ],
]);

type ErrorOfMessage = (options: EsdbErrorOptions) => EsdbError;

/**
 * The errors of the replies packed as `google.protobuf.Empty`, told apart by their message (§3.5): a node that
 * is not ready or busy, as on Append (§3.1.2); a follower that does not know the leader.
 */
const ERROR_OF_MESSAGE: ReadonlyMap<string, ErrorOfMessage> = new Map<string, ErrorOfMessage>([
  ['Server Is Not Ready', (options) => new ServiceUnavailableError('Server Is Not Ready', options)],
  ['Server Is Busy', (options) => new ServiceUnavailableError('Server Is Busy', options)],
  ['No leader info available in response', (options) => new NotLeaderError(undefined, options)],
]);

/** The error a BatchAppend `error` reply means for the append it answers. */
export function errorFromBatchStatus(status: Status, append: FailedAppend): EsdbError {
  const grpcStatus = statusDetailsOf(status);
  const options: EsdbErrorOptions = { grpcStatus };
  const name = typeNameOf(status.details);
  const ofDetail = name === undefined ? undefined : ERROR_OF_DETAIL.get(name);
  if (ofDetail !== undefined)
    return ofDetail(status.details?.value ?? new Uint8Array(), append, status, options);
  return ERROR_OF_MESSAGE.get(status.message)?.(options) ?? new GrpcError(grpcStatus);
}

function typeNameOf(detail: Any | undefined): string | undefined {
  const url = detail?.typeUrl;
  return url?.startsWith(TYPE_URL_PREFIX) === true ? url.slice(TYPE_URL_PREFIX.length) : undefined;
}

function statusDetailsOf(status: Status): GrpcStatusDetails {
  return { code: status.code, details: status.message, trailers: {} };
}

/**
 * The client's reading of how EventStoreDB signals errors: a gRPC status, and an `exception` trailer naming the
 * error kind with companion trailers carrying its parameters (docs/protocol.md §3.1, §3.1.1, §3.1.2).
 */
import { Status } from 'nice-grpc';
import type { EsdbError, EsdbErrorOptions, GrpcStatusDetails } from './esdb-error.js';
import {
  AccessDeniedError,
  CancelledError,
  DeadlineExceededError,
  ExpectedPositionError,
  GrpcError,
  MaximumAppendSizeExceededError,
  MaximumSubscribersReachedError,
  NotLeaderError,
  ServiceUnavailableError,
  StreamDeletedError,
  StreamNotFoundError,
  SubscriptionDroppedError,
  SubscriptionExistsError,
  SubscriptionFailedError,
  SubscriptionNotFoundError,
  UnauthenticatedError,
} from './esdb-errors.js';
import { protocolErrorOf } from './protocol-violation.js';

/**
 * The EsdbError for a call that ended with `grpcStatus`. A status made up because the answer was not proper gRPC
 * is a ProtocolError (§4.1); otherwise the `exception` trailer decides first; without one, the status code
 * does; what matches nothing becomes a {@link GrpcError} that keeps the whole status.
 */
export function errorFromStatus(grpcStatus: GrpcStatusDetails, cause?: unknown): EsdbError {
  const violation = protocolErrorOf(grpcStatus, cause);
  if (violation !== undefined) return violation;
  const exception = grpcStatus.trailers.exception;
  const error =
    exception === undefined ? errorOfCode(grpcStatus, cause) : errorOfException(exception, grpcStatus, cause);
  return error ?? new GrpcError(grpcStatus, { cause });
}

/** The error an `exception` trailer names, with its companion trailers (§3.1.1); undefined for other kinds. */
function errorOfException(
  exception: string,
  grpcStatus: GrpcStatusDetails,
  cause: unknown,
): EsdbError | undefined {
  const options = { grpcStatus, cause };
  const trailers = grpcStatus.trailers;
  const streamName = trailers['stream-name'];
  const groupName = trailers['group-name'];
  switch (exception) {
    case 'access-denied':
      return new AccessDeniedError('Access denied.', options);
    case 'not-leader':
      return new NotLeaderError(leaderOf(trailers), options);
    case 'stream-deleted':
      return new StreamDeletedError(streamName, options);
    case 'stream-not-found':
      // Only 20.6 servers signal a missing stream this way; later ones answer in-band (§3.1.1, §3.7).
      return new StreamNotFoundError(streamName ?? '', options);
    case 'wrong-expected-version':
      // Delete and Tombstone report this as an error; versions are signed text, -1 meaning "no stream" (§3.1.1).
      return new ExpectedPositionError(
        streamName ?? '',
        versionOf(trailers['expected-version']),
        versionOf(trailers['actual-version']),
        options,
      );
    case 'maximum-append-size-exceeded':
      return new MaximumAppendSizeExceededError(
        grpcStatus.details,
        numberOf(trailers['maximum-append-size']),
        options,
      );
    case 'maximum-append-event-size-exceeded':
      // 25.0+: one event alone is over the per-event limit (§3.1.1).
      return new MaximumAppendSizeExceededError(
        grpcStatus.details,
        numberOf(trailers['maximum-append-event-size']),
        options,
      );
    case 'persistent-subscription-does-not-exist':
      return new SubscriptionNotFoundError(groupName, streamName, options);
    case 'persistent-subscription-exists':
      return new SubscriptionExistsError(groupName, streamName, options);
    case 'maximum-subscribers-reached':
      return new MaximumSubscribersReachedError(groupName, streamName, options);
    case 'persistent-subscription-dropped':
      return new SubscriptionDroppedError(groupName, streamName, options);
    case 'persistent-subscription-failed':
      return new SubscriptionFailedError(groupName, streamName, trailers.reason, options);
    default:
      // Another known kind (invalid-transaction, user-not-found, ...): the catch-all
      // keeps it, exception key included.
      return undefined;
  }
}

type ErrorOfCode = (grpcStatus: GrpcStatusDetails, options: EsdbErrorOptions) => EsdbError | undefined;

/** The errors status codes mean when no `exception` trailer says more (§3.1.2). */
const ERROR_OF_CODE: ReadonlyMap<number, ErrorOfCode> = new Map<number, ErrorOfCode>([
  // A well-formed Basic header with wrong credentials (§3.1.2, §4).
  [Status.UNAUTHENTICATED, (s, o) => new UnauthenticatedError(`Unauthenticated: ${s.details}`, o)],
  [Status.PERMISSION_DENIED, (s, o) => new AccessDeniedError(`Access denied: ${s.details}`, o)],
  // Unreachable node, or "Server Is Not Ready" / "Server Is Too Busy" (§3.1.2).
  [Status.UNAVAILABLE, (s, o) => new ServiceUnavailableError(`Service unavailable: ${s.details}`, o)],
  [Status.DEADLINE_EXCEEDED, (s, o) => new DeadlineExceededError(`Deadline exceeded: ${s.details}`, o)],
  // The server's own prepare/commit/forward timeouts: "Operation timed out: ..." (§3.1.2); NODE maps it to a
  // timeout too.
  [Status.ABORTED, (s, o) => new DeadlineExceededError(`The server timed out: ${s.details}`, o)],
  [Status.CANCELLED, (s, o) => new CancelledError(`Cancelled: ${s.details}`, o)],
  // Without the exception key, the detail text is all there is (PY compares it exactly, §3.1.1).
  [
    Status.NOT_FOUND,
    (s, o) => (s.details === 'Leader info available' ? new NotLeaderError(undefined, o) : undefined),
  ],
]);

/** The error a status code means when no `exception` trailer says more; undefined for the rest. */
function errorOfCode(grpcStatus: GrpcStatusDetails, cause: unknown): EsdbError | undefined {
  return ERROR_OF_CODE.get(grpcStatus.code)?.(grpcStatus, { grpcStatus, cause });
}

function leaderOf(trailers: Readonly<Record<string, string>>): { host: string; port: number } | undefined {
  const host = trailers['leader-endpoint-host'];
  const port = numberOf(trailers['leader-endpoint-port']);
  return host === undefined || port === undefined ? undefined : { host, port };
}

/** A signed version from a trailer: ≥0 a position, -1 "no stream" (null); other values are kept as they are. */
function versionOf(text: string | undefined): bigint | null {
  if (text === undefined || !/^-?\d+$/.test(text)) return null;
  const value = BigInt(text);
  return value === -1n ? null : value;
}

function numberOf(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  return Number(text);
}

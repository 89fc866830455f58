import { Metadata, ServerError, Status } from 'nice-grpc';

/**
 * A gRPC error as the real server raises it (§3.1): a status, the detail text that becomes `grpc-message`,
 * and the `exception` key with its companion keys, which the server sends as trailers.
 */
export class RpcError extends ServerError {
  constructor(
    code: Status,
    details: string,
    readonly trailers: Readonly<Record<string, string>> = {},
  ) {
    super(code, details);
  }

  /** Copies the keys into the call's trailing metadata, where clients read them. */
  applyTo(trailer: Metadata): void {
    for (const [key, value] of Object.entries(this.trailers)) trailer.set(key, value);
  }
}

/** The §3.1.1 catalogue: every error below carries an `exception` key and fixed detail text. */
export const rpcErrors = {
  accessDenied: () => new RpcError(Status.PERMISSION_DENIED, 'Access Denied', { exception: 'access-denied' }),
  streamDeleted: (stream: string) =>
    new RpcError(Status.FAILED_PRECONDITION, `Event stream '${stream}' is deleted.`, {
      exception: 'stream-deleted',
      'stream-name': stream,
    }),
  /** Delete and Tombstone only; the operation word is `Delete` for both (§3.1.1). */
  wrongExpectedVersion: (stream: string, expected: bigint, actual: bigint) =>
    new RpcError(
      Status.FAILED_PRECONDITION,
      `Delete failed due to WrongExpectedVersion. Stream: ${stream}, Expected version: ${expected}, Actual version: ${actual}`,
      {
        exception: 'wrong-expected-version',
        'stream-name': stream,
        'expected-version': expected.toString(),
        'actual-version': actual.toString(),
      },
    ),
  maximumAppendSizeExceeded: (maxAppendSize: number) =>
    new RpcError(Status.INVALID_ARGUMENT, `Maximum Append Size of ${maxAppendSize} Exceeded.`, {
      exception: 'maximum-append-size-exceeded',
      'maximum-append-size': maxAppendSize.toString(),
    }),
  missingRequiredMetadataProperty: (property: 'type' | 'content-type') =>
    new RpcError(Status.INVALID_ARGUMENT, `Required Metadata Property '${property}' is missing`, {
      exception: 'missing-required-metadata-property',
      'required-metadata-properties': 'type,content-type',
    }),
  persistentSubscriptionFailed: (stream: string, group: string, reason: string) =>
    new RpcError(Status.INTERNAL, `Subscription group ${group} on stream ${stream} failed: '${reason}'`, {
      exception: 'persistent-subscription-failed',
      'stream-name': stream,
      'group-name': group,
      reason,
    }),
  persistentSubscriptionDoesNotExist: (stream: string, group: string) =>
    new RpcError(Status.NOT_FOUND, `Subscription group ${group} on stream ${stream} does not exist.`, {
      exception: 'persistent-subscription-does-not-exist',
      'stream-name': stream,
      'group-name': group,
    }),
  persistentSubscriptionExists: (stream: string, group: string) =>
    new RpcError(Status.ALREADY_EXISTS, `Subscription group ${group} on stream ${stream} exists.`, {
      exception: 'persistent-subscription-exists',
      'stream-name': stream,
      'group-name': group,
    }),
  maximumSubscribersReached: (stream: string, group: string) =>
    new RpcError(
      Status.FAILED_PRECONDITION,
      `Maximum subscriptions reached for subscription group ${group} on stream ${stream}.`,
      { exception: 'maximum-subscribers-reached', 'stream-name': stream, 'group-name': group },
    ),
  persistentSubscriptionDropped: (stream: string, group: string) =>
    new RpcError(Status.CANCELLED, `Subscription group ${group} on stream ${stream} was dropped.`, {
      exception: 'persistent-subscription-dropped',
      'stream-name': stream,
      'group-name': group,
    }),
  /** Errors without an `exception` key (§3.1.2). */
  unauthenticated: () => new RpcError(Status.UNAUTHENTICATED, 'Unauthenticated'),
  /** What an unhandled exception in a handler becomes when detailed errors are off (§3.1, channel 3). */
  exceptionThrownByHandler: () => new RpcError(Status.UNKNOWN, 'Exception was thrown by handler.'),
  invalidArgument: (details: string) => new RpcError(Status.INVALID_ARGUMENT, details),
} as const;

/**
 * The errors the client throws, below {@link EsdbError}: one class per thing that can go wrong that a caller
 * may want to handle on its own.
 */
import { EsdbError, type EsdbErrorOptions, type GrpcStatusDetails } from './esdb-error.js';

/**
 * The stream's last event is not at the position the append expected: optimistic concurrency control at work.
 */
export class ExpectedPositionError extends EsdbError {
  override readonly name: string = 'ExpectedPositionError';
  /** The stream that was written to. */
  readonly streamName: string;
  /**
   * The position the request expected the last event at; `null` when it expected the stream not to exist; a
   * negative value when it expected nothing in particular (a failed idempotent retry can still fail this way).
   */
  readonly expectedPosition: bigint | null;
  /** The position of the stream's last event; `null` when the stream does not exist. */
  readonly actualPosition: bigint | null;

  constructor(
    streamName: string,
    expectedPosition: bigint | null,
    actualPosition: bigint | null,
    options: EsdbErrorOptions = {},
  ) {
    super(
      `Expected position ${describePosition(expectedPosition)} of stream '${streamName}', ` +
        `but its last event is ${actualPosition === null ? 'absent (the stream does not exist)' : `at position ${actualPosition}`}.`,
      options,
    );
    this.streamName = streamName;
    this.expectedPosition = expectedPosition;
    this.actualPosition = actualPosition;
  }
}

function describePosition(position: bigint | null): string {
  if (position === null) return 'none (a new stream)';
  return position < 0n ? 'any' : String(position);
}

/** The stream does not exist, or was (soft) deleted. */
export class StreamNotFoundError extends EsdbError {
  override readonly name: string = 'StreamNotFoundError';
  /** The stream that was not found. */
  readonly streamName: string;

  constructor(streamName: string, options: EsdbErrorOptions = {}) {
    super(`Stream '${streamName}' not found.`, options);
    this.streamName = streamName;
  }
}

/** The stream was permanently deleted (tombstoned), so it can be neither read nor written. */
export class StreamDeletedError extends EsdbError {
  override readonly name: string = 'StreamDeletedError';
  /** The deleted stream, when the server named it. */
  readonly streamName: string | undefined;

  constructor(streamName: string | undefined, options: EsdbErrorOptions = {}) {
    super(streamName === undefined ? 'Stream is deleted.' : `Stream '${streamName}' is deleted.`, options);
    this.streamName = streamName;
  }
}

/** The authenticated user (or the anonymous user) may not perform the operation. */
export class AccessDeniedError extends EsdbError {
  override readonly name: string = 'AccessDeniedError';
}

/** The server rejected the credentials: wrong username or password, or a disabled user. */
export class UnauthenticatedError extends EsdbError {
  override readonly name: string = 'UnauthenticatedError';
}

/** Where a cluster's leader can be reached. */
export interface LeaderEndpoint {
  readonly host: string;
  readonly port: number;
}

/** The node is not the leader and the operation needs the leader. */
export class NotLeaderError extends EsdbError {
  override readonly name: string = 'NotLeaderError';
  /** The leader's endpoint, when the server told it. */
  readonly leader: LeaderEndpoint | undefined;

  constructor(leader: LeaderEndpoint | undefined, options: EsdbErrorOptions = {}) {
    super(
      leader === undefined
        ? 'The node is not the leader.'
        : `The node is not the leader; the leader is ${leader.host}:${leader.port}.`,
      options,
    );
    this.leader = leader;
  }
}

/** The call did not complete before its deadline (the `timeout` option or the client's default deadline). */
export class DeadlineExceededError extends EsdbError {
  override readonly name: string = 'DeadlineExceededError';
}

/** The call was cancelled: its `signal` was aborted, the client was closed, or the call was cancelled remotely. */
export class CancelledError extends EsdbError {
  override readonly name: string = 'CancelledError';
}

/** The server could not be reached, or is not ready or too busy to serve the call. */
export class ServiceUnavailableError extends EsdbError {
  override readonly name: string = 'ServiceUnavailableError';
}

/** The events of one append are larger in total than the server accepts (its `MaxAppendSize`). */
export class MaximumAppendSizeExceededError extends EsdbError {
  override readonly name: string = 'MaximumAppendSizeExceededError';
  /** The server's limit in bytes, when it told it. */
  readonly maximumAppendSize: number | undefined;

  constructor(message: string, maximumAppendSize: number | undefined, options: EsdbErrorOptions = {}) {
    super(message, options);
    this.maximumAppendSize = maximumAppendSize;
  }
}

/** Base of the errors about one persistent subscription group. */
abstract class SubscriptionGroupError extends EsdbError {
  /** The group's name, when the server told it. */
  readonly groupName: string | undefined;
  /** The stream the group subscribes to (`$all` for all streams), when the server told it. */
  readonly streamName: string | undefined;

  constructor(
    message: string,
    groupName: string | undefined,
    streamName: string | undefined,
    options: EsdbErrorOptions,
  ) {
    super(message, options);
    this.groupName = groupName;
    this.streamName = streamName;
  }
}

/** The persistent subscription group does not exist. */
export class SubscriptionNotFoundError extends SubscriptionGroupError {
  override readonly name: string = 'SubscriptionNotFoundError';

  constructor(groupName: string | undefined, streamName: string | undefined, options: EsdbErrorOptions = {}) {
    super(
      `Persistent subscription group '${groupName ?? ''}' does not exist.`,
      groupName,
      streamName,
      options,
    );
  }
}

/** A persistent subscription group with this name already exists. */
export class SubscriptionExistsError extends SubscriptionGroupError {
  override readonly name: string = 'SubscriptionExistsError';

  constructor(groupName: string | undefined, streamName: string | undefined, options: EsdbErrorOptions = {}) {
    super(
      `Persistent subscription group '${groupName ?? ''}' already exists.`,
      groupName,
      streamName,
      options,
    );
  }
}

/** The persistent subscription group already has as many consumers as its settings allow. */
export class MaximumSubscribersReachedError extends SubscriptionGroupError {
  override readonly name: string = 'MaximumSubscribersReachedError';

  constructor(groupName: string | undefined, streamName: string | undefined, options: EsdbErrorOptions = {}) {
    super(
      `Persistent subscription group '${groupName ?? ''}' has reached its maximum number of subscribers.`,
      groupName,
      streamName,
      options,
    );
  }
}

/**
 * The server dropped a consumer of a persistent subscription group: the group was updated, deleted, or the
 * subsystem restarted (docs/protocol.md §3.14, Read step 8). Connecting again reads the group as it is now.
 */
export class SubscriptionDroppedError extends SubscriptionGroupError {
  override readonly name: string = 'SubscriptionDroppedError';

  constructor(groupName: string | undefined, streamName: string | undefined, options: EsdbErrorOptions = {}) {
    super(
      `The server dropped this consumer of persistent subscription group '${groupName ?? ''}'.`,
      groupName,
      streamName,
      options,
    );
  }
}

/**
 * The server refused a persistent subscription request (`persistent-subscription-failed`, docs/protocol.md
 * §3.1.1): a group's start beyond the end of the log, an unknown consumer strategy, settings the server cannot
 * use, or a subsystem in the wrong state for a restart. `reason` is the server's explanation.
 */
export class SubscriptionFailedError extends SubscriptionGroupError {
  override readonly name: string = 'SubscriptionFailedError';
  /** Why the server refused, in its words (the `reason` trailer), when it said. */
  readonly reason: string | undefined;

  constructor(
    groupName: string | undefined,
    streamName: string | undefined,
    reason: string | undefined,
    options: EsdbErrorOptions = {},
  ) {
    super(
      `The server refused persistent subscription group '${groupName ?? ''}': ${reason ?? 'no reason given'}`,
      groupName,
      streamName,
      options,
    );
    this.reason = reason;
  }
}

/**
 * Any other failed call: the catch-all, which keeps the gRPC status code, message and trailers so that nothing
 * the server said is lost.
 */
export class GrpcError extends EsdbError {
  override readonly name: string = 'GrpcError';
  /** The gRPC status code. */
  readonly code: number;
  /** The status message. */
  readonly details: string;
  /** The text trailers (lower-case keys). */
  readonly trailers: Readonly<Record<string, string>>;

  constructor(grpcStatus: GrpcStatusDetails, options: { readonly cause?: unknown } = {}) {
    super(`gRPC call failed with status ${grpcStatus.code}: ${grpcStatus.details}`, {
      ...options,
      grpcStatus,
    });
    this.code = grpcStatus.code;
    this.details = grpcStatus.details;
    this.trailers = grpcStatus.trailers;
  }
}

/**
 * The client and the server disagree about TLS: the client speaks TLS to a server started without it
 * (`--insecure`), or cleartext to a server that speaks only TLS. The connection settings must change; retrying
 * does not help.
 */
export class TlsMismatchError extends EsdbError {
  override readonly name: string = 'TlsMismatchError';
  /** Whether the server speaks TLS (and the client did not). */
  readonly serverSpeaksTls: boolean;

  constructor(endpoint: string, serverSpeaksTls: boolean, options: EsdbErrorOptions = {}) {
    super(
      serverSpeaksTls
        ? `The server at ${endpoint} speaks TLS, but the client connected without it: give serverCert (or ` +
            'tls: true), or leave tls=false out of the connection string.'
        : `The server at ${endpoint} does not speak TLS (it runs insecure): connect with tls: false / without ` +
            'serverCert, or with tls=false in the connection string.',
      options,
    );
    this.serverSpeaksTls = serverSpeaksTls;
  }
}

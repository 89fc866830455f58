// The client's error mapping from a gRPC status, the `exception` trailer and its companion keys
// (docs/protocol.md §3.1, §3.1.1, §3.1.2), on fake statuses.
import { Status } from 'nice-grpc';
import { errorFromStatus } from '../../src/client/errors/error-from-status.js';
import {
  AccessDeniedError,
  CancelledError,
  DeadlineExceededError,
  EsdbError,
  ExpectedPositionError,
  GrpcError,
  MaximumAppendSizeExceededError,
  MaximumSubscribersReachedError,
  NotLeaderError,
  ServiceUnavailableError,
  StreamDeletedError,
  StreamNotFoundError,
  SubscriptionExistsError,
  SubscriptionFailedError,
  SubscriptionNotFoundError,
  SubscriptionDroppedError,
  UnauthenticatedError,
} from '../../src/client/index.js';

const status = (code: Status, details: string, trailers: Record<string, string> = {}) => ({
  code,
  details,
  trailers,
});

describe('errors with an exception trailer', () => {
  test('access-denied', () => {
    const error = errorFromStatus(
      status(Status.PERMISSION_DENIED, 'Access Denied', { exception: 'access-denied' }),
    );
    expect(error).toBeInstanceOf(AccessDeniedError);
  });

  test('not-leader carries the leader endpoint', () => {
    const error = errorFromStatus(
      status(Status.NOT_FOUND, 'Leader info available', {
        exception: 'not-leader',
        'leader-endpoint-host': '10.0.0.2',
        'leader-endpoint-port': '2113',
      }),
    );
    expect(error).toBeInstanceOf(NotLeaderError);
    expect(error).toMatchObject({ leader: { host: '10.0.0.2', port: 2113 } });
    expect(error.message).toContain('10.0.0.2:2113');
  });

  test('not-leader without usable endpoint keys has no leader', () => {
    const error = errorFromStatus(
      status(Status.NOT_FOUND, 'Leader info available', { exception: 'not-leader' }),
    );
    expect(error).toHaveProperty('leader', undefined);
  });

  test('stream-deleted carries the stream name', () => {
    const error = errorFromStatus(
      status(Status.FAILED_PRECONDITION, "Event stream 'orders-1' is deleted.", {
        exception: 'stream-deleted',
        'stream-name': 'orders-1',
      }),
    );
    expect(error).toBeInstanceOf(StreamDeletedError);
    expect(error).toHaveProperty('streamName', 'orders-1');
  });

  test('stream-not-found (20.6 servers)', () => {
    const error = errorFromStatus(
      status(Status.NOT_FOUND, "Event stream 'x' is not found.", {
        exception: 'stream-not-found',
        'stream-name': 'x',
      }),
    );
    expect(error).toBeInstanceOf(StreamNotFoundError);
    expect(error).toHaveProperty('streamName', 'x');
  });

  test('wrong-expected-version (delete, tombstone) carries expected and actual; -1 is no stream', () => {
    const error = errorFromStatus(
      status(
        Status.FAILED_PRECONDITION,
        'Delete failed due to WrongExpectedVersion. Stream: s, Expected version: 3, Actual version: -1',
        {
          exception: 'wrong-expected-version',
          'stream-name': 's',
          'expected-version': '3',
          'actual-version': '-1',
        },
      ),
    );
    expect(error).toBeInstanceOf(ExpectedPositionError);
    expect(error).toMatchObject({ streamName: 's', expectedPosition: 3n, actualPosition: null });
    const noStream = errorFromStatus(
      status(Status.FAILED_PRECONDITION, 'x', {
        exception: 'wrong-expected-version',
        'stream-name': 's',
        'expected-version': '-1',
        'actual-version': '7',
      }),
    );
    expect(noStream).toMatchObject({ expectedPosition: null, actualPosition: 7n });
  });

  test('maximum-append-size-exceeded carries the limit', () => {
    const error = errorFromStatus(
      status(Status.INVALID_ARGUMENT, 'Maximum Append Size of 1048576 Exceeded.', {
        exception: 'maximum-append-size-exceeded',
        'maximum-append-size': '1048576',
      }),
    );
    expect(error).toBeInstanceOf(MaximumAppendSizeExceededError);
    expect(error).toHaveProperty('maximumAppendSize', 1048576);
    expect(error.message).toBe('Maximum Append Size of 1048576 Exceeded.');
  });

  test('maximum-append-event-size-exceeded (25.0+) is the same kind of error', () => {
    const error = errorFromStatus(
      status(Status.INVALID_ARGUMENT, 'Event with Id: x, Size: 9, exceeds Maximum Append Event Size of 8.', {
        exception: 'maximum-append-event-size-exceeded',
        'maximum-append-event-size': '8',
        'event-id': 'x',
        'proposed-append-event-size': '9',
      }),
    );
    expect(error).toBeInstanceOf(MaximumAppendSizeExceededError);
    expect(error).toHaveProperty('maximumAppendSize', 8);
  });

  test.each([
    ['persistent-subscription-does-not-exist', Status.NOT_FOUND, SubscriptionNotFoundError],
    ['persistent-subscription-exists', Status.ALREADY_EXISTS, SubscriptionExistsError],
    ['maximum-subscribers-reached', Status.FAILED_PRECONDITION, MaximumSubscribersReachedError],
    ['persistent-subscription-dropped', Status.CANCELLED, SubscriptionDroppedError],
  ])('%s carries the group and stream', (exception, code, errorClass) => {
    const error = errorFromStatus(
      status(code, 'text', { exception, 'stream-name': '$all', 'group-name': 'g1' }),
    );
    expect(error).toBeInstanceOf(errorClass);
    expect(error).toMatchObject({ groupName: 'g1', streamName: '$all' });
  });

  test('persistent-subscription-failed carries the group, the stream and the reason', () => {
    const reason =
      'Invalid Start From position: commit position must be less than or equal to the last commit position in the transaction file.';
    const error = errorFromStatus(
      status(Status.INTERNAL, `Subscription group g1 on stream $all failed: '${reason}'`, {
        exception: 'persistent-subscription-failed',
        'stream-name': '$all',
        'group-name': 'g1',
        reason,
      }),
    );
    expect(error).toBeInstanceOf(SubscriptionFailedError);
    expect(error).toMatchObject({ groupName: 'g1', streamName: '$all', reason });
    expect(error.message).toContain(reason);
  });

  test.each([
    ['invalid-transaction', Status.INVALID_ARGUMENT],
    ['missing-required-metadata-property', Status.INVALID_ARGUMENT],
    ['user-not-found', Status.NOT_FOUND],
  ])('other kinds (%s) become the catch-all, which keeps everything', (exception, code) => {
    const trailers = { exception, 'stream-name': 's', 'group-name': 'g' };
    const error = errorFromStatus(status(code, 'the text', trailers));
    expect(error).toBeInstanceOf(GrpcError);
    expect(error).toMatchObject({ code, details: 'the text', trailers });
    expect(error.grpcStatus).toEqual({ code, details: 'the text', trailers });
  });
});

describe('errors without an exception trailer', () => {
  test.each([
    [Status.UNAUTHENTICATED, 'Unauthenticated', UnauthenticatedError],
    [Status.PERMISSION_DENIED, 'Access Denied', AccessDeniedError],
    [Status.UNAVAILABLE, 'Server Is Not Ready', ServiceUnavailableError],
    [Status.UNAVAILABLE, 'No connection established', ServiceUnavailableError],
    [Status.DEADLINE_EXCEEDED, 'Deadline exceeded', DeadlineExceededError],
    [Status.ABORTED, 'Operation timed out: commit timeout', DeadlineExceededError],
    [Status.CANCELLED, 'Cancelled on client', CancelledError],
    [Status.NOT_FOUND, 'Leader info available', NotLeaderError],
  ])('status %i (%s)', (code, details, errorClass) => {
    const error = errorFromStatus(status(code, details));
    expect(error).toBeInstanceOf(errorClass);
    expect(error).toBeInstanceOf(EsdbError);
    expect(error.grpcStatus).toEqual({ code, details, trailers: {} });
  });

  test.each([
    [Status.UNKNOWN, 'Exception was thrown by handler.'],
    [Status.UNKNOWN, 'No leader info available in response'],
    [Status.INVALID_ARGUMENT, 'Trying to read from an invalid position.'],
    [Status.NOT_FOUND, 'something else'],
    [Status.UNIMPLEMENTED, 'Method not found'],
  ])('anything else, status %i (%s), is a GrpcError', (code, details) => {
    const cause = new Error('transport');
    const error = errorFromStatus(status(code, details), cause);
    expect(error).toBeInstanceOf(GrpcError);
    expect(error).toMatchObject({ code, details, trailers: {} });
    expect(error.cause).toBe(cause);
  });
});

test('every error is an EsdbError and an Error with its own name', () => {
  const errors = [
    new ExpectedPositionError('s', 1n, 2n),
    new StreamNotFoundError('s'),
    new StreamDeletedError('s'),
    new AccessDeniedError('x'),
    new UnauthenticatedError('x'),
    new NotLeaderError(undefined),
    new DeadlineExceededError('x'),
    new CancelledError('x'),
    new ServiceUnavailableError('x'),
    new MaximumAppendSizeExceededError('x', 1),
    new SubscriptionNotFoundError('g', 's'),
    new SubscriptionExistsError('g', 's'),
    new MaximumSubscribersReachedError('g', 's'),
    new GrpcError({ code: 2, details: 'x', trailers: {} }),
  ];
  for (const error of errors) {
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(EsdbError);
    expect(error.name).toBe(error.constructor.name);
  }
  expect(new Set(errors.map((error) => error.name)).size).toBe(errors.length);
});

// The BatchAppend request builder (chunks, options, deadlines) and the reading of its error replies
// (docs/protocol.md §3.5), without a server.
import { Status } from 'nice-grpc';
import { GrpcError, NewEvent, NotLeaderError } from '../../src/client/index.js';
import { errorFromBatchStatus } from '../../src/client/errors/error-from-batch-status.js';
import {
  batchAppendMessages,
  type BatchAppendParts,
  eventBytesOf,
  fitsBatchAppend,
  LARGEST_BATCH_EVENT_BYTES,
} from '../../src/client/wire/batch-append-request.js';
import { Code } from '../../src/generated/code.js';
import { BadRequest } from '../../src/generated/shared.js';
import { BatchAppendReq } from '../../src/generated/streams.js';

const sized = (bytes: number): NewEvent => new NewEvent({ type: 'T', data: new Uint8Array(bytes) });

const parts = (events: NewEvent[], deadline: BatchAppendParts['deadline']): BatchAppendParts => ({
  correlationId: '0f8fad5b-d9cb-469f-a165-70867728950e',
  streamName: 's',
  expected: { kind: 'any' },
  events,
  deadline,
});

/** The messages of an append, decoded with the generated decoder. */
const decoded = (appendParts: BatchAppendParts, chunk?: number): BatchAppendReq[] =>
  batchAppendMessages(appendParts, chunk).map((message) => BatchAppendReq.decode(message));

describe('batchAppendMessages', () => {
  test('a small append is one final message with the options', () => {
    const messages = decoded(parts([sized(10), sized(10)], { kind: 'none' }));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      isFinal: true,
      correlationId: { value: { $case: 'string', value: '0f8fad5b-d9cb-469f-a165-70867728950e' } },
      options: { expectedStreamPosition: { $case: 'any' }, deadlineOption: undefined },
    });
    expect(messages[0]?.proposedMessages).toHaveLength(2);
  });

  test('events are cut into chunks of at most the chunk size; a larger event goes alone', () => {
    const events = [sized(400), sized(400), sized(5000), sized(100)];
    const chunk = eventBytesOf(events[0] as NewEvent) * 2;
    const messages = decoded(parts(events, { kind: 'none' }), chunk);
    expect(messages.map((message) => message.proposedMessages.length)).toEqual([2, 1, 1]);
    expect(messages.map((message) => message.options !== undefined)).toEqual([true, false, false]);
    expect(messages.map((message) => message.isFinal)).toEqual([false, false, true]);
  });

  test('deadlines: a Duration for servers that read it, else an absolute Timestamp', () => {
    const [duration] = decoded(parts([sized(1)], { kind: 'duration', milliseconds: 2250 }));
    expect(duration?.options?.deadlineOption).toEqual({
      $case: 'deadline',
      value: { seconds: 2n, nanos: 250_000_000 },
    });
    const before = Date.now();
    const [timestamp] = decoded(parts([sized(1)], { kind: 'timestamp', milliseconds: 5000 }));
    const option = timestamp?.options?.deadlineOption;
    expect(option?.$case).toBe('deadline21100');
    const at = option?.$case === 'deadline21100' ? option.value.getTime() : 0;
    expect(at).toBeGreaterThanOrEqual(before + 5000);
    expect(at).toBeLessThanOrEqual(Date.now() + 5000);
  });

  test('an event too large for one message of the shared call is left to Append', () => {
    expect(fitsBatchAppend([sized(1024)])).toBe(true);
    expect(fitsBatchAppend([sized(1024), sized(LARGEST_BATCH_EVENT_BYTES)])).toBe(false);
  });
});

describe('errorFromBatchStatus', () => {
  const append = { streamName: 's', expectedPosition: null };

  test('BadRequest keeps its text in a GrpcError', () => {
    const error = errorFromBatchStatus(
      {
        code: Code.INVALID_ARGUMENT,
        message: 'BadRequest',
        details: {
          typeUrl: 'type.googleapis.com/event_store.client.BadRequest',
          value: BadRequest.encode({ message: 'Required field StreamIdentifier not set.' }).finish(),
        },
      },
      append,
    );
    expect(error).toBeInstanceOf(GrpcError);
    expect(error).toMatchObject({ code: Status.INVALID_ARGUMENT });
    expect(error.message).toContain('Required field StreamIdentifier not set.');
  });

  test('a follower without a known leader is NotLeaderError; an unknown detail is a GrpcError', () => {
    const empty = { typeUrl: 'type.googleapis.com/google.protobuf.Empty', value: new Uint8Array() };
    const noLeader = errorFromBatchStatus(
      { code: Code.OK, message: 'No leader info available in response', details: empty },
      append,
    );
    expect(noLeader).toBeInstanceOf(NotLeaderError);
    const internal = errorFromBatchStatus(
      { code: Code.INTERNAL, message: 'Envelope...', details: empty },
      append,
    );
    expect(internal).toBeInstanceOf(GrpcError);
    expect(internal).toMatchObject({ code: Status.INTERNAL, details: 'Envelope...' });
  });
});

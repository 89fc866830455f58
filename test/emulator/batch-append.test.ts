// Streams.BatchAppend against the facts (docs/protocol.md §3.5, §3.6, §3.18, §3.19 exchange 7, §5 item 1)
// and the server's Streams.BatchAppend.cs (24.10), through a raw gRPC client on the generated definitions.
import { ChannelCredentials } from '@grpc/grpc-js';
import { isAbortError } from 'abort-controller-x';
import { ClientError, createChannel, createClient, Metadata, Status, type Channel } from 'nice-grpc';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { Code } from '../../src/generated/code.js';
import {
  BadRequest,
  MaximumAppendSizeExceeded,
  StreamDeleted,
  type UUID,
  WrongExpectedVersion,
} from '../../src/generated/shared.js';
import type { Status as RpcStatus } from '../../src/generated/status.js';
import {
  type BatchAppendReq,
  type BatchAppendReq_Options,
  type BatchAppendReq_ProposedMessage,
  type BatchAppendResp,
  type DeepPartial,
  StreamsDefinition,
  type StreamsClient,
} from '../../src/generated/streams.js';
import { emptyAppendRecordSize } from './record-sizes.js';

type Expected = BatchAppendReq_Options['expectedStreamPosition'];
type Deadline = BatchAppendReq_Options['deadlineOption'];
type Request = DeepPartial<BatchAppendReq>;

const any: Expected = { $case: 'any', value: {} };
const noStream: Expected = { $case: 'noStream', value: {} };
const streamExists: Expected = { $case: 'streamExists', value: {} };
const position = (value: bigint): Expected => ({ $case: 'streamPosition', value });
const seconds = (value: number): Deadline => ({
  $case: 'deadline',
  value: { seconds: BigInt(value), nanos: 0 },
});

const TYPE_URL_PREFIX = 'type.googleapis.com/event_store.client.';

const streamName = (): string => `stream-${crypto.randomUUID()}`;
const stringId = (text: string = crypto.randomUUID()): UUID => ({ value: { $case: 'string', value: text } });
const identifier = (stream: string) => ({ streamName: Buffer.from(stream) });

function options(
  stream: string,
  expected: Expected,
  deadline: Deadline = seconds(10),
): DeepPartial<BatchAppendReq_Options> {
  return { streamIdentifier: identifier(stream), expectedStreamPosition: expected, deadlineOption: deadline };
}

function event(
  data = '{}',
  id: string = crypto.randomUUID(),
  metadata: Record<string, string> = { type: 'Happened', 'content-type': 'application/json' },
): DeepPartial<BatchAppendReq_ProposedMessage> {
  return { id: stringId(id), metadata, data: Buffer.from(data) };
}

/** A request stream the test writes to while it reads responses. */
class Requests implements AsyncIterable<Request> {
  private readonly items: (Request | undefined)[] = [];
  private wake: (() => void) | undefined;

  send(...requests: Request[]): void {
    this.items.push(...requests);
    this.wake?.();
  }

  /** Half-closes the call. */
  end(): void {
    this.items.push(undefined);
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Request> {
    for (;;) {
      if (this.items.length === 0) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      const item = this.items.shift();
      if (item === undefined) return;
      yield item;
    }
  }
}

/** One BatchAppend call: write requests, read responses one at a time, cancel at the end. */
class Call {
  readonly requests = new Requests();
  private readonly abort = new AbortController();
  private readonly responses: AsyncIterator<BatchAppendResp>;
  /** How the call ended, once it has: 'ok', or the error. */
  ended: 'ok' | ClientError | undefined;

  constructor(client: StreamsClient, metadata?: Metadata) {
    this.responses = client
      .batchAppend(this.requests, { signal: this.abort.signal, metadata })
      [Symbol.asyncIterator]();
  }

  /** The next response, or undefined when none comes within `ms` (or the call ended). */
  async next(ms = 2000): Promise<BatchAppendResp | undefined> {
    // A read that timed out is still waiting for its response: the next read takes it over.
    this.pendingRead ??= this.read();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => {
        resolve('timeout');
      }, ms);
    });
    const winner = await Promise.race([this.pendingRead, timeout]);
    clearTimeout(timer);
    if (winner === 'timeout') return undefined;
    this.pendingRead = undefined;
    return winner;
  }

  /** Whether the call ends within `ms`, reading past any responses still to come. */
  async endsWithin(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (this.ended === undefined) {
      const remaining = deadline - Date.now();
      if (remaining <= 0 || (await this.next(remaining)) === undefined) break;
    }
    return this.ended !== undefined;
  }

  cancel(): void {
    this.abort.abort();
  }

  private pendingRead: Promise<BatchAppendResp | undefined> | undefined;

  private async read(): Promise<BatchAppendResp | undefined> {
    try {
      const result = await this.responses.next();
      if (result.done !== true) return result.value;
      this.ended = 'ok';
    } catch (error: unknown) {
      if (error instanceof ClientError) this.ended = error;
      else if (!isAbortError(error)) throw error;
    }
    return undefined;
  }
}

function errorOf(response: BatchAppendResp | undefined): RpcStatus {
  if (response?.result?.$case !== 'error')
    throw new Error(`not an error: ${JSON.stringify(response?.result)}`);
  return response.result.value;
}

function successOf(response: BatchAppendResp | undefined): {
  revision: bigint | 'no-stream';
  position: bigint | 'none';
} {
  if (response?.result?.$case !== 'success')
    throw new Error(`not a success: ${String(response?.result?.$case)}`);
  const { currentRevisionOption, positionOption } = response.result.value;
  if (positionOption?.$case === 'position') {
    expect(positionOption.value.preparePosition).toBe(positionOption.value.commitPosition);
  }
  return {
    revision: currentRevisionOption?.$case === 'currentRevision' ? currentRevisionOption.value : 'no-stream',
    position: positionOption?.$case === 'position' ? positionOption.value.commitPosition : 'none',
  };
}

const streamOf = (response: BatchAppendResp | undefined): string =>
  Buffer.from(response?.streamIdentifier?.streamName ?? []).toString('utf8');

describe('insecure node', () => {
  let emulator: RunningEmulator;
  let channel: Channel;
  let client: StreamsClient;
  const calls: Call[] = [];
  const open = (metadata?: Metadata): Call => {
    const call = new Call(client, metadata);
    calls.push(call);
    return call;
  };

  beforeAll(async () => {
    emulator = await startEmulator();
    channel = createChannel(`${emulator.host}:${emulator.port}`);
    client = createClient(StreamsDefinition, channel);
  });
  afterEach(() => {
    for (const call of calls.splice(0)) call.cancel();
  });
  afterAll(async () => {
    channel.close();
    await emulator.stop();
  });

  test('a single final chunk is written: last event number, its position, ids echoed as sent (§3.5)', async () => {
    const call = open();
    const stream = streamName();
    const correlation = stringId(crypto.randomUUID().toUpperCase());
    call.requests.send({
      correlationId: correlation,
      options: options(stream, noStream),
      proposedMessages: [event(), event()],
      isFinal: true,
    });
    const response = await call.next();
    expect(response?.correlationId).toEqual(correlation);
    expect(streamOf(response)).toBe(stream);
    expect(response?.expectedStreamPosition).toBeUndefined();
    const first = successOf(response);
    expect(first.revision).toBe(1n);

    // The next write to the same stream lands after it.
    call.requests.send({
      correlationId: stringId(),
      options: options(stream, position(1n)),
      proposedMessages: [event()],
      isFinal: true,
    });
    const second = successOf(await call.next());
    expect(second.revision).toBe(2n);
    expect(second.position).toBeGreaterThan(first.position as bigint);
  });

  test('a structured correlation id is echoed structured', async () => {
    const call = open();
    const correlation: UUID = {
      value: {
        $case: 'structured',
        value: { mostSignificantBits: -1234567890123n, leastSignificantBits: 42n },
      },
    };
    call.requests.send({
      correlationId: correlation,
      options: options(streamName(), any),
      proposedMessages: [event()],
      isFinal: true,
    });
    expect((await call.next())?.correlationId).toEqual(correlation);
  });

  test('several correlation ids interleave on one call; a chunked batch is written once, whole', async () => {
    const call = open();
    const [a, b] = [streamName(), streamName()];
    const [idA, idB] = [stringId(), stringId()];
    call.requests.send({
      correlationId: idA,
      options: options(a, noStream),
      proposedMessages: [event(), event()],
    });
    call.requests.send({
      correlationId: idB,
      options: options(b, noStream),
      proposedMessages: [event()],
      isFinal: true,
    });
    const forB = await call.next();
    expect(forB?.correlationId).toEqual(idB);
    expect(successOf(forB).revision).toBe(0n);

    // Later chunks need no options; options sent again for the same id do not replace the first ones.
    call.requests.send({ correlationId: idA, proposedMessages: [event()] });
    call.requests.send({
      correlationId: idA,
      options: options('elsewhere', streamExists),
      proposedMessages: [event()],
      isFinal: true,
    });
    const forA = await call.next();
    expect(forA?.correlationId).toEqual(idA);
    expect(streamOf(forA)).toBe(a);
    expect(successOf(forA).revision).toBe(3n);

    // An empty batch is a pure consistency check: stream A now ends at 3.
    call.requests.send({ correlationId: stringId(), options: options(a, position(3n)), isFinal: true });
    expect(successOf(await call.next()).revision).toBe(3n);
  });

  test('an empty batch answers no_stream and the position of the event-less record it writes (§3.3)', async () => {
    const call = open();
    const stream = streamName();
    call.requests.send({ correlationId: stringId(), options: options(stream, noStream), isFinal: true });
    const empty = successOf(await call.next());
    expect(empty.revision).toBe('no-stream');
    call.requests.send({
      correlationId: stringId(),
      options: options(stream, noStream),
      proposedMessages: [event()],
      isFinal: true,
    });
    const first = successOf(await call.next());
    expect(first.revision).toBe(0n);
    if (empty.position === 'none' || first.position === 'none') throw new Error('a write without position');
    // The event-less record sits between them: nothing else was written to this node meanwhile.
    expect(first.position - empty.position).toBe(BigInt(emptyAppendRecordSize(stream)));
  });

  test('chunks for an unknown id without options are ignored silently', async () => {
    const call = open();
    call.requests.send({ correlationId: stringId(), proposedMessages: [event()], isFinal: true });
    const known = stringId();
    call.requests.send({
      correlationId: known,
      options: options(streamName(), any),
      proposedMessages: [event()],
      isFinal: true,
    });
    expect((await call.next())?.correlationId).toEqual(known);
  });

  test('wrong expected version: ALREADY_EXISTS with the WrongExpectedVersion detail (§3.5 table)', async () => {
    const call = open();
    const stream = streamName();
    call.requests.send({
      correlationId: stringId(),
      options: options(stream, any),
      proposedMessages: [event(), event()],
      isFinal: true,
    });
    successOf(await call.next());

    const cases: [Expected, WrongExpectedVersion['expectedStreamPositionOption']][] = [
      [noStream, { $case: 'expectedNoStream', value: {} }],
      [position(7n), { $case: 'expectedStreamPosition', value: 7n }],
    ];
    for (const [expected, option] of cases) {
      const id = stringId();
      call.requests.send({
        correlationId: id,
        options: options(stream, expected),
        proposedMessages: [event()],
        isFinal: true,
      });
      const response = await call.next();
      expect(response?.correlationId).toEqual(id);
      expect(streamOf(response)).toBe(stream);
      const status = errorOf(response);
      expect(status.code).toBe(Code.ALREADY_EXISTS);
      expect(status.message).toBe('WrongExpectedVersion');
      expect(status.details?.typeUrl).toBe(`${TYPE_URL_PREFIX}WrongExpectedVersion`);
      expect(WrongExpectedVersion.decode(status.details?.value ?? new Uint8Array())).toEqual({
        currentStreamRevisionOption: { $case: 'currentStreamRevision', value: 1n },
        expectedStreamPositionOption: option,
      });
    }

    call.requests.send({
      correlationId: stringId(),
      options: options(streamName(), streamExists),
      proposedMessages: [event()],
      isFinal: true,
    });
    expect(
      WrongExpectedVersion.decode(errorOf(await call.next()).details?.value ?? new Uint8Array()),
    ).toEqual({
      currentStreamRevisionOption: { $case: 'currentNoStream', value: {} },
      expectedStreamPositionOption: { $case: 'expectedStreamExists', value: {} },
    });
  });

  test('a tombstoned stream: NOT_FOUND StreamDeleted, and the call stays open (§3.19 exchange 7)', async () => {
    const stream = streamName();
    await client.tombstone({
      options: { streamIdentifier: identifier(stream), expectedStreamRevision: { $case: 'any', value: {} } },
    });
    const call = open();
    const id = stringId();
    call.requests.send({
      correlationId: id,
      options: options(stream, any),
      proposedMessages: [event()],
      isFinal: true,
    });
    const response = await call.next();
    expect(response?.correlationId).toEqual(id);
    expect(streamOf(response)).toBe(stream);
    const status = errorOf(response);
    expect(status.code).toBe(Code.NOT_FOUND);
    expect(status.message).toBe('StreamDeleted');
    expect(status.details?.typeUrl).toBe(`${TYPE_URL_PREFIX}StreamDeleted`);
    expect(StreamDeleted.decode(status.details?.value ?? new Uint8Array())).toEqual({
      streamIdentifier: identifier(stream),
    });

    call.requests.send({
      correlationId: stringId(),
      options: options(streamName(), any),
      proposedMessages: [event()],
      isFinal: true,
    });
    expect(successOf(await call.next()).revision).toBe(0n);
  });

  test('an empty batch to a tombstoned stream is StreamDeleted whatever it expects (§3.2.1)', async () => {
    const stream = streamName();
    await client.tombstone({
      options: { streamIdentifier: identifier(stream), expectedStreamRevision: { $case: 'any', value: {} } },
    });
    const call = open();
    for (const expected of [any, noStream, streamExists, position(0n)]) {
      call.requests.send({ correlationId: stringId(), options: options(stream, expected), isFinal: true });
      const status = errorOf(await call.next());
      expect([status.code, status.message]).toEqual([Code.NOT_FOUND, 'StreamDeleted']);
    }
  });

  test('an idempotent replay answers with the original revision and position, writing nothing (§3.6)', async () => {
    const call = open();
    const stream = streamName();
    const ids = [crypto.randomUUID(), crypto.randomUUID()];
    const batch = (): Request => ({
      correlationId: stringId(),
      options: options(stream, noStream),
      proposedMessages: ids.map((id) => event('{}', id)),
      isFinal: true,
    });
    call.requests.send(batch());
    const original = successOf(await call.next());
    call.requests.send(batch());
    expect(successOf(await call.next())).toEqual(original);
    call.requests.send({ correlationId: stringId(), options: options(stream, position(1n)), isFinal: true });
    expect(successOf(await call.next()).revision).toBe(1n);
  });

  test('bad requests: INVALID_ARGUMENT BadRequest carrying the text of the exception the server caught', async () => {
    const call = open();
    const bad = async (
      request: Request,
    ): Promise<{ response: BatchAppendResp | undefined; message: string }> => {
      call.requests.send(request);
      const response = await call.next();
      const status = errorOf(response);
      expect(status.code).toBe(Code.INVALID_ARGUMENT);
      expect(status.message).toBe('BadRequest');
      expect(status.details?.typeUrl).toBe(`${TYPE_URL_PREFIX}BadRequest`);
      return { response, message: BadRequest.decode(status.details?.value ?? new Uint8Array()).message };
    };
    const stream = streamName();

    // 24.10 reads `type` and `content-type` through protobuf's map indexer.
    const noType = await bad({
      correlationId: stringId(),
      options: options(stream, any),
      proposedMessages: [event('{}', crypto.randomUUID(), { 'content-type': 'application/json' })],
      isFinal: true,
    });
    expect(noType.message).toBe('The given key was not present in the dictionary.');
    expect(streamOf(noType.response)).toBe(stream);
    const noContentType = await bad({
      correlationId: stringId(),
      options: options(stream, any),
      proposedMessages: [event('{}', crypto.randomUUID(), { type: 'Happened' })],
      isFinal: true,
    });
    expect(noContentType.message).toBe('The given key was not present in the dictionary.');

    const unset = await bad({
      correlationId: stringId(),
      options: options(stream, undefined),
      proposedMessages: [event()],
      isFinal: true,
    });
    expect(unset.message).toBe(
      'Status(StatusCode="InvalidArgument", Detail="\'None\' is not a valid ' +
        'EventStore.Client.Streams.BatchAppendReq+Types+Options+ExpectedStreamPositionOneofCase")',
    );

    const outOfRange = await bad({
      correlationId: stringId(),
      options: options(stream, position(9223372036854775808n)),
      proposedMessages: [event()],
      isFinal: true,
    });
    expect(outOfRange.message).toBe(
      "Specified argument was out of the range of valid values. (Parameter 'value')",
    );

    const noIdentifier = await bad({
      correlationId: stringId(),
      options: { expectedStreamPosition: any, deadlineOption: seconds(10) },
      proposedMessages: [event()],
      isFinal: true,
    });
    expect(noIdentifier.message).toBe('Object reference not set to an instance of an object.');
    expect(noIdentifier.response?.streamIdentifier).toBeUndefined();

    const badId = await bad({
      correlationId: stringId(),
      options: options(stream, any),
      proposedMessages: [{ ...event(), id: stringId('z'.repeat(32)) }],
      isFinal: true,
    });
    expect(badId.message).toBe('Guid string should only contain hexadecimal characters.');
    const noId = await bad({
      correlationId: stringId(),
      options: options(stream, any),
      proposedMessages: [{ ...event(), id: undefined }],
      isFinal: true,
    });
    expect(noId.message).toBe("Value cannot be null. (Parameter 'dto')");
    const emptyType = await bad({
      correlationId: stringId(),
      options: options(stream, any),
      proposedMessages: [event('{}', crypto.randomUUID(), { type: '', 'content-type': 'application/json' })],
      isFinal: true,
    });
    expect(emptyType.message).toBe("Empty eventType provided. (Parameter 'eventType')");
    const noCorrelation = await bad({
      options: options(stream, any),
      proposedMessages: [event()],
      isFinal: true,
    });
    expect(noCorrelation.message).toBe("Value cannot be null. (Parameter 'dto')");
    expect(noCorrelation.response?.correlationId).toBeUndefined();

    // Nothing of the above was written, and the call is still open.
    call.requests.send({
      correlationId: stringId(),
      options: options(stream, noStream),
      proposedMessages: [event()],
      isFinal: true,
    });
    expect(successOf(await call.next()).revision).toBe(0n);
  });

  test('a bad message in a chunk without options ends the whole call: UNKNOWN (§3.1)', async () => {
    const call = open();
    const id = stringId();
    call.requests.send({
      correlationId: id,
      options: options(streamName(), any),
      proposedMessages: [event()],
    });
    call.requests.send({
      correlationId: id,
      proposedMessages: [event('{}', crypto.randomUUID(), {})],
      isFinal: true,
    });
    expect(await call.next()).toBeUndefined();
    expect(call.ended).toBeInstanceOf(ClientError);
    expect((call.ended as ClientError).code).toBe(Status.UNKNOWN);
    expect((call.ended as ClientError).details).toBe('Exception was thrown by handler.');
  });

  test('a deadline of zero or in the past is an immediate Timeout (§3.5)', async () => {
    const call = open();
    const stream = streamName();
    const pastDeadlines: Deadline[] = [
      { $case: 'deadline', value: { seconds: 0n, nanos: 0 } },
      { $case: 'deadline', value: { seconds: 0n, nanos: 99 } },
      { $case: 'deadline', value: { seconds: -1n, nanos: 0 } },
      { $case: 'deadline21100', value: new Date(Date.now() - 1000) },
    ];
    for (const deadline of pastDeadlines) {
      const id = stringId();
      call.requests.send({
        correlationId: id,
        options: options(stream, any, deadline),
        proposedMessages: [event()],
        isFinal: true,
      });
      const response = await call.next();
      expect(response?.correlationId).toEqual(id);
      expect(streamOf(response)).toBe(stream);
      const status = errorOf(response);
      expect(status.code).toBe(Code.DEADLINE_EXCEEDED);
      expect(status.message).toBe('Timeout');
      expect(status.details?.typeUrl).toBe(`${TYPE_URL_PREFIX}Timeout`);
      expect(status.details?.value).toEqual(new Uint8Array());
    }
    // None of them was written.
    call.requests.send({ correlationId: stringId(), options: options(stream, noStream), isFinal: true });
    expect(successOf(await call.next()).revision).toBe('no-stream');
  });

  test('a batch not finished within its deadline is dropped with a Timeout carrying the structured id', async () => {
    const call = open();
    const stream = streamName();
    const text = crypto.randomUUID();
    const started = Date.now();
    call.requests.send({
      correlationId: stringId(text),
      options: options(stream, any, { $case: 'deadline', value: { seconds: 0n, nanos: 300_000_000 } }),
      proposedMessages: [event()],
    });
    const response = await call.next();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(response?.correlationId?.value?.$case).toBe('structured');
    expect(response?.correlationId).toEqual({
      value: {
        $case: 'structured',
        value: {
          mostSignificantBits: BigInt.asIntN(64, BigInt(`0x${text.replace(/-/g, '').slice(0, 16)}`)),
          leastSignificantBits: BigInt.asIntN(64, BigInt(`0x${text.replace(/-/g, '').slice(16)}`)),
        },
      },
    });
    expect(streamOf(response)).toBe(stream);
    expect(errorOf(response).code).toBe(Code.DEADLINE_EXCEEDED);

    // Its final chunk, coming late, is ignored: nothing is written.
    call.requests.send({ correlationId: stringId(text), proposedMessages: [event()], isFinal: true });
    call.requests.send({ correlationId: stringId(), options: options(stream, noStream), isFinal: true });
    expect(successOf(await call.next()).revision).toBe('no-stream');
  });

  test("a longer deadline is capped at the server's 2000 ms write timeout", async () => {
    const call = open();
    const started = Date.now();
    call.requests.send({
      correlationId: stringId(),
      options: options(streamName(), any, seconds(30)),
      proposedMessages: [event()],
    });
    const response = await call.next(4000);
    const elapsed = Date.now() - started;
    expect(errorOf(response).code).toBe(Code.DEADLINE_EXCEEDED);
    expect(elapsed).toBeGreaterThanOrEqual(1900);
    expect(elapsed).toBeLessThan(3500);
  });

  test('an access check happens per batch: writing $all is denied, and the call carries on (§3.5, §4)', async () => {
    const call = open();
    const id = stringId();
    call.requests.send({
      correlationId: id,
      options: options('$all', any),
      proposedMessages: [event()],
      isFinal: true,
    });
    const denied = await call.next();
    expect(denied?.correlationId).toEqual(id);
    expect(streamOf(denied)).toBe('$all');
    const status = errorOf(denied);
    expect(status.code).toBe(Code.PERMISSION_DENIED);
    expect(status.message).toBe('AccessDenied');
    expect(status.details?.typeUrl).toBe(`${TYPE_URL_PREFIX}AccessDenied`);

    call.requests.send({
      correlationId: stringId(),
      options: options(streamName(), any),
      proposedMessages: [event()],
      isFinal: true,
    });
    expect(successOf(await call.next()).revision).toBe(0n);
  });

  describe('ending the call (the server’s Send loop)', () => {
    test('a half-close with a write still outstanding: its answer, then OK', async () => {
      const call = open();
      call.requests.send({
        correlationId: stringId(),
        options: options(streamName(), any),
        proposedMessages: [event()],
        isFinal: true,
      });
      call.requests.end();
      successOf(await call.next());
      expect(await call.endsWithin(1000)).toBe(true);
      expect(call.ended).toBe('ok');
    });

    test('a half-close after every batch was answered leaves the call open until the client cancels', async () => {
      const call = open();
      call.requests.send({
        correlationId: stringId(),
        options: options(streamName(), any),
        proposedMessages: [event()],
        isFinal: true,
      });
      successOf(await call.next());
      call.requests.end();
      expect(await call.endsWithin(500)).toBe(false);
    });
  });
});

describe('size limit (§3.18)', () => {
  const MAX = 100;
  let emulator: RunningEmulator;
  let channel: Channel;
  let client: StreamsClient;
  let call: Call;

  beforeAll(async () => {
    emulator = await startEmulator({ maxAppendSize: MAX });
    channel = createChannel(`${emulator.host}:${emulator.port}`);
    client = createClient(StreamsDefinition, channel);
  });
  beforeEach(() => {
    call = new Call(client);
  });
  afterEach(() => {
    call.cancel();
  });
  afterAll(async () => {
    channel.close();
    await emulator.stop();
  });

  /** An event whose size is exactly `size`: data + custom metadata + 2 per UTF-16 unit of the type `T`. */
  const sized = (size: number): DeepPartial<BatchAppendReq_ProposedMessage> => ({
    ...event('x'.repeat(size - 2 - 3)),
    customMetadata: Buffer.from('abc'),
    metadata: { type: 'T', 'content-type': 'application/octet-stream' },
  });

  test('exactly the limit is written', async () => {
    call.requests.send({
      correlationId: stringId(),
      options: options(streamName(), any),
      proposedMessages: [sized(60), sized(40)],
      isFinal: true,
    });
    expect(successOf(await call.next()).revision).toBe(1n);
  });

  test('the total is summed across chunks; going over answers at once, and the batch is dropped', async () => {
    const stream = streamName();
    const id = stringId();
    call.requests.send({ correlationId: id, options: options(stream, any), proposedMessages: [sized(60)] });
    call.requests.send({ correlationId: id, proposedMessages: [sized(41)] });
    const response = await call.next();
    expect(response?.correlationId).toEqual(id);
    expect(streamOf(response)).toBe(stream);
    const status = errorOf(response);
    expect(status.code).toBe(Code.INVALID_ARGUMENT);
    expect(status.message).toBe('MaximumAppendSizeExceeded');
    expect(status.details?.typeUrl).toBe(`${TYPE_URL_PREFIX}MaximumAppendSizeExceeded`);
    expect(MaximumAppendSizeExceeded.decode(status.details?.value ?? new Uint8Array())).toEqual({
      maxAppendSize: MAX,
    });

    // The final chunk, after the batch was dropped, is ignored; nothing was written.
    call.requests.send({ correlationId: id, proposedMessages: [sized(1 + 2 + 3)], isFinal: true });
    call.requests.send({ correlationId: stringId(), options: options(stream, noStream), isFinal: true });
    expect(successOf(await call.next()).revision).toBe('no-stream');
  });
});

describe('secure node: access is decided per batch (§4)', () => {
  let emulator: RunningEmulator;
  let channel: Channel;
  let client: StreamsClient;

  beforeAll(async () => {
    emulator = await startEmulator({ secure: true });
    channel = createChannel(
      `${emulator.host}:${emulator.port}`,
      ChannelCredentials.createSsl(Buffer.from(emulator.serverCert ?? '')),
    );
    client = createClient(StreamsDefinition, channel);
  });
  afterAll(async () => {
    channel.close();
    await emulator.stop();
  });

  test('a non-admin is denied a system stream but may write a user stream on the same call', async () => {
    const ops = Metadata({ authorization: `Basic ${Buffer.from('ops:changeit').toString('base64')}` });
    const call = new Call(client, ops);
    try {
      call.requests.send({
        correlationId: stringId(),
        options: options(`$system-${crypto.randomUUID()}`, any),
        proposedMessages: [event()],
        isFinal: true,
      });
      expect(errorOf(await call.next()).code).toBe(Code.PERMISSION_DENIED);
      call.requests.send({
        correlationId: stringId(),
        options: options(streamName(), any),
        proposedMessages: [event()],
        isFinal: true,
      });
      expect(successOf(await call.next()).revision).toBe(0n);
    } finally {
      call.cancel();
    }
  });

  test('an anonymous call is answered AccessDenied in-band, not failed', async () => {
    const call = new Call(client);
    try {
      call.requests.send({
        correlationId: stringId(),
        options: options(streamName(), any),
        proposedMessages: [event()],
        isFinal: true,
      });
      expect(errorOf(await call.next()).code).toBe(Code.PERMISSION_DENIED);
      // The call is still open: the next batch is answered on it too.
      call.requests.send({
        correlationId: stringId(),
        options: options(streamName(), any),
        proposedMessages: [event()],
        isFinal: true,
      });
      expect(errorOf(await call.next()).code).toBe(Code.PERMISSION_DENIED);
    } finally {
      call.cancel();
    }
  });
});

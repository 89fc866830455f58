// Streams.Delete and Streams.Tombstone against the facts (docs/protocol.md §3.4, §3.2, §3.1.1,
// §3.13, §3.19 exchange 4) and the server's Streams.Delete.cs, through a raw gRPC client on the generated
// definitions.
import { ChannelCredentials } from '@grpc/grpc-js';
import { ClientError, createChannel, createClient, Metadata, Status, type Channel } from 'nice-grpc';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { prepareRecordSize } from '../../src/emulator/log/record-size.js';
import { softDeleteRecordSize } from './record-sizes.js';
import {
  type AppendReq,
  type AppendResp,
  type DeepPartial,
  type DeleteReq,
  type DeleteResp,
  StreamsDefinition,
  type StreamsClient,
} from '../../src/generated/streams.js';
import { asyncIterableOf } from '../support/async-iterable.js';

type Expected = NonNullable<DeleteReq['options']>['expectedStreamRevision'];

const any: Expected = { $case: 'any', value: {} };
const noStream: Expected = { $case: 'noStream', value: {} };
const streamExists: Expected = { $case: 'streamExists', value: {} };
const revision = (value: bigint): Expected => ({ $case: 'revision', value });

const EVENT_TYPE = 'Happened';
const EVENT_DATA = '{}';

const streamName = (): string => `stream-${crypto.randomUUID()}`;
const identifier = (stream: string) => ({ streamName: Buffer.from(stream) });

/** Appends `count` events with `any` and returns the response. */
function append(
  client: StreamsClient,
  stream: string,
  count: number,
  metadata?: Metadata,
): Promise<AppendResp> {
  const messages: DeepPartial<AppendReq>[] = [
    {
      content: {
        $case: 'options',
        value: { streamIdentifier: identifier(stream), expectedStreamRevision: any },
      },
    },
  ];
  for (let index = 0; index < count; index += 1) {
    messages.push({
      content: {
        $case: 'proposedMessage',
        value: {
          id: { value: { $case: 'string', value: crypto.randomUUID() } },
          metadata: { type: EVENT_TYPE, 'content-type': 'application/json' },
          data: Buffer.from(EVENT_DATA),
        },
      },
    });
  }
  return client.append(asyncIterableOf(messages), { metadata });
}

function successOf(response: AppendResp): { revision: bigint | undefined; position: bigint | undefined } {
  if (response.result?.$case !== 'success')
    throw new Error(`append failed: ${JSON.stringify(response.result)}`);
  const { currentRevisionOption, positionOption } = response.result.value;
  return {
    revision: currentRevisionOption?.$case === 'currentRevision' ? currentRevisionOption.value : undefined,
    position: positionOption?.$case === 'position' ? positionOption.value.commitPosition : undefined,
  };
}

/** The commit position of a delete response, after checking commit == prepare (§3.12). */
function positionOf(response: DeleteResp): bigint {
  if (response.positionOption?.$case !== 'position') throw new Error('no position');
  expect(response.positionOption.value.preparePosition).toBe(response.positionOption.value.commitPosition);
  return response.positionOption.value.commitPosition;
}

const TRANSPORT_KEYS = new Set(['content-type', 'date']);

/** A call's failure together with the trailers it ended with. */
async function failure(
  call: (onTrailer: (trailer: Metadata) => void) => Promise<unknown>,
): Promise<{ error: ClientError; trailer: Record<string, string> }> {
  let trailer: Metadata | undefined;
  try {
    await call((received) => (trailer = received));
  } catch (error) {
    if (!(error instanceof ClientError)) throw error;
    const keys: Record<string, string> = {};
    for (const [key, value] of trailer ?? []) {
      // Trailers-only responses also carry the transport's own headers; keep the server's error keys.
      if (!key.startsWith('grpc-') && !TRANSPORT_KEYS.has(key)) keys[key] = String(value);
    }
    return { error, trailer: keys };
  }
  throw new Error('the call succeeded');
}

describe('insecure node', () => {
  let emulator: RunningEmulator;
  let channel: Channel;
  let client: StreamsClient;

  const softDelete = (stream: string, expected: Expected, onTrailer?: (trailer: Metadata) => void) =>
    client.delete(
      { options: { streamIdentifier: identifier(stream), expectedStreamRevision: expected } },
      { onTrailer },
    );
  const tombstone = (stream: string, expected: Expected, onTrailer?: (trailer: Metadata) => void) =>
    client.tombstone(
      { options: { streamIdentifier: identifier(stream), expectedStreamRevision: expected } },
      { onTrailer },
    );

  beforeAll(async () => {
    emulator = await startEmulator();
    channel = createChannel(`${emulator.host}:${emulator.port}`);
    client = createClient(StreamsDefinition, channel);
  });
  afterAll(async () => {
    channel.close();
    await emulator.stop();
  });

  describe('Delete (soft)', () => {
    test('of a stream that never existed fails even with any: exchange 4 of §3.19, text and trailers exact', async () => {
      const stream = streamName();
      const { error, trailer } = await failure((onTrailer) => softDelete(stream, any, onTrailer));
      expect(error.code).toBe(Status.FAILED_PRECONDITION);
      expect(error.details).toBe(
        `Delete failed due to WrongExpectedVersion. Stream: ${stream}, Expected version: -2, Actual version: -1`,
      );
      expect(trailer).toEqual({
        exception: 'wrong-expected-version',
        'stream-name': stream,
        'expected-version': '-2',
        'actual-version': '-1',
      });
    });

    test.each([
      ['no_stream', '-1', noStream],
      ['stream_exists', '-4', streamExists],
      ['revision 0', '0', revision(0n)],
    ])(
      'of a stream that never existed with %s names the expected version %s (§3.1.1)',
      async (_, text, expected) => {
        const stream = streamName();
        const { error, trailer } = await failure((onTrailer) => softDelete(stream, expected, onTrailer));
        expect(error.details).toBe(
          `Delete failed due to WrongExpectedVersion. Stream: ${stream}, Expected version: ${text}, Actual version: -1`,
        );
        expect(trailer['expected-version']).toBe(text);
        expect(trailer['actual-version']).toBe('-1');
      },
    );

    test('a wrong revision on an existing stream reports the current last event number', async () => {
      const stream = streamName();
      await append(client, stream, 2);
      const { error, trailer } = await failure((onTrailer) => softDelete(stream, revision(5n), onTrailer));
      expect(error.code).toBe(Status.FAILED_PRECONDITION);
      expect(error.details).toBe(
        `Delete failed due to WrongExpectedVersion. Stream: ${stream}, Expected version: 5, Actual version: 1`,
      );
      expect(trailer).toEqual({
        exception: 'wrong-expected-version',
        'stream-name': stream,
        'expected-version': '5',
        'actual-version': '1',
      });
      const noStreamFailure = await failure((onTrailer) => softDelete(stream, noStream, onTrailer));
      expect(noStreamFailure.error.details).toBe(
        `Delete failed due to WrongExpectedVersion. Stream: ${stream}, Expected version: -1, Actual version: 1`,
      );
    });

    test('UINT64 max as revision is StreamRevision.End, read by the server as no_stream (-1)', async () => {
      const stream = streamName();
      await append(client, stream, 2);
      const { error } = await failure((onTrailer) =>
        softDelete(stream, revision(18446744073709551615n), onTrailer),
      );
      expect(error.details).toBe(
        `Delete failed due to WrongExpectedVersion. Stream: ${stream}, Expected version: -1, Actual version: 1`,
      );
    });

    test('a revision above long.MaxValue (but not UINT64 max) makes StreamRevision throw: UNKNOWN', async () => {
      const { error } = await failure((onTrailer) =>
        softDelete(streamName(), revision(9223372036854775808n), onTrailer),
      );
      expect(error.code).toBe(Status.UNKNOWN);
      expect(error.details).toBe('Exception was thrown by handler.');
    });

    test.each([
      ['any', any],
      ['stream_exists', streamExists],
      ['the right revision', revision(1n)],
    ])('with %s writes the metadata record right after the last event (§3.4, §3.12)', async (_, expected) => {
      const stream = streamName();
      const last = successOf(await append(client, stream, 2)).position ?? -1n;
      const position = positionOf(await softDelete(stream, expected));
      const lastEventSize = prepareRecordSize({
        streamName: stream,
        eventType: EVENT_TYPE,
        dataLength: Buffer.byteLength(EVENT_DATA),
        metadataLength: 0,
      });
      expect(position).toBe(last + BigInt(lastEventSize));
    });

    test('an append after it continues the numbering; the delete record comes first in the log (§3.13)', async () => {
      const stream = streamName();
      await append(client, stream, 2);
      const deleted = positionOf(await softDelete(stream, any));
      const after = successOf(await append(client, stream, 1));
      expect(after.revision).toBe(2n);
      expect(after.position).toBeGreaterThanOrEqual(deleted + BigInt(softDeleteRecordSize(stream)));
    });

    test('of a tombstoned stream is stream-deleted', async () => {
      const stream = streamName();
      await append(client, stream, 1);
      await tombstone(stream, any);
      const { error, trailer } = await failure((onTrailer) => softDelete(stream, any, onTrailer));
      expect(error.code).toBe(Status.FAILED_PRECONDITION);
      expect(error.details).toBe(`Event stream '${stream}' is deleted.`);
      expect(trailer).toEqual({ exception: 'stream-deleted', 'stream-name': stream });
    });

    test('an unset expected revision is INVALID_ARGUMENT naming the CLR oneof-case type (§3.1.2)', async () => {
      const { error, trailer } = await failure((onTrailer) => softDelete(streamName(), undefined, onTrailer));
      expect(error.code).toBe(Status.INVALID_ARGUMENT);
      expect(error.details).toBe(
        "'None' is not a valid EventStore.Client.Streams.DeleteReq+Types+Options+ExpectedStreamRevisionOneofCase",
      );
      expect(trailer).toEqual({});
    });

    test('no options or no stream identifier is an unhandled exception: UNKNOWN (§3.1)', async () => {
      const noOptions = await failure((onTrailer) => client.delete({}, { onTrailer }));
      expect(noOptions.error.code).toBe(Status.UNKNOWN);
      expect(noOptions.error.details).toBe('Exception was thrown by handler.');
      const noIdentifier = await failure((onTrailer) =>
        client.delete({ options: { expectedStreamRevision: any } }, { onTrailer }),
      );
      expect(noIdentifier.error.code).toBe(Status.UNKNOWN);
      expect(noIdentifier.error.details).toBe('Exception was thrown by handler.');
    });
  });

  describe('Tombstone (hard)', () => {
    test('of a stream that never existed succeeds with any and with no_stream (§3.4)', async () => {
      const first = streamName();
      const second = streamName();
      const one = positionOf(await tombstone(first, any));
      const two = positionOf(await tombstone(second, noStream));
      expect(two).toBeGreaterThan(one);
    });

    test('of a stream that never existed with stream_exists or a revision is wrong-expected-version', async () => {
      const stream = streamName();
      const exists = await failure((onTrailer) => tombstone(stream, streamExists, onTrailer));
      expect(exists.error.code).toBe(Status.FAILED_PRECONDITION);
      // The operation word is Delete for Tombstone too (§3.1.1).
      expect(exists.error.details).toBe(
        `Delete failed due to WrongExpectedVersion. Stream: ${stream}, Expected version: -4, Actual version: -1`,
      );
      expect(exists.trailer).toEqual({
        exception: 'wrong-expected-version',
        'stream-name': stream,
        'expected-version': '-4',
        'actual-version': '-1',
      });
      const atRevision = await failure((onTrailer) => tombstone(stream, revision(3n), onTrailer));
      expect(atRevision.error.details).toBe(
        `Delete failed due to WrongExpectedVersion. Stream: ${stream}, Expected version: 3, Actual version: -1`,
      );
    });

    test('writes its record right after the last event', async () => {
      const stream = streamName();
      const last = successOf(await append(client, stream, 3)).position ?? -1n;
      const position = positionOf(await tombstone(stream, revision(2n)));
      const lastEventSize = prepareRecordSize({
        streamName: stream,
        eventType: EVENT_TYPE,
        dataLength: Buffer.byteLength(EVENT_DATA),
        metadataLength: 0,
      });
      expect(position).toBe(last + BigInt(lastEventSize));
    });

    test('then append, delete and tombstone all fail with stream-deleted (§3.13)', async () => {
      const stream = streamName();
      await append(client, stream, 1);
      await tombstone(stream, any);

      const appended = await failure((onTrailer) =>
        client.append(
          asyncIterableOf<DeepPartial<AppendReq>>([
            {
              content: {
                $case: 'options',
                value: { streamIdentifier: identifier(stream), expectedStreamRevision: any },
              },
            },
            {
              content: {
                $case: 'proposedMessage',
                value: {
                  id: { value: { $case: 'string', value: crypto.randomUUID() } },
                  metadata: { type: EVENT_TYPE, 'content-type': 'application/json' },
                  data: Buffer.from(EVENT_DATA),
                },
              },
            },
          ]),
          { onTrailer },
        ),
      );
      expect(appended.error.code).toBe(Status.FAILED_PRECONDITION);
      expect(appended.trailer).toEqual({ exception: 'stream-deleted', 'stream-name': stream });

      for (const call of [softDelete, tombstone]) {
        for (const expected of [any, noStream, streamExists, revision(0n)]) {
          const { error, trailer } = await failure((onTrailer) => call(stream, expected, onTrailer));
          expect(error.code).toBe(Status.FAILED_PRECONDITION);
          expect(error.details).toBe(`Event stream '${stream}' is deleted.`);
          expect(trailer).toEqual({ exception: 'stream-deleted', 'stream-name': stream });
        }
      }
    });

    test('of a soft-deleted stream succeeds', async () => {
      const stream = streamName();
      await append(client, stream, 1);
      const deleted = positionOf(await softDelete(stream, any));
      expect(positionOf(await tombstone(stream, any))).toBeGreaterThan(deleted);
    });

    test('an unset expected revision names the Tombstone oneof-case type', async () => {
      const { error } = await failure((onTrailer) => tombstone(streamName(), undefined, onTrailer));
      expect(error.code).toBe(Status.INVALID_ARGUMENT);
      expect(error.details).toBe(
        "'None' is not a valid EventStore.Client.Streams.TombstoneReq+Types+Options+ExpectedStreamRevisionOneofCase",
      );
    });
  });
});

describe('secure node: the Delete access check (§4)', () => {
  let emulator: RunningEmulator;
  let channel: Channel;
  let client: StreamsClient;
  const basic = (user: string): Metadata =>
    Metadata({ authorization: `Basic ${Buffer.from(`${user}:changeit`).toString('base64')}` });

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

  test('anonymous callers are denied before the stream is looked at; admin may delete', async () => {
    const stream = streamName();
    await append(client, stream, 1, basic('admin'));
    for (const method of ['delete', 'tombstone'] as const) {
      const { error, trailer } = await failure((onTrailer) =>
        client[method](
          { options: { streamIdentifier: identifier(stream), expectedStreamRevision: any } },
          { onTrailer },
        ),
      );
      expect(error.code).toBe(Status.PERMISSION_DENIED);
      expect(error.details).toBe('Access Denied');
      expect(trailer).toEqual({ exception: 'access-denied' });
    }
    const deleted = await client.delete(
      { options: { streamIdentifier: identifier(stream), expectedStreamRevision: any } },
      { metadata: basic('admin') },
    );
    expect(deleted.positionOption?.$case).toBe('position');
  });

  test('a non-admin may not delete a system stream', async () => {
    const { error } = await failure((onTrailer) =>
      client.delete(
        {
          options: {
            streamIdentifier: identifier(`$system-${crypto.randomUUID()}`),
            expectedStreamRevision: any,
          },
        },
        { onTrailer, metadata: basic('ops') },
      ),
    );
    expect(error.code).toBe(Status.PERMISSION_DENIED);
  });
});

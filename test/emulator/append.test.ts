// Streams.Append, Gossip and ServerFeatures against the facts (docs/protocol.md §3.3, §3.15, §3.16,
// §3.1, §4), through a raw gRPC client on the generated definitions.
import { ChannelCredentials } from '@grpc/grpc-js';
import { ClientError, createChannel, createClient, Metadata, Status, type Channel } from 'nice-grpc';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { prepareRecordSize } from '../../src/emulator/log/record-size.js';
import { GossipDefinition, MemberInfo_VNodeState } from '../../src/generated/gossip.js';
import { ServerFeaturesDefinition } from '../../src/generated/serverfeatures.js';
import {
  type AppendReq,
  type AppendResp,
  type DeepPartial,
  StreamsDefinition,
  type StreamsClient,
} from '../../src/generated/streams.js';
import { asyncIterableOf } from '../support/async-iterable.js';
import { firstUserEventPosition } from './record-sizes.js';

type Expected = NonNullable<NonNullable<DeepPartial<AppendReq>['content']>>;
type ExpectedRevisionCase = Extract<Expected, { $case: 'options' }>['value'] extends infer O
  ? O extends { expectedStreamRevision?: infer E }
    ? E
    : never
  : never;

const any: ExpectedRevisionCase = { $case: 'any', value: {} };
const noStream: ExpectedRevisionCase = { $case: 'noStream', value: {} };
const streamExists: ExpectedRevisionCase = { $case: 'streamExists', value: {} };
const revision = (value: bigint): ExpectedRevisionCase => ({ $case: 'revision', value });

function proposed(type = 'Happened', data = '{}', id: string = crypto.randomUUID()): DeepPartial<AppendReq> {
  return {
    content: {
      $case: 'proposedMessage',
      value: {
        id: { value: { $case: 'string', value: id } },
        metadata: { type, 'content-type': 'application/json' },
        data: Buffer.from(data),
      },
    },
  };
}

function optionsFor(stream: string, expected: ExpectedRevisionCase | undefined): DeepPartial<AppendReq> {
  return {
    content: {
      $case: 'options',
      value: { streamIdentifier: { streamName: Buffer.from(stream) }, expectedStreamRevision: expected },
    },
  };
}

function append(
  client: StreamsClient,
  stream: string,
  expected: ExpectedRevisionCase | undefined,
  messages: DeepPartial<AppendReq>[],
  metadata?: Metadata,
): Promise<AppendResp> {
  return client.append(asyncIterableOf([optionsFor(stream, expected), ...messages]), { metadata });
}

async function failure(promise: Promise<unknown>): Promise<ClientError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ClientError) return error;
    throw error;
  }
  throw new Error('the call succeeded');
}

const streamName = (): string => `stream-${crypto.randomUUID()}`;

describe('insecure node', () => {
  let emulator: RunningEmulator;
  let channel: Channel;
  let client: StreamsClient;

  beforeAll(async () => {
    emulator = await startEmulator();
    channel = createChannel(`${emulator.host}:${emulator.port}`);
    client = createClient(StreamsDefinition, channel);
  });
  afterAll(async () => {
    channel.close();
    await emulator.stop();
  });

  test('the first event of a fresh node lands after the start-up records (§3.12)', async () => {
    // 733 = epoch 231 + $epoch-information 317 + $$$scavenges metadata 185 (startup-records.test.ts)
    const expected = BigInt(
      firstUserEventPosition({ instanceId: crypto.randomUUID(), time: new Date(), secure: false }),
    );
    const fresh = await startEmulator();
    const freshChannel = createChannel(`${fresh.host}:${fresh.port}`);
    try {
      const response = await append(createClient(StreamsDefinition, freshChannel), 'first', noStream, [
        proposed(),
      ]);
      expect(response.result).toEqual({
        $case: 'success',
        value: {
          currentRevisionOption: { $case: 'currentRevision', value: 0n },
          positionOption: {
            $case: 'position',
            value: { commitPosition: expected, preparePosition: expected },
          },
        },
      });
    } finally {
      freshChannel.close();
      await fresh.stop();
    }
  });

  test('success carries the last event number and the position of the last event; gaps are record sizes', async () => {
    const stream = streamName();
    const first = await append(client, stream, noStream, [proposed('A', '{"a":1}')]);
    const second = await append(client, stream, revision(0n), [proposed('B'), proposed('C')]);
    const position = (response: AppendResp): bigint =>
      response.result?.$case === 'success' && response.result.value.positionOption?.$case === 'position'
        ? response.result.value.positionOption.value.commitPosition
        : -1n;
    expect(second.result?.$case === 'success' && second.result.value.currentRevisionOption).toEqual({
      $case: 'currentRevision',
      value: 2n,
    });
    // B starts where A ended; C (the reported one) starts where B ended.
    const sizeA = prepareRecordSize({ streamName: stream, eventType: 'A', dataLength: 7, metadataLength: 0 });
    const sizeB = prepareRecordSize({ streamName: stream, eventType: 'B', dataLength: 2, metadataLength: 0 });
    expect(position(second) - position(first)).toBe(BigInt(sizeA + sizeB));
  });

  test.each([
    ['any', any, { $case: 'any2060', value: {} }, { $case: 'expectedAny', value: {} }],
    [
      'stream_exists',
      streamExists,
      { $case: 'streamExists2060', value: {} },
      { $case: 'expectedStreamExists', value: {} },
    ],
    [
      'no_stream',
      noStream,
      { $case: 'expectedRevision2060', value: 18446744073709551615n },
      { $case: 'expectedNoStream', value: {} },
    ],
    [
      'revision 7',
      revision(7n),
      { $case: 'expectedRevision2060', value: 7n },
      { $case: 'expectedRevision', value: 7n },
    ],
  ])(
    'wrong expected version (%s) is in-band with legacy and current fields (§3.3)',
    async (_, expected, legacy, current) => {
      const stream = streamName();
      if (expected.$case === 'streamExists') {
        const response = await append(client, stream, expected, [proposed()]);
        expect(response.result).toEqual({
          $case: 'wrongExpectedVersion',
          value: {
            currentRevisionOption2060: { $case: 'noStream2060', value: {} },
            currentRevisionOption: { $case: 'currentNoStream', value: {} },
            expectedRevisionOption2060: legacy,
            expectedRevisionOption: current,
          },
        });
        return;
      }
      await append(client, stream, any, [proposed(), proposed()]);
      const replayable = expected.$case === 'any' ? [proposed('X', '{}', crypto.randomUUID())] : [proposed()];
      const response = await append(client, stream, expected, replayable);
      if (expected.$case === 'any') {
        // `any` cannot fail on an existing stream: the write goes through (§3.2).
        expect(response.result?.$case).toBe('success');
        return;
      }
      expect(response.result).toEqual({
        $case: 'wrongExpectedVersion',
        value: {
          currentRevisionOption2060: { $case: 'currentRevision2060', value: 1n },
          currentRevisionOption: { $case: 'currentRevision', value: 1n },
          expectedRevisionOption2060: legacy,
          expectedRevisionOption: current,
        },
      });
    },
  );

  test('a retry with the same event ids succeeds with the original revision and position (§3.6)', async () => {
    const stream = streamName();
    const events = [proposed('A', '{}', crypto.randomUUID()), proposed('B', '{}', crypto.randomUUID())];
    const first = await append(client, stream, noStream, events);
    expect(await append(client, stream, noStream, events)).toEqual(first);
  });

  test.each([
    ['any', any],
    ['no_stream', noStream],
    ['stream_exists', streamExists],
    ['revision 0', revision(0n)],
  ])(
    'no events to a tombstoned stream with %s: FAILED_PRECONDITION stream-deleted (§3.2.1)',
    async (_, expected) => {
      const stream = streamName();
      await append(client, stream, noStream, [proposed()]);
      await client.tombstone({
        options: {
          streamIdentifier: { streamName: Buffer.from(stream) },
          expectedStreamRevision: { $case: 'any', value: {} },
        },
      });
      let trailer: Metadata | undefined;
      const error = await failure(
        client.append(asyncIterableOf([optionsFor(stream, expected)]), {
          onTrailer: (received) => (trailer = received),
        }),
      );
      expect([error.code, error.details]).toEqual([
        Status.FAILED_PRECONDITION,
        `Event stream '${stream}' is deleted.`,
      ]);
      expect(trailer?.get('exception')).toBe('stream-deleted');
    },
  );

  test('no options first: UNKNOWN "Exception was thrown by handler." and the node keeps serving (§3.3, §3.1)', async () => {
    const error = await failure(client.append(asyncIterableOf([proposed()])));
    expect([error.code, error.details]).toEqual([Status.UNKNOWN, 'Exception was thrown by handler.']);
    const empty = await failure(client.append(asyncIterableOf<DeepPartial<AppendReq>>([])));
    expect(empty.code).toBe(Status.UNKNOWN);
    expect((await append(client, streamName(), any, [proposed()])).result?.$case).toBe('success');
  });

  test('an unset expected revision is INVALID_ARGUMENT with the .NET enum text (§3.1.2)', async () => {
    const error = await failure(append(client, streamName(), undefined, [proposed()]));
    expect(error.code).toBe(Status.INVALID_ARGUMENT);
    expect(error.details).toBe(
      "'None' is not a valid EventStore.Client.Streams.AppendReq+Types+Options+ExpectedStreamRevisionOneofCase",
    );
  });

  test('a proposed message without type or content-type is missing-required-metadata-property (§3.1.1)', async () => {
    let trailer: Metadata | undefined;
    const message = proposed();
    if (message.content?.$case === 'proposedMessage' && message.content.value !== undefined) {
      message.content.value.metadata = { type: 'T' };
    }
    const error = await failure(
      client.append(asyncIterableOf([optionsFor(streamName(), any), message]), {
        onTrailer: (received) => (trailer = received),
      }),
    );
    expect([error.code, error.details]).toEqual([
      Status.INVALID_ARGUMENT,
      "Required Metadata Property 'content-type' is missing",
    ]);
    expect(trailer?.get('exception')).toBe('missing-required-metadata-property');
    expect(trailer?.get('required-metadata-properties')).toBe('type,content-type');
  });

  test('an append over 1 MiB in total is maximum-append-size-exceeded (§3.3, §3.18)', async () => {
    let trailer: Metadata | undefined;
    const big = 'x'.repeat(600 * 1024);
    const error = await failure(
      client.append(
        asyncIterableOf([optionsFor(streamName(), any), proposed('A', big), proposed('B', big)]),
        {
          onTrailer: (received) => (trailer = received),
        },
      ),
    );
    expect([error.code, error.details]).toEqual([
      Status.INVALID_ARGUMENT,
      'Maximum Append Size of 1048576 Exceeded.',
    ]);
    expect(trailer?.get('exception')).toBe('maximum-append-size-exceeded');
    expect(trailer?.get('maximum-append-size')).toBe('1048576');
  });

  test('an event id that is not a UUID makes the handler throw: UNKNOWN (§3.3, §3.1)', async () => {
    const error = await failure(append(client, streamName(), any, [proposed('A', '{}', 'not-a-uuid')]));
    expect([error.code, error.details]).toEqual([Status.UNKNOWN, 'Exception was thrown by handler.']);
  });

  test('gossip answers one alive leader at the node address (§3.15)', async () => {
    const gossip = createClient(GossipDefinition, channel);
    const info = await gossip.read({});
    expect(info.members).toHaveLength(1);
    expect(info.members[0]).toMatchObject({
      state: MemberInfo_VNodeState.Leader,
      isAlive: true,
      httpEndPoint: { address: emulator.host, port: emulator.port },
    });
    expect(info.members[0]?.instanceId?.value?.$case).toBe('structured');
  });

  test('server features list lower-cased methods with their features and a 24.10 version (§3.16)', async () => {
    const features = await createClient(ServerFeaturesDefinition, channel).getSupportedMethods({});
    expect(features.eventStoreServerVersion).toBe('24.10.0');
    expect(features.methods).toContainEqual({
      serviceName: 'event_store.client.streams.streams',
      methodName: 'batchappend',
      features: ['deadline_duration'],
    });
    expect(features.methods).toContainEqual({
      serviceName: 'event_store.client.streams.streams',
      methodName: 'read',
      features: ['position', 'events'],
    });
    expect(features.methods).toContainEqual({
      serviceName: 'event_store.client.gossip.gossip',
      methodName: 'read',
      features: [],
    });
  });
});

test('an IPv6 node gives a connection string with the address in brackets', async () => {
  const ipv6 = await startEmulator({ host: '::1' });
  try {
    expect(ipv6.uri).toBe(`esdb://[::1]:${ipv6.port}?tls=false`);
    const channel = createChannel(`[::1]:${ipv6.port}`);
    const response = await append(createClient(StreamsDefinition, channel), streamName(), any, [proposed()]);
    expect(response.result?.$case).toBe('success');
    channel.close();
  } finally {
    await ipv6.stop();
  }
});

describe('secure node (§4)', () => {
  let emulator: RunningEmulator;
  let channel: Channel;
  let client: StreamsClient;
  const basic = (user: string, password: string): Metadata =>
    Metadata({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

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

  test('the first event lands after the secure start-up records (§3.12)', async () => {
    // 1857: the insecure records plus the default users' (startup-records.test.ts)
    const expected = BigInt(
      firstUserEventPosition({ instanceId: crypto.randomUUID(), time: new Date(), secure: true }),
    );
    const response = await append(client, 'first', noStream, [proposed()], basic('admin', 'changeit'));
    expect(response.result?.$case === 'success' && response.result.value.positionOption).toEqual({
      $case: 'position',
      value: { commitPosition: expected, preparePosition: expected },
    });
  });

  test('admin may append; a wrong password is UNAUTHENTICATED before the handler runs', async () => {
    expect(
      (await append(client, streamName(), any, [proposed()], basic('admin', 'changeit'))).result?.$case,
    ).toBe('success');
    const error = await failure(append(client, streamName(), any, [proposed()], basic('admin', 'wrong')));
    expect([error.code, error.details]).toEqual([Status.UNAUTHENTICATED, 'Unauthenticated']);
  });

  test('without credentials a stream write is access-denied (anonymous access is off since 23.6)', async () => {
    let trailer: Metadata | undefined;
    const error = await failure(
      client.append(asyncIterableOf([optionsFor(streamName(), any), proposed()]), {
        onTrailer: (received) => (trailer = received),
      }),
    );
    expect([error.code, error.details]).toEqual([Status.PERMISSION_DENIED, 'Access Denied']);
    expect(trailer?.get('exception')).toBe('access-denied');
  });

  test('ops may write user streams but not system streams, which are for $admins', async () => {
    const ops = basic('ops', 'changeit');
    expect((await append(client, streamName(), any, [proposed()], ops)).result?.$case).toBe('success');
    const error = await failure(append(client, `$system-${crypto.randomUUID()}`, any, [proposed()], ops));
    expect(error.code).toBe(Status.PERMISSION_DENIED);
  });
});

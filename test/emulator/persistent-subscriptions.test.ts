// PersistentSubscriptions management calls (Create, Update, Delete, GetInfo, List, RestartSubsystem,
// TruncateParked) against the facts (docs/protocol.md §3.14, §3.1.1, §4, §5 items 7 and 8) and the
// 24.10 server's PersistentSubscriptions.*.cs and PersistentSubscriptionService.cs, through raw gRPC clients.
import { ChannelCredentials } from '@grpc/grpc-js';
import { createChannel, createClient, Metadata, Status, type Channel } from 'nice-grpc';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import {
  type DeepPartial,
  type GetInfoReq,
  PersistentSubscriptionsDefinition,
  type PersistentSubscriptionsClient,
  type UpdateReq,
} from '../../src/generated/persistent.js';
import {
  ackIdOf,
  Consumer,
  readOptions,
  CreateReq_ConsumerStrategy,
  enumStrategy,
  legacyCreate,
  appendEvents,
  connect,
  failure,
  identifier,
  nodeDefaults,
  readStream,
  startPersistentNode,
  stopPersistentNode,
  streamCreate,
  UINT64_MAX,
  uniqueName,
  updateDefaults,
  UpdateReq_ConsumerStrategy,
  type PersistentTestNode,
} from './persistent-support.js';

let node: PersistentTestNode;
let client: PersistentSubscriptionsClient;

beforeAll(async () => {
  node = await startPersistentNode();
  client = node.persistent;
});

afterAll(async () => {
  await stopPersistentNode(node);
});

const streamInfo = (stream: string, group: string): DeepPartial<GetInfoReq> => ({
  options: { streamOption: { $case: 'streamIdentifier', value: identifier(stream) }, groupName: group },
});

async function infoOf(stream: string, group: string) {
  const response = await client.getInfo(streamInfo(stream, group));
  if (response.subscriptionInfo === undefined) throw new Error('no subscription info');
  return response.subscriptionInfo;
}

describe('Create', () => {
  test('the current shape creates a group that GetInfo shows with the settings it was given', async () => {
    const stream = uniqueName('orders');
    const group = uniqueName('g');
    await client.create(
      streamCreate(stream, group, { $case: 'start' }, nodeDefaults({ maxRetryCount: 7, readBatchSize: 25 })),
    );
    const info = await infoOf(stream, group);
    expect(info).toMatchObject({
      eventSource: stream,
      groupName: group,
      status: 'Live',
      connections: [],
      lastCheckpointedEventPosition: '',
      lastKnownEventPosition: '',
      resolveLinkTos: false,
      startFrom: '0',
      messageTimeoutMilliseconds: 30_000,
      extraStatistics: false,
      maxRetryCount: 7,
      liveBufferSize: 500,
      bufferSize: 500,
      readBatchSize: 25,
      checkPointAfterMilliseconds: 2_000,
      minCheckPointCount: 10,
      maxCheckPointCount: 1000,
      readBufferCount: 0,
      retryBufferCount: 0,
      totalInFlightMessages: 0,
      outstandingMessagesCount: 0,
      namedConsumerStrategy: 'RoundRobin',
      maxSubscriberCount: 0,
      parkedMessageCount: 0n,
    });
  });

  test('the legacy shape takes the stream from options.stream_identifier and the start from settings.revision', async () => {
    const stream = uniqueName('legacy');
    const starts: [bigint, string][] = [
      [UINT64_MAX, '-1'],
      [0n, '0'],
      [5n, '5'],
    ];
    for (const [revision, startFrom] of starts) {
      const group = uniqueName('g');
      await client.create(
        legacyCreate(
          stream,
          group,
          revision,
          nodeDefaults(enumStrategy(CreateReq_ConsumerStrategy.DispatchToSingle)),
        ),
      );
      const info = await infoOf(stream, group);
      expect(info.startFrom).toBe(startFrom);
      expect(info.namedConsumerStrategy).toBe('DispatchToSingle');
    }
  });

  test('consumer_strategy (16) wins over the enum, and ticks are converted to milliseconds', async () => {
    const stream = uniqueName('strategy');
    const group = uniqueName('g');
    await client.create(
      streamCreate(
        stream,
        group,
        { $case: 'end' },
        nodeDefaults({
          ...enumStrategy(CreateReq_ConsumerStrategy.RoundRobin),
          consumerStrategy: 'PinnedByCorrelation',
          messageTimeout: { $case: 'messageTimeoutTicks', value: 150_000_000n },
          checkpointAfter: { $case: 'checkpointAfterTicks', value: 20_000n },
        }),
      ),
    );
    const info = await infoOf(stream, group);
    expect(info.namedConsumerStrategy).toBe('PinnedByCorrelation');
    expect(info.messageTimeoutMilliseconds).toBe(15_000);
    expect(info.checkPointAfterMilliseconds).toBe(2);
    expect(info.startFrom).toBe('-1');
  });

  test('an existing group is ALREADY_EXISTS persistent-subscription-exists', async () => {
    const stream = uniqueName('exists');
    const group = uniqueName('g');
    await client.create(streamCreate(stream, group, { $case: 'start' }));
    const { error, trailer } = await failure((onTrailer) =>
      client.create(streamCreate(stream, group, { $case: 'end' }), { onTrailer }),
    );
    expect(error.code).toBe(Status.ALREADY_EXISTS);
    expect(error.details).toBe(`Subscription group ${group} on stream ${stream} exists.`);
    expect(trailer).toEqual({
      exception: 'persistent-subscription-exists',
      'stream-name': stream,
      'group-name': group,
    });
  });

  test('an unknown strategy name fails with INTERNAL persistent-subscription-failed and its reason', async () => {
    const stream = uniqueName('bad-strategy');
    const { error, trailer } = await failure((onTrailer) =>
      client.create(
        streamCreate(stream, 'g', { $case: 'start' }, nodeDefaults({ consumerStrategy: 'roundrobin' })),
        {
          onTrailer,
        },
      ),
    );
    expect(error.code).toBe(Status.INTERNAL);
    expect(error.details).toBe(
      `Subscription group g on stream ${stream} failed: 'Consumer strategy roundrobin does not exist.'`,
    );
    expect(trailer).toEqual({
      exception: 'persistent-subscription-failed',
      'stream-name': stream,
      'group-name': 'g',
      reason: 'Consumer strategy roundrobin does not exist.',
    });
  });

  test('the stream $all through the stream options is refused', async () => {
    const { error, trailer } = await failure((onTrailer) =>
      client.create(streamCreate('$all', 'g', { $case: 'start' }), { onTrailer }),
    );
    expect(error.code).toBe(Status.INTERNAL);
    expect(trailer.reason).toBe(
      'Persistent subscriptions to $all are only supported over gRPC through gRPC clients',
    );
    expect(trailer['stream-name']).toBe('$all');
  });

  test('a read batch as large as the history buffer fails with the .NET range error', async () => {
    const stream = uniqueName('sizes');
    const { error, trailer } = await failure((onTrailer) =>
      client.create(
        streamCreate(
          stream,
          'g',
          { $case: 'start' },
          nodeDefaults({ readBatchSize: 500, historyBufferSize: 500 }),
        ),
        { onTrailer },
      ),
    );
    expect(error.code).toBe(Status.INTERNAL);
    expect(trailer.reason).toBe(
      "Specified argument was out of the range of valid values. (Parameter 'ReadBatchSize may not be greater than or equal to BufferSize')",
    );
  });

  test('stream options without a start are INVALID_ARGUMENT; settings missing is UNKNOWN', async () => {
    const stream = uniqueName('no-start');
    const noStart = await failure((onTrailer) =>
      client.create(
        {
          options: {
            streamOption: { $case: 'stream', value: { streamIdentifier: identifier(stream) } },
            groupName: 'g',
            settings: nodeDefaults(),
          },
        },
        { onTrailer },
      ),
    );
    expect(noStart.error.code).toBe(Status.INVALID_ARGUMENT);
    expect(noStart.error.details).toBe(
      "'None' is not a valid EventStore.Client.PersistentSubscriptions.CreateReq+Types+StreamOptions+RevisionOptionOneofCase",
    );
    const noSettings = await failure(() =>
      client.create({
        options: { streamOption: { $case: 'stream', value: { streamIdentifier: identifier(stream) } } },
      }),
    );
    expect(noSettings.error.code).toBe(Status.UNKNOWN);
    expect(noSettings.error.details).toBe('Exception was thrown by handler.');
  });

  test('the configuration is written to $persistentSubscriptionConfig as a $PersistentConfig event', async () => {
    const stream = uniqueName('config');
    const group = uniqueName('g');
    await client.create(streamCreate(stream, group, { $case: 'revision', value: 3n }));
    const events = await readStream(node.streams, '$persistentSubscriptionConfig');
    const last = events?.at(-1);
    expect(last?.metadata.type).toBe('$PersistentConfig');
    const config = JSON.parse(Buffer.from(last?.data ?? new Uint8Array(0)).toString('utf8')) as {
      version: string;
      updatedBy: string;
      entries: Record<string, unknown>[];
    };
    expect(config.version).toBe('2');
    expect(config.updatedBy).toBe('system');
    expect(config.entries.find((entry) => entry.stream === stream && entry.group === group)).toEqual({
      stream,
      group,
      messageTimeout: 30_000,
      startFrom: 3,
      startPosition: '3',
      liveBufferSize: 500,
      historyBufferSize: 500,
      maxRetryCount: 10,
      readBatchSize: 20,
      checkPointAfter: 2_000,
      minCheckPointCount: 10,
      maxCheckPointCount: 1000,
      namedConsumerStrategy: 'RoundRobin',
    });
  });
});

describe('unknown groups', () => {
  test('Update, Delete, GetInfo and ReplayParked answer NOT_FOUND persistent-subscription-does-not-exist', async () => {
    const stream = uniqueName('unknown');
    const expectDoesNotExist = ({ error, trailer }: Awaited<ReturnType<typeof failure>>) => {
      expect(error.code).toBe(Status.NOT_FOUND);
      expect(error.details).toBe(`Subscription group nope on stream ${stream} does not exist.`);
      expect(trailer).toEqual({
        exception: 'persistent-subscription-does-not-exist',
        'stream-name': stream,
        'group-name': 'nope',
      });
    };
    const update: DeepPartial<UpdateReq> = {
      options: {
        streamOption: {
          $case: 'stream',
          value: { streamIdentifier: identifier(stream), revisionOption: { $case: 'start', value: {} } },
        },
        groupName: 'nope',
        settings: updateDefaults(),
      },
    };
    expectDoesNotExist(await failure((onTrailer) => client.update(update, { onTrailer })));
    expectDoesNotExist(
      await failure((onTrailer) =>
        client.delete(
          {
            options: {
              streamOption: { $case: 'streamIdentifier', value: identifier(stream) },
              groupName: 'nope',
            },
          },
          { onTrailer },
        ),
      ),
    );
    expectDoesNotExist(
      await failure((onTrailer) => client.getInfo(streamInfo(stream, 'nope'), { onTrailer })),
    );
    expectDoesNotExist(
      await failure((onTrailer) =>
        client.replayParked(
          {
            options: {
              groupName: 'nope',
              streamOption: { $case: 'streamIdentifier', value: identifier(stream) },
              stopAtOption: { $case: 'noLimit', value: {} },
            },
          },
          { onTrailer },
        ),
      ),
    );
  });

  test('List for a source without groups is NOT_FOUND with an empty group name', async () => {
    const stream = uniqueName('no-groups');
    const { error, trailer } = await failure((onTrailer) =>
      client.list(
        {
          options: {
            listOption: {
              $case: 'listForStream',
              value: { streamOption: { $case: 'stream', value: identifier(stream) } },
            },
          },
        },
        { onTrailer },
      ),
    );
    expect(error.code).toBe(Status.NOT_FOUND);
    expect(error.details).toBe(`Subscription group  on stream ${stream} does not exist.`);
    expect(trailer).toEqual({
      exception: 'persistent-subscription-does-not-exist',
      'stream-name': stream,
      'group-name': '',
    });
  });
});

describe('List', () => {
  test('lists a stream’s groups in creation order, and every group with list_all_subscriptions', async () => {
    const stream = uniqueName('listed');
    await client.create(streamCreate(stream, 'b', { $case: 'start' }));
    await client.create(streamCreate(stream, 'a', { $case: 'end' }));
    const forStream = await client.list({
      options: {
        listOption: {
          $case: 'listForStream',
          value: { streamOption: { $case: 'stream', value: identifier(stream) } },
        },
      },
    });
    expect(forStream.subscriptions.map((info) => [info.eventSource, info.groupName, info.startFrom])).toEqual(
      [
        [stream, 'b', '0'],
        [stream, 'a', '-1'],
      ],
    );
    const all = await client.list({ options: { listOption: { $case: 'listAllSubscriptions', value: {} } } });
    const mine = all.subscriptions
      .filter((info) => info.eventSource === stream)
      .map((info) => info.groupName);
    expect(mine).toEqual(['b', 'a']);
  });

  test('a source whose groups were all deleted lists as empty until the subsystem restarts', async () => {
    const stream = uniqueName('emptied');
    await client.create(streamCreate(stream, 'g', { $case: 'start' }));
    await client.delete({
      options: { streamOption: { $case: 'streamIdentifier', value: identifier(stream) }, groupName: 'g' },
    });
    const listForStream = () =>
      client.list({
        options: {
          listOption: {
            $case: 'listForStream',
            value: { streamOption: { $case: 'stream', value: identifier(stream) } },
          },
        },
      });
    expect((await listForStream()).subscriptions).toEqual([]);
    await client.restartSubsystem({});
    const { error } = await failure(() => listForStream());
    expect(error.code).toBe(Status.NOT_FOUND);
  });
});

describe('Update and Delete', () => {
  test('Update drops connected consumers with CANCELLED persistent-subscription-dropped and applies the settings', async () => {
    const stream = uniqueName('updated');
    const group = uniqueName('g');
    await client.create(streamCreate(stream, group, { $case: 'start' }));
    const consumer = await connect(client, stream, group);
    await client.update({
      options: {
        streamOption: {
          $case: 'stream',
          value: { streamIdentifier: identifier(stream), revisionOption: { $case: 'end', value: {} } },
        },
        groupName: group,
        settings: updateDefaults({ maxRetryCount: 3 }, UpdateReq_ConsumerStrategy.Pinned),
      },
    });
    const end = await consumer.ended;
    if (end.kind !== 'error') throw new Error('the consumer was not dropped');
    expect(end.error.code).toBe(Status.CANCELLED);
    expect(end.error.details).toBe(`Subscription group ${group} on stream ${stream} was dropped.`);
    expect(end.trailer).toEqual({
      exception: 'persistent-subscription-dropped',
      'stream-name': stream,
      'group-name': group,
    });
    const info = await infoOf(stream, group);
    expect(info).toMatchObject({
      maxRetryCount: 3,
      namedConsumerStrategy: 'Pinned',
      startFrom: '-1',
      connections: [],
    });
  });

  test('Delete drops consumers, removes the group and soft-deletes its checkpoint stream', async () => {
    const stream = uniqueName('deleted');
    const group = uniqueName('g');
    await client.create(
      streamCreate(
        stream,
        group,
        { $case: 'start' },
        nodeDefaults({ minCheckpointCount: 1, maxCheckpointCount: 1 }),
      ),
    );
    await appendEvents(node.streams, stream, 1);
    const consumer = await connect(client, stream, group);
    const [event] = await consumer.waitForEvents(1);
    if (event === undefined) throw new Error('no event');
    consumer.ack([ackIdOf(event)]);
    const checkpoints = `$persistentsubscription-${stream}::${group}-checkpoint`;
    await waitUntil(async () => (await readStream(node.streams, checkpoints))?.length === 1);
    await client.delete({
      options: { streamOption: { $case: 'streamIdentifier', value: identifier(stream) }, groupName: group },
    });
    const end = await consumer.ended;
    expect(end.kind === 'error' ? end.error.code : undefined).toBe(Status.CANCELLED);
    const { error } = await failure(() => client.getInfo(streamInfo(stream, group)));
    expect(error.code).toBe(Status.NOT_FOUND);
    expect(await readStream(node.streams, checkpoints)).toBeUndefined();
  });
});

describe('RestartSubsystem and TruncateParked', () => {
  test('RestartSubsystem drops consumers and keeps the groups', async () => {
    const stream = uniqueName('restarted');
    await client.create(streamCreate(stream, 'g', { $case: 'start' }));
    const consumer = await connect(client, stream, 'g');
    await client.restartSubsystem({});
    const end = await consumer.ended;
    expect(end.kind === 'error' ? end.trailer.exception : undefined).toBe('persistent-subscription-dropped');
    expect((await infoOf(stream, 'g')).groupName).toBe('g');
  });

  test('TruncateParked is UNIMPLEMENTED, as on a 24.10 server', async () => {
    const { error } = await failure(() =>
      client.truncateParked({
        options: {
          groupName: 'g',
          streamOption: { $case: 'all', value: {} },
          stopAtOption: { $case: 'noLimit', value: {} },
        },
      }),
    );
    expect(error.code).toBe(Status.UNIMPLEMENTED);
    expect(error.details).toBe('Method is unimplemented.');
  });
});

describe('secure node', () => {
  let emulator: RunningEmulator;
  let channel: Channel;
  let secureClient: PersistentSubscriptionsClient;
  const basic = (user: string) => {
    const metadata = new Metadata();
    metadata.set('authorization', `Basic ${Buffer.from(`${user}:changeit`).toString('base64')}`);
    return metadata;
  };

  beforeAll(async () => {
    emulator = await startEmulator({ secure: true });
    channel = createChannel(
      `${emulator.host}:${emulator.port}`,
      ChannelCredentials.createSsl(Buffer.from(emulator.serverCert ?? '')),
    );
    secureClient = createClient(PersistentSubscriptionsDefinition, channel);
  });

  afterAll(async () => {
    channel.close();
    await emulator.stop();
  });

  test('management calls need an operator; GetInfo and List an authenticated user', async () => {
    const stream = uniqueName('secured');
    const anonymous = await failure((onTrailer) =>
      secureClient.create(streamCreate(stream, 'g', { $case: 'start' }), { onTrailer }),
    );
    expect(anonymous.error.code).toBe(Status.PERMISSION_DENIED);
    expect(anonymous.error.details).toBe('Access Denied');
    expect(anonymous.trailer).toEqual({ exception: 'access-denied' });
    await secureClient.create(streamCreate(stream, 'g', { $case: 'start' }), { metadata: basic('ops') });
    const info = await secureClient.getInfo(streamInfo(stream, 'g'), { metadata: basic('ops') });
    expect(info.subscriptionInfo?.groupName).toBe('g');
    const anonymousInfo = await failure(() => secureClient.getInfo(streamInfo(stream, 'g')));
    expect(anonymousInfo.error.code).toBe(Status.PERMISSION_DENIED);
  });

  test('Read needs an authenticated user who may read the source; $all is for $admins', async () => {
    const stream = uniqueName('read-secured');
    await secureClient.create(streamCreate(stream, 'g', { $case: 'start' }), { metadata: basic('admin') });
    await secureClient.create(
      {
        options: {
          streamOption: {
            $case: 'all',
            value: { allOption: { $case: 'end', value: {} }, filterOption: { $case: 'noFilter', value: {} } },
          },
          groupName: stream,
          settings: nodeDefaults(),
        },
      },
      { metadata: basic('admin') },
    );
    const anonymous = await new Consumer(secureClient, readOptions(stream, 'g')).ended;
    expect(anonymous.kind === 'error' ? [anonymous.error.code, anonymous.trailer] : anonymous.kind).toEqual([
      Status.PERMISSION_DENIED,
      { exception: 'access-denied' },
    ]);
    const ops = await connect(secureClient, stream, 'g', { metadata: basic('ops') });
    expect(ops.messages[0]?.content?.$case).toBe('subscriptionConfirmation');
    ops.cancel();
    const opsOnAll = await new Consumer(secureClient, readOptions('$all', stream), basic('ops')).ended;
    expect(opsOnAll.kind === 'error' ? opsOnAll.error.code : opsOnAll.kind).toBe(Status.PERMISSION_DENIED);
    const admin = await connect(secureClient, '$all', stream, { metadata: basic('admin') });
    admin.cancel();
    // The consumer shows its user.
    const withUser = await connect(secureClient, stream, 'g', { metadata: basic('ops') });
    const info = await secureClient.getInfo(streamInfo(stream, 'g'), { metadata: basic('ops') });
    expect(info.subscriptionInfo?.connections.map((connection) => connection.username)).toEqual(['ops']);
    withUser.cancel();
  });
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('the condition never held');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

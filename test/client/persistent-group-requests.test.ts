// The group requests without a server, through the codec as they go on the wire: Create of a stream group in
// both request shapes, the settings with the strategy by name and by enum, Update of both kinds of group, the
// Read options of a stream group, and the settings and start an update reads back from a group's information.
import {
  DEFAULT_SUBSCRIPTION_SETTINGS,
  settingsWith,
  SUBSCRIPTION_SETTING_KEYS,
} from '../../src/client/subscriptions/subscription-settings.js';
import { allGroupOfInfo, streamGroupOfInfo } from '../../src/client/wire/group-settings-of-info.js';
import { createStreamSubscriptionRequest } from '../../src/client/wire/persistent-create-requests.js';
import { persistentReadOptionsMessage } from '../../src/client/wire/persistent-requests.js';
import { updateSubscriptionRequest } from '../../src/client/wire/persistent-update-request.js';
import {
  CreateReq,
  CreateReq_ConsumerStrategy,
  ReadReq,
  SubscriptionInfo,
  UpdateReq,
  UpdateReq_ConsumerStrategy,
} from '../../src/generated/persistent.js';

const UINT64_MAX = 2n ** 64n - 1n;
const utf8 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text));

function createOnWire(request: CreateReq): CreateReq {
  return CreateReq.decode(CreateReq.encode(request).finish());
}

function updateOnWire(request: UpdateReq): UpdateReq {
  return UpdateReq.decode(UpdateReq.encode(request).finish());
}

describe('Create of a group on a stream', () => {
  test.each([
    [{ kind: 'start' } as const, { $case: 'start', value: {} }, 0n],
    [{ kind: 'end' } as const, { $case: 'end', value: {} }, UINT64_MAX],
    [{ kind: 'position', streamPosition: 42n } as const, { $case: 'revision', value: 42n }, 42n],
  ])('start %p: the stream option and the legacy shape agree', (start, revisionOption, legacyRevision) => {
    const options = createOnWire(
      createStreamSubscriptionRequest({
        groupName: 'g1',
        streamName: 'orders-1',
        start,
        settings: DEFAULT_SUBSCRIPTION_SETTINGS,
      }),
    ).options;
    expect(options?.groupName).toBe('g1');
    expect(options?.streamOption).toEqual({
      $case: 'stream',
      value: { streamIdentifier: { streamName: utf8('orders-1') }, revisionOption },
    });
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the legacy shape is what is tested
    expect([options?.streamIdentifier, options?.settings?.revision]).toEqual([
      { streamName: utf8('orders-1') },
      legacyRevision,
    ]);
  });

  test('every setting goes on the wire, durations in milliseconds, the strategy by name and by enum', () => {
    const settings = settingsWith(DEFAULT_SUBSCRIPTION_SETTINGS, {
      resolveLinks: true,
      extraStatistics: true,
      messageTimeout: 1_500,
      maxRetryCount: 0,
      minCheckpointCount: 1,
      maxCheckpointCount: 2,
      checkpointAfter: 0,
      maxSubscriberCount: 0,
      liveBufferSize: 3,
      readBatchSize: 4,
      historyBufferSize: 5,
      consumerStrategy: 'RoundRobin',
    });
    const request = createStreamSubscriptionRequest({
      groupName: 'g',
      streamName: 's',
      start: { kind: 'start' },
      settings,
    });
    expect(createOnWire(request).options?.settings).toEqual({
      resolveLinks: true,
      revision: 0n,
      extraStatistics: true,
      maxRetryCount: 0,
      minCheckpointCount: 1,
      maxCheckpointCount: 2,
      maxSubscriberCount: 0,
      liveBufferSize: 3,
      readBatchSize: 4,
      historyBufferSize: 5,
      namedConsumerStrategy: CreateReq_ConsumerStrategy.RoundRobin,
      messageTimeout: { $case: 'messageTimeoutMs', value: 1_500 },
      checkpointAfter: { $case: 'checkpointAfterMs', value: 0 },
      consumerStrategy: 'RoundRobin',
    });
  });

  test('PinnedByCorrelation goes by name, with Pinned in the enum for servers before 22.6', () => {
    const settings = settingsWith(DEFAULT_SUBSCRIPTION_SETTINGS, { consumerStrategy: 'PinnedByCorrelation' });
    const sent = createOnWire(
      createStreamSubscriptionRequest({
        groupName: 'g',
        streamName: 's',
        start: { kind: 'start' },
        settings,
      }),
    ).options?.settings;
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the enum older servers read
    expect([sent?.consumerStrategy, sent?.namedConsumerStrategy]).toEqual([
      'PinnedByCorrelation',
      CreateReq_ConsumerStrategy.Pinned,
    ]);
  });
});

describe('Update', () => {
  const settings = {
    ...DEFAULT_SUBSCRIPTION_SETTINGS,
    consumerStrategy: 'Pinned' as const,
    maxRetryCount: 4,
  };

  test('of a group on $all: its start, every setting, the strategy by enum, no legacy stream', () => {
    const options = updateOnWire(
      updateSubscriptionRequest(
        {
          kind: 'all',
          groupName: 'g1',
          start: { kind: 'position', commitPosition: 900n, preparePosition: 800n },
        },
        settings,
      ),
    ).options;
    expect(options?.groupName).toBe('g1');
    expect(options?.streamOption).toEqual({
      $case: 'all',
      value: { allOption: { $case: 'position', value: { commitPosition: 900n, preparePosition: 800n } } },
    });
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the legacy shape is what is tested
    expect(options?.streamIdentifier).toBeUndefined();
    expect(options?.settings).toMatchObject({
      maxRetryCount: 4,
      maxSubscriberCount: 5,
      readBatchSize: 200,
      namedConsumerStrategy: UpdateReq_ConsumerStrategy.Pinned,
      messageTimeout: { $case: 'messageTimeoutMs', value: 30_000 },
      checkpointAfter: { $case: 'checkpointAfterMs', value: 2_000 },
    });
  });

  test('of a group on a stream: both shapes, as Create', () => {
    const options = updateOnWire(
      updateSubscriptionRequest(
        { kind: 'stream', groupName: 'g1', streamName: 'orders-1', start: { kind: 'end' } },
        settings,
      ),
    ).options;
    expect(options?.streamOption).toEqual({
      $case: 'stream',
      value: {
        streamIdentifier: { streamName: utf8('orders-1') },
        revisionOption: { $case: 'end', value: {} },
      },
    });
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the legacy shape is what is tested
    expect([options?.streamIdentifier, options?.settings?.revision]).toEqual([
      { streamName: utf8('orders-1') },
      UINT64_MAX,
    ]);
  });
});

test('Read options of a group on a stream name the stream', () => {
  const options = ReadReq.decode(ReadReq.encode(persistentReadOptionsMessage('orders-1', 'g1', 10)).finish());
  expect(options.content).toEqual({
    $case: 'options',
    value: {
      streamOption: { $case: 'streamIdentifier', value: { streamName: utf8('orders-1') } },
      groupName: 'g1',
      bufferSize: 10,
      uuidOption: { content: { $case: 'string', value: {} } },
    },
  });
});

describe('what an update reads back from the group', () => {
  const info = (startFrom: string): SubscriptionInfo =>
    SubscriptionInfo.fromPartial({
      startFrom,
      messageTimeoutMilliseconds: 1_000,
      checkPointAfterMilliseconds: -2_147_483_648,
      bufferSize: 300,
      readBatchSize: 20,
      liveBufferSize: 100,
      maxSubscriberCount: 0,
      namedConsumerStrategy: 'PinnedByCorrelation',
    });

  test('the settings, in the create options’ names and units', () => {
    expect(allGroupOfInfo(info('C:0/P:0')).settings).toMatchObject({
      messageTimeout: 1_000,
      checkpointAfter: 0,
      historyBufferSize: 300,
      readBatchSize: 20,
      liveBufferSize: 100,
      maxSubscriberCount: 0,
      consumerStrategy: 'PinnedByCorrelation',
    });
  });

  test.each([
    ['C:0/P:0', { kind: 'start' }],
    ['C:-1/P:-1', { kind: 'end' }],
    ['C:1234/P:1200', { kind: 'position', commitPosition: 1234n, preparePosition: 1200n }],
  ])('the start of a group on $all, %s', (text, start) => {
    expect(allGroupOfInfo(info(text)).start).toEqual(start);
  });

  test.each([
    ['0', { kind: 'start' }],
    ['-1', { kind: 'end' }],
    ['12', { kind: 'position', streamPosition: 12n }],
  ])('the start of a group on a stream, %s', (text, start) => {
    expect(streamGroupOfInfo(info(text)).start).toEqual(start);
  });

  test('a start in neither format is an error', () => {
    expect(() => allGroupOfInfo(info('12'))).toThrow(/unexpected start_from: '12'/);
    expect(() => streamGroupOfInfo(info('C:1/P:1'))).toThrow(RangeError);
  });
});

test('the setting keys are exactly the settings', () => {
  expect([...SUBSCRIPTION_SETTING_KEYS].sort()).toEqual(Object.keys(DEFAULT_SUBSCRIPTION_SETTINGS).sort());
});

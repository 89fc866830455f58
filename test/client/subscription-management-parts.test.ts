// The parts of persistent subscription management that need no server: the requests (which member names the
// source, stop_at or no_limit), the mapping of the server's SubscriptionInfo (positions in both text formats,
// the int.MinValue checkpoint-after, counts as bigints), and the refusal of bad input before anything is sent.
import { Status } from 'nice-grpc';
import {
  DeleteReq,
  GetInfoReq,
  ListReq,
  ReplayParkedReq,
  type SubscriptionInfo as SubscriptionInfoMessage,
} from '../../src/generated/persistent.js';
import { GrpcError } from '../../src/client/index.js';
import {
  deleteGroupRequest,
  getInfoRequest,
  listGroupsRequest,
  replayParkedRequest,
} from '../../src/client/wire/persistent-management-requests.js';
import { subscriptionInfoOf } from '../../src/client/wire/subscription-info-of.js';
import { useRefusingClient } from './support/refusing-client.js';
import { rejectionOf } from './support/target.js';

const ORDERS = { $case: 'streamIdentifier', value: { streamName: Buffer.from('orders') } };

describe('management requests', () => {
  test("'$all' is sent as the all member, another source as a stream identifier", () => {
    // Through the codec, so that the members' numbers (which differ per message, §2.5) are the generated ones.
    const roundTrip = GetInfoReq.decode(GetInfoReq.encode(getInfoRequest('$all', 'g')).finish());
    expect(roundTrip.options).toEqual({ streamOption: { $case: 'all', value: {} }, groupName: 'g' });
    expect(getInfoRequest('orders', 'g').options?.streamOption).toEqual(ORDERS);
    const deleted = DeleteReq.decode(DeleteReq.encode(deleteGroupRequest('orders', 'g')).finish());
    expect(deleted.options).toEqual({ streamOption: ORDERS, groupName: 'g' });
    expect(deleteGroupRequest('$all', 'g').options?.streamOption).toEqual({ $case: 'all', value: {} });
  });

  test('replay sends stop_at, or no_limit without one', () => {
    const limited = ReplayParkedReq.decode(
      ReplayParkedReq.encode(replayParkedRequest('$all', 'g', 3n)).finish(),
    );
    expect(limited.options).toEqual({
      groupName: 'g',
      streamOption: { $case: 'all', value: {} },
      stopAtOption: { $case: 'stopAt', value: 3n },
    });
    expect(replayParkedRequest('orders', 'g', undefined).options?.stopAtOption).toEqual({
      $case: 'noLimit',
      value: {},
    });
  });

  test('list asks for every group, or for those of one source', () => {
    const codec = (request: ListReq): ListReq => ListReq.decode(ListReq.encode(request).finish());
    expect(codec(listGroupsRequest(undefined)).options?.listOption).toEqual({
      $case: 'listAllSubscriptions',
      value: {},
    });
    expect(codec(listGroupsRequest('$all')).options?.listOption).toEqual({
      $case: 'listForStream',
      value: { streamOption: { $case: 'all', value: {} } },
    });
    expect(codec(listGroupsRequest('orders')).options?.listOption).toEqual({
      $case: 'listForStream',
      value: { streamOption: { $case: 'stream', value: { streamName: Buffer.from('orders') } } },
    });
  });
});

/** A SubscriptionInfo message as a 24.10 server fills it for a group on `$all`. */
function infoMessage(overrides: Partial<SubscriptionInfoMessage> = {}): SubscriptionInfoMessage {
  return {
    eventSource: '$all',
    groupName: 'g',
    status: 'Live',
    connections: [],
    averagePerSecond: 4,
    totalItems: 12n,
    countSinceLastMeasurement: 2n,
    lastCheckpointedEventPosition: 'C:1200/P:1200',
    lastKnownEventPosition: 'C:3400/P:3300',
    resolveLinkTos: true,
    startFrom: 'C:0/P:0',
    messageTimeoutMilliseconds: 30_000,
    extraStatistics: true,
    maxRetryCount: 10,
    liveBufferSize: 500,
    bufferSize: 600,
    readBatchSize: 200,
    checkPointAfterMilliseconds: 2_000,
    minCheckPointCount: 10,
    maxCheckPointCount: 1_000,
    readBufferCount: 3,
    liveBufferCount: 5n,
    retryBufferCount: 1,
    totalInFlightMessages: 2,
    outstandingMessagesCount: 2,
    namedConsumerStrategy: 'RoundRobin',
    maxSubscriberCount: 0,
    parkedMessageCount: 7n,
    ...overrides,
  };
}

describe('subscriptionInfoOf', () => {
  test('maps every field: settings in the create options’ names, commit positions, counts as bigints', () => {
    expect(subscriptionInfoOf(infoMessage())).toEqual({
      groupName: 'g',
      streamName: '$all',
      status: 'Live',
      settings: {
        resolveLinks: true,
        extraStatistics: true,
        messageTimeout: 30_000,
        maxRetryCount: 10,
        minCheckpointCount: 10,
        maxCheckpointCount: 1_000,
        checkpointAfter: 2_000,
        maxSubscriberCount: 0,
        liveBufferSize: 500,
        readBatchSize: 200,
        historyBufferSize: 600,
        consumerStrategy: 'RoundRobin',
      },
      startFrom: 0n,
      lastCheckpointedPosition: 1200n,
      lastKnownPosition: 3400n,
      connections: [],
      averagePerSecond: 4,
      totalItems: 12n,
      countSinceLastMeasurement: 2n,
      readBufferCount: 3n,
      liveBufferCount: 5n,
      retryBufferCount: 1n,
      totalInFlightMessages: 2n,
      outstandingMessagesCount: 2n,
      parkedMessageCount: 7n,
    });
  });

  test('stream positions, the end, and no position yet', () => {
    const onStream = subscriptionInfoOf(
      infoMessage({
        eventSource: 'orders',
        startFrom: '-1',
        lastCheckpointedEventPosition: '',
        lastKnownEventPosition: '41',
      }),
    );
    expect(onStream).toMatchObject({
      streamName: 'orders',
      startFrom: 'end',
      lastCheckpointedPosition: null,
      lastKnownPosition: 41n,
    });
    expect(subscriptionInfoOf(infoMessage({ startFrom: 'C:-1/P:-1' })).startFrom).toBe('end');
    expect(subscriptionInfoOf(infoMessage({ startFrom: '17' })).startFrom).toBe(17n);
    expect(subscriptionInfoOf(infoMessage({ startFrom: 'C:99/P:99' })).startFrom).toBe(99n);
  });

  test('a checkpoint-after of 0 ("never") is reported as int.MinValue and comes back as 0', () => {
    const info = subscriptionInfoOf(infoMessage({ checkPointAfterMilliseconds: -(2 ** 31) }));
    expect(info.settings.checkpointAfter).toBe(0);
  });

  test('a connection, with its measurements in milliseconds', () => {
    const info = subscriptionInfoOf(
      infoMessage({
        connections: [
          {
            from: '',
            username: 'admin',
            averageItemsPerSecond: 3,
            totalItems: 9n,
            countSinceLastMeasurement: 1n,
            observedMeasurements: [
              { key: 'Mean', value: 12n },
              { key: 'Highest', value: 40n },
            ],
            availableSlots: 8,
            inFlightMessages: 2,
            connectionName: 'worker-1',
          },
        ],
      }),
    );
    expect(info.connections).toEqual([
      {
        connectionName: 'worker-1',
        username: 'admin',
        from: '',
        averageItemsPerSecond: 3,
        totalItems: 9n,
        countSinceLastMeasurement: 1n,
        availableSlots: 8,
        inFlightMessages: 2n,
        observedMeasurements: new Map([
          ['Mean', 12],
          ['Highest', 40],
        ]),
      },
    ]);
  });

  test('text no server sends is refused rather than guessed at', () => {
    expect(() => subscriptionInfoOf(infoMessage({ lastKnownEventPosition: '12@orders' }))).toThrow(
      RangeError,
    );
    expect(() => subscriptionInfoOf(infoMessage({ startFrom: '' }))).toThrow(RangeError);
    expect(() => subscriptionInfoOf(infoMessage({ namedConsumerStrategy: 'Random' }))).toThrow(
      /unknown consumer strategy 'Random'/,
    );
  });
});

describe('bad input', () => {
  const client = useRefusingClient();

  type Call = () => Promise<unknown>;
  /** Options of a type the method does not take, as plain JavaScript could pass them. */
  const bad = (options: unknown): never => options as never;

  test.each<[string, Call, ErrorConstructor, RegExp]>([
    ['no options', () => client().getSubscriptionInfo(bad(undefined)), TypeError, /must be an object/],
    [
      'no group name',
      () => client().getSubscriptionInfo(bad({})),
      TypeError,
      /getSubscriptionInfo: groupName/,
    ],
    [
      'empty group name',
      () => client().deleteSubscription({ groupName: '' }),
      TypeError,
      /must not be empty/,
    ],
    [
      'empty stream name',
      () => client().getSubscriptionInfo({ groupName: 'g', streamName: '' }),
      TypeError,
      /getSubscriptionInfo: streamName must not be empty/,
    ],
    [
      'non-string stream name',
      () => client().deleteSubscription(bad({ groupName: 'g', streamName: 5 })),
      TypeError,
      /deleteSubscription: streamName must be a string/,
    ],
    [
      'unknown option',
      () => client().replayParkedEvents(bad({ groupName: 'g', stopAfter: 1 })),
      TypeError,
      /unknown option 'stopAfter'/,
    ],
    [
      'empty stream name to list',
      () => client().listSubscriptions({ streamName: '' }),
      TypeError,
      /listSubscriptions: streamName must not be empty/,
    ],
    ['list options not an object', () => client().listSubscriptions(bad('x')), TypeError, /object/],
    [
      'negative stopAt',
      () => client().replayParkedEvents({ groupName: 'g', stopAt: -1 }),
      RangeError,
      /replayParkedEvents: stopAt must not be negative/,
    ],
    [
      'stopAt 0',
      () => client().replayParkedEvents({ groupName: 'g', stopAt: 0 }),
      RangeError,
      /stopAt must be at least 1/,
    ],
    [
      'stopAt past int64',
      () => client().replayParkedEvents({ groupName: 'g', stopAt: 2n ** 63n }),
      RangeError,
      /stopAt must be at most 2\^63-1/,
    ],
    [
      'fractional stopAt',
      () => client().replayParkedEvents({ groupName: 'g', stopAt: 1.5 }),
      TypeError,
      /stopAt must be an integer/,
    ],
    [
      'string stopAt',
      () => client().replayParkedEvents(bad({ groupName: 'g', stopAt: '3' })),
      TypeError,
      /stopAt must be a number or a bigint/,
    ],
    [
      'unknown restart option',
      () => client().restartSubscriptionsSubsystem(bad({ force: true })),
      TypeError,
      /restartSubscriptionsSubsystem: unknown option 'force'/,
    ],
    [
      'negative timeout',
      () => client().restartSubscriptionsSubsystem({ timeout: -1 }),
      RangeError,
      /restartSubscriptionsSubsystem: timeout must be positive/,
    ],
  ])('%s', async (_name, call, type, message) => {
    const error = await rejectionOf(call());
    expect(error).toBeInstanceOf(type);
    expect(String(error)).toMatch(message);
  });

  test('good input does reach the server (which has no such service)', async () => {
    const error = await rejectionOf(client().replayParkedEvents({ groupName: 'g', stopAt: 1 }));
    expect(error).toBeInstanceOf(GrpcError);
    expect(error).toMatchObject({ code: Status.UNIMPLEMENTED });
  });
});

/**
 * Contract: the official client's GetInfo calls for persistent subscriptions (§3.14, §3.14.1). NODE uses gRPC
 * for them only when ServerFeatures lists the method with the `stream`/`all` features (§3.16) and falls back to
 * the HTTP API otherwise; the emulator has no HTTP API, so every call that succeeds here also shows the
 * listing. Lists and permissions are in persistent-lists.test.ts; parked-message replay and the subsystem
 * restart in persistent-replay.test.ts.
 */
import { randomUUID } from 'node:crypto';

import {
  END,
  PINNED,
  PersistentSubscriptionDoesNotExistError,
  START,
  UNBOUNDED,
  persistentSubscriptionToAllSettingsFromDefaults,
  persistentSubscriptionToStreamSettingsFromDefaults,
  streamNameFilter,
  type PersistentSubscriptionToAllResolvedEvent,
  type PersistentSubscriptionToStreamResolvedEvent,
} from '@kurrent/kurrentdb-client';

import {
  MODES,
  eventually,
  makeEvents,
  positionOf,
  rejectionOf,
  uniqueStream,
  useContractTarget,
} from './harness.js';
import { SubscriptionRecorder } from './subscription-recorder.js';

jest.setTimeout(30_000);

type Delivered = PersistentSubscriptionToStreamResolvedEvent | PersistentSubscriptionToAllResolvedEvent;

/** The timing keys of `observed_measurements`, as NODE lower-cases them (§3.14.1). */
const MEASUREMENT_KEYS = [
  'mean',
  'median',
  'fastest',
  'quintile 1',
  'quintile 2',
  'quintile 3',
  'quintile 4',
  'quintile 5',
  '90%',
  '95%',
  '99%',
  '99.5%',
  '99.9%',
  'highest',
];

const group = () => `group-${randomUUID()}`;

describe.each(MODES)('persistent subscription info (%s)', (mode) => {
  const target = useContractTarget(mode);
  const recorders: SubscriptionRecorder<Delivered>[] = [];

  afterEach(async () => {
    await Promise.allSettled(recorders.map((recorder) => recorder.stop()));
    recorders.length = 0;
  });

  function recorder<E extends Delivered>(): SubscriptionRecorder<E> {
    const created = new SubscriptionRecorder<E>();
    recorders.push(created);
    return created;
  }

  /** The user a consumer of the shared client runs as: the admin over TLS, `system` on an insecure node (§4). */
  const sharedClientUser = () => (mode === 'secure' ? target().admin.username : 'system');

  test('stream group info carries the settings given at create, and the start as START, END or a revision', async () => {
    const client = target().client();
    const stream = uniqueStream('ps-info-settings');
    const custom = persistentSubscriptionToStreamSettingsFromDefaults({
      startFrom: 2n,
      resolveLinkTos: true,
      extraStatistics: true,
      messageTimeout: 12_345,
      maxRetryCount: 7,
      checkPointAfter: 3_000,
      checkPointLowerBound: 4,
      checkPointUpperBound: 40,
      maxSubscriberCount: 3,
      liveBufferSize: 300,
      readBatchSize: 15,
      historyBufferSize: 250,
      consumerStrategyName: PINNED,
    });
    const customGroup = group();
    await client.createPersistentSubscriptionToStream(stream, customGroup, custom);

    const info = await client.getPersistentSubscriptionToStreamInfo(stream, customGroup);
    // §3.14.1: event_source is the stream, and the settings are the numbers given at Create.
    expect(info.eventSource).toBe(stream);
    expect(info.groupName).toBe(customGroup);
    expect(info.settings).toEqual(custom);
    // §3.14.1: nothing is connected and nothing has been read or checkpointed on an empty stream.
    expect(info.connections).toEqual([]);
    expect(info.stats.lastCheckpointedEventRevision).toBeUndefined();
    expect(info.stats.lastKnownEventRevision).toBeUndefined();
    expect(info.stats.parkedMessageCount).toBe(0n);

    for (const startFrom of [START, END] as const) {
      const groupName = group();
      const settings = persistentSubscriptionToStreamSettingsFromDefaults({ startFrom });
      await client.createPersistentSubscriptionToStream(stream, groupName, settings);
      const defaults = await client.getPersistentSubscriptionToStreamInfo(stream, groupName);
      // §3.14.1: start_from "0" and "-1", which NODE maps back to START and END; a max_subscriber_count of 0
      // comes back as UNBOUNDED.
      expect(defaults.settings).toEqual(settings);
      expect(defaults.settings.maxSubscriberCount).toBe(UNBOUNDED);
    }
  });

  test('while a consumer is connected, info shows it with its in-flight events, then the checkpoint', async () => {
    const client = target().client();
    const stream = uniqueStream('ps-info-live');
    const groupName = group();
    await client.appendToStream(stream, makeEvents(3));
    await client.createPersistentSubscriptionToStream(
      stream,
      groupName,
      persistentSubscriptionToStreamSettingsFromDefaults({
        startFrom: START,
        extraStatistics: true,
        checkPointLowerBound: 1,
        checkPointUpperBound: 1,
      }),
    );
    const consumer = recorder<PersistentSubscriptionToStreamResolvedEvent>();
    const subscription = consumer.attach(client.subscribeToPersistentSubscriptionToStream(stream, groupName));
    const events = await consumer.waitForEvents(3);

    const getInfo = () => client.getPersistentSubscriptionToStreamInfo(stream, groupName);
    const busy = await eventually(getInfo, (info) => info.status === 'Live', 'the group to be live');
    // §3.14.1: one ConnectionInfo per consumer: `from` is empty over gRPC, the caller's name, the
    // `connection-name` header NODE sends (its connectionName), and the consumer's buffer (NODE: 10) minus
    // its unacknowledged events as free slots.
    expect(busy.connections).toHaveLength(1);
    expect(busy.connections[0]).toMatchObject({
      from: '',
      username: sharedClientUser(),
      connectionName: client.connectionName,
      inFlightMessages: 3,
      availableSlots: 7,
      totalItems: 3n,
    });
    // §3.14.1: observed measurements appear only once a message has been acknowledged.
    expect(busy.connections[0]?.extraStatistics).toBeUndefined();
    expect(busy.stats).toMatchObject({
      totalItems: 3n,
      totalInFlightMessages: 3,
      outstandingMessagesCount: 3,
    });
    // §3.14.1: the last event read is revision 2; nothing acknowledged, so nothing checkpointed yet.
    expect(busy.stats.lastKnownEventRevision).toBe(2n);
    expect(busy.stats.lastCheckpointedEventRevision).toBeUndefined();

    await subscription.ack(...events);
    const settled = await eventually(
      getInfo,
      (info) =>
        info.stats.lastCheckpointedEventRevision !== undefined && info.stats.totalInFlightMessages === 0,
      'the checkpoint after the acknowledgements',
    );
    // §3.14 Read step 7: max_checkpoint_count 1 forces a checkpoint at the last processed event.
    expect(settled.stats.lastCheckpointedEventRevision).toBe(2n);
    expect(settled.connections[0]).toMatchObject({ inFlightMessages: 0, availableSlots: 10 });
    // §3.14.1: with extra_statistics, the timings keyed Mean … Highest.
    expect([...(settled.connections[0]?.extraStatistics?.keys() ?? [])].sort()).toEqual(
      [...MEASUREMENT_KEYS].sort(),
    );
  });

  test('$all group info carries positions: the start, the last known event and the checkpoint', async () => {
    const client = target().client();
    const prefix = `ps-info-all-${randomUUID()}`;
    const start = positionOf(await client.appendToStream(uniqueStream('ps-info-marker'), makeEvents(1)));
    const groupName = group();
    const settings = persistentSubscriptionToAllSettingsFromDefaults({
      startFrom: start,
      checkPointLowerBound: 1,
      checkPointUpperBound: 1,
    });
    await client.createPersistentSubscriptionToAll(groupName, settings, {
      filter: streamNameFilter({ prefixes: [prefix] }),
    });
    const last = positionOf(await client.appendToStream(`${prefix}-a`, makeEvents(2)));

    const consumer = recorder<PersistentSubscriptionToAllResolvedEvent>();
    const subscription = consumer.attach(client.subscribeToPersistentSubscriptionToAll(groupName));
    await subscription.ack(...(await consumer.waitForEvents(2)));

    const info = await eventually(
      () => client.getPersistentSubscriptionToAllInfo(groupName),
      (read) => read.stats.lastCheckpointedEventPosition !== undefined,
      'the $all checkpoint',
    );
    // §3.14.1: event_source `$all`; start_from "C:<commit>/P:<prepare>", which NODE parses into a Position.
    expect(info.eventSource).toBe('$all');
    expect(info.settings).toEqual(settings);
    // §3.14 Read step 7: every event acknowledged, so the checkpoint is the last one's position.
    expect(info.stats.lastCheckpointedEventPosition).toEqual(last);
    expect(info.stats.lastKnownEventPosition?.commit).toBeGreaterThanOrEqual(last.commit);

    for (const startFrom of [START, END] as const) {
      const other = group();
      const edge = persistentSubscriptionToAllSettingsFromDefaults({ startFrom });
      await client.createPersistentSubscriptionToAll(other, edge);
      // §3.14.1: "C:0/P:0" and "C:-1/P:-1", which NODE maps back to START and END.
      expect((await client.getPersistentSubscriptionToAllInfo(other)).settings.startFrom).toBe(startFrom);
    }
  });

  test('info on a missing group fails with PersistentSubscriptionDoesNotExistError naming it', async () => {
    const client = target().client();
    const stream = uniqueStream('ps-info-missing');
    const groupName = group();
    await client.createPersistentSubscriptionToStream(
      stream,
      group(),
      persistentSubscriptionToStreamSettingsFromDefaults(),
    );

    // §3.14 GetInfo: an unknown group is NOT_FOUND persistent-subscription-does-not-exist, on a stream with
    // other groups as on one with none.
    for (const source of [stream, uniqueStream('ps-info-missing-stream')]) {
      const error = await rejectionOf(client.getPersistentSubscriptionToStreamInfo(source, groupName));
      expect(error).toBeInstanceOf(PersistentSubscriptionDoesNotExistError);
      expect((error as PersistentSubscriptionDoesNotExistError).streamName).toBe(source);
      expect((error as PersistentSubscriptionDoesNotExistError).groupName).toBe(groupName);
    }
    const allError = await rejectionOf(client.getPersistentSubscriptionToAllInfo(groupName));
    expect(allError).toBeInstanceOf(PersistentSubscriptionDoesNotExistError);
    expect((allError as PersistentSubscriptionDoesNotExistError).streamName).toBe('$all');
  });
});

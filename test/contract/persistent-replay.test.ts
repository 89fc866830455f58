/**
 * Contract: replaying parked messages and restarting the persistent-subscription subsystem with the official
 * client (§3.14, §3.14.1). Like GetInfo and List, NODE sends these over gRPC only when ServerFeatures lists
 * them (§3.16); the emulator has no HTTP API to fall back to.
 */
import { randomUUID } from 'node:crypto';

import {
  AccessDeniedError,
  PARK,
  PersistentSubscriptionDoesNotExistError,
  PersistentSubscriptionDroppedError,
  START,
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
  sleep,
  uniqueStream,
  useContractTarget,
  type Credentials,
} from './harness.js';
import { SubscriptionRecorder } from './subscription-recorder.js';

jest.setTimeout(30_000);

type StreamEvent = PersistentSubscriptionToStreamResolvedEvent;
type AllEvent = PersistentSubscriptionToAllResolvedEvent;

const describeSecure = MODES.includes('secure') ? describe : describe.skip;

/** The built-in `ops` account: in `$ops`, not in `$admins` (§3.17). */
const OPS: Credentials = { username: 'ops', password: 'changeit' };

const group = () => `group-${randomUUID()}`;
const idOf = (resolved: StreamEvent | AllEvent) => resolved.event?.id;

describe.each(MODES)('parked-message replay and subsystem restart (%s)', (mode) => {
  const target = useContractTarget(mode);
  const recorders: SubscriptionRecorder<StreamEvent | AllEvent>[] = [];

  afterEach(async () => {
    await Promise.allSettled(recorders.map((recorder) => recorder.stop()));
    recorders.length = 0;
  });

  function recorder<E extends StreamEvent | AllEvent>(): SubscriptionRecorder<E> {
    const created = new SubscriptionRecorder<E>();
    recorders.push(created);
    return created;
  }

  /** A stream with `count` events, a group on it from the start, and a consumer that has received them all. */
  async function consumeStream(prefix: string, count: number) {
    const client = target().client();
    const stream = uniqueStream(prefix);
    const groupName = group();
    const events = makeEvents(count);
    await client.appendToStream(stream, events);
    await client.createPersistentSubscriptionToStream(
      stream,
      groupName,
      persistentSubscriptionToStreamSettingsFromDefaults({ startFrom: START }),
    );
    const consumer = recorder<StreamEvent>();
    const subscription = consumer.attach(client.subscribeToPersistentSubscriptionToStream(stream, groupName));
    const delivered = [...(await consumer.waitForEvents(count))];
    const parkedCount = async () =>
      (await client.getPersistentSubscriptionToStreamInfo(stream, groupName)).stats.parkedMessageCount;
    return { client, stream, groupName, events, consumer, subscription, delivered, parkedCount };
  }

  test('replayParkedMessagesToStream delivers the parked events again with retryCount 0', async () => {
    const { client, stream, groupName, events, consumer, subscription, delivered, parkedCount } =
      await consumeStream('ps-replay', 2);
    const [parked, acked] = delivered;
    if (parked === undefined || acked === undefined) throw new Error('missing events');
    await subscription.ack(acked);
    await subscription.nack(PARK, 'poison', parked);
    // §3.14.1: parked_message_count counts the parked events not yet replayed.
    await eventually(parkedCount, (count) => count === 1n, 'the parked message to be counted');
    await sleep(200);
    expect(consumer.events).toHaveLength(2);

    await client.replayParkedMessagesToStream(stream, groupName);
    const again = await consumer.waitForEvent(
      (resolved) => resolved !== parked && idOf(resolved) === events[0]?.id,
      'the replayed event',
    );
    // §3.14.1: the replay queues the parked events as retries with retry count 0.
    expect(again.retryCount).toBe(0);
    expect(again.event?.streamId).toBe(stream);
    expect(again.event?.revision).toBe(0n);
    // The replay reads the parked stream resolving its links, so the delivery is the original event with the
    // parked `$>` as its link, and both carry the link's position (§3.14 Read step 3; server:
    // PersistentSubscription.cs `TryReadingParkedMessagesFrom`, PersistentSubscriptions.Read.cs).
    expect(again.link?.streamId).toBe(`$persistentsubscription-${stream}::${groupName}-parked`);
    expect(again.link?.type).toBe('$>');
    expect(again.event?.position).toEqual(again.link?.position);
    await eventually(parkedCount, (count) => count === 0n, 'the parked count to drop after the replay');
    // The acknowledged event is not replayed.
    expect(consumer.events.filter((resolved) => idOf(resolved) === events[1]?.id)).toHaveLength(1);
  });

  test('stopAt replays only the parked events numbered below it; a later replay takes the rest', async () => {
    const { client, stream, groupName, events, consumer, subscription, delivered, parkedCount } =
      await consumeStream('ps-replay-stop', 3);
    // Parked one at a time, so the parked stream holds them in stream order: 0, 1, 2.
    for (const resolved of delivered) {
      const before = await parkedCount();
      await subscription.nack(PARK, 'later', resolved);
      await eventually(parkedCount, (count) => count === before + 1n, 'the next parked message');
    }
    const replays = (index: number) =>
      consumer.events.filter((resolved) => idOf(resolved) === events[index]?.id).length - 1;

    await client.replayParkedMessagesToStream(stream, groupName, { stopAt: 2 });
    await consumer.waitForEvents(5);
    await eventually(parkedCount, (count) => count === 1n, 'one message left parked');
    await sleep(200);
    // §3.14.1: stop_at n replays the parked events whose number in the parked stream is below n.
    expect([replays(0), replays(1), replays(2)]).toEqual([1, 1, 0]);

    await client.replayParkedMessagesToStream(stream, groupName);
    await consumer.waitForEvents(6);
    await eventually(parkedCount, (count) => count === 0n, 'no message left parked');
    // §3.14.1: the first replay moved the parked stream's $tb past what it replayed, so only event 2 comes.
    expect([replays(0), replays(1), replays(2)]).toEqual([1, 1, 1]);
  });

  test('replayParkedMessagesToAll replays the parked events of a $all group', async () => {
    const client = target().client();
    const prefix = `ps-replay-all-${randomUUID()}`;
    const groupName = group();
    const start = positionOf(await client.appendToStream(uniqueStream('ps-replay-marker'), makeEvents(1)));
    await client.createPersistentSubscriptionToAll(
      groupName,
      persistentSubscriptionToAllSettingsFromDefaults({ startFrom: start }),
      { filter: streamNameFilter({ prefixes: [prefix] }) },
    );
    const events = makeEvents(1);
    await client.appendToStream(`${prefix}-a`, events);
    const consumer = recorder<AllEvent>();
    const subscription = consumer.attach(client.subscribeToPersistentSubscriptionToAll(groupName));
    const [first] = await consumer.waitForEvents(1);
    if (first === undefined) throw new Error('missing event');
    await subscription.nack(PARK, 'poison', first);
    await eventually(
      async () => (await client.getPersistentSubscriptionToAllInfo(groupName)).stats.parkedMessageCount,
      (count) => count === 1n,
      'the parked message',
    );

    await client.replayParkedMessagesToAll(groupName);
    const [, again] = await consumer.waitForEvents(2);
    // §3.14.1: the parked `$all` event comes back with retry count 0, linked from the group's parked stream,
    // with the position of that link rather than its own (§3.14 Read step 3).
    expect(idOf(again ?? first)).toBe(events[0]?.id);
    expect(again?.retryCount).toBe(0);
    expect(again?.link?.streamId).toBe(`$persistentsubscription-$all::${groupName}-parked`);
    const linkPosition = again?.link?.position;
    expect(again?.event?.position).toEqual(linkPosition);
    expect(linkPosition?.commit).toBeGreaterThan(first.event?.position.commit ?? 0n);
  });

  test('replaying for a missing group fails with PersistentSubscriptionDoesNotExistError', async () => {
    const client = target().client();
    const stream = uniqueStream('ps-replay-missing');
    const groupName = group();
    // §3.14.1 ReplayParked: an unknown group is NOT_FOUND persistent-subscription-does-not-exist.
    const error = await rejectionOf(client.replayParkedMessagesToStream(stream, groupName));
    expect(error).toBeInstanceOf(PersistentSubscriptionDoesNotExistError);
    expect((error as PersistentSubscriptionDoesNotExistError).streamName).toBe(stream);
    expect((error as PersistentSubscriptionDoesNotExistError).groupName).toBe(groupName);
    expect(await rejectionOf(client.replayParkedMessagesToAll(groupName))).toBeInstanceOf(
      PersistentSubscriptionDoesNotExistError,
    );
  });

  test('restarting the subsystem drops every consumer; the groups come back and resume', async () => {
    const { client, stream, groupName, delivered, consumer, subscription } = await consumeStream(
      'ps-restart',
      2,
    );
    await subscription.ack(...delivered);

    await client.restartPersistentSubscriptionSubsystem();
    // §3.14.1 RestartSubsystem: every consumer's Read ends with CANCELLED persistent-subscription-dropped.
    const dropped = await consumer.waitForError();
    expect(dropped).toBeInstanceOf(PersistentSubscriptionDroppedError);

    // §3.14.1: until the groups are loaded again GetInfo may answer UNAVAILABLE; then the group is back.
    const info = await eventually(
      () => client.getPersistentSubscriptionToStreamInfo(stream, groupName).catch(() => undefined),
      (read) => read !== undefined,
      'the group to be loaded again',
    );
    expect(info?.groupName).toBe(groupName);
    expect(info?.connections).toEqual([]);

    const live = makeEvents(1);
    await client.appendToStream(stream, live);
    const again = recorder<StreamEvent>();
    again.attach(client.subscribeToPersistentSubscriptionToStream(stream, groupName));
    // §3.14 Read step 7: delivery resumes after the last checkpoint, so the new event does arrive; events
    // processed since the checkpoint may come again (at-least-once), but nothing is skipped.
    await again.waitForEvent(
      (resolved) => idOf(resolved) === live[0]?.id,
      'the event appended after the restart',
    );
    expect(again.error).toBeUndefined();
  });
});

describeSecure('parked-message replay and subsystem restart: permissions (secure)', () => {
  const target = useContractTarget('secure');

  test('`$ops` members may replay and restart; the anonymous user is denied before the group is looked up', async () => {
    const stream = uniqueStream('ps-replay-ops');
    const groupName = group();
    await target()
      .client()
      .createPersistentSubscriptionToStream(
        stream,
        groupName,
        persistentSubscriptionToStreamSettingsFromDefaults(),
      );
    const ops = target().clientAs(OPS);
    // §3.14.1: ReplayParked and RestartSubsystem need a member of `$admins` or `$ops`.
    await ops.replayParkedMessagesToStream(stream, groupName);
    await ops.restartPersistentSubscriptionSubsystem();

    const anonymous = target().clientAs(undefined);
    // §3.14.1: anyone else gets PERMISSION_DENIED access-denied, even for a group that does not exist.
    const calls: Promise<unknown>[] = [
      anonymous.replayParkedMessagesToStream(stream, groupName),
      anonymous.replayParkedMessagesToAll(group()),
      anonymous.restartPersistentSubscriptionSubsystem(),
    ];
    for (const call of calls) expect(await rejectionOf(call)).toBeInstanceOf(AccessDeniedError);
  });
});

/**
 * Contract: persistent subscriptions to a stream and to `$all` with the official client, over grpc-js (§3.14).
 * The management calls (info, lists, parked-message replay, subsystem restart) are in persistent-management,
 * persistent-lists and persistent-replay.test.ts.
 */
import { randomUUID } from 'node:crypto';

import {
  END,
  PARK,
  PersistentSubscriptionDoesNotExistError,
  PersistentSubscriptionDroppedError,
  PersistentSubscriptionExistsError,
  RETRY,
  START,
  persistentSubscriptionToAllSettingsFromDefaults,
  persistentSubscriptionToStreamSettingsFromDefaults,
  streamNameFilter,
  type PersistentSubscriptionToAllResolvedEvent,
  type PersistentSubscriptionToStreamResolvedEvent,
} from '@kurrent/kurrentdb-client';

import {
  MODES,
  collect,
  eventually,
  makeEvents,
  positionOf,
  rejectionOf,
  sleep,
  uniqueStream,
  useContractTarget,
  waitFor,
} from './harness.js';
import { SubscriptionRecorder } from './subscription-recorder.js';

jest.setTimeout(30_000);

type StreamEvent = PersistentSubscriptionToStreamResolvedEvent;
type AllEvent = PersistentSubscriptionToAllResolvedEvent;

describe.each(MODES)('persistent subscriptions (%s)', (mode) => {
  const target = useContractTarget(mode);
  const recorders: SubscriptionRecorder<StreamEvent | AllEvent>[] = [];

  afterEach(async () => {
    await Promise.allSettled(recorders.map((recorder) => recorder.stop()));
    recorders.length = 0;
  });

  function track<E extends StreamEvent | AllEvent>(
    recorder: SubscriptionRecorder<E>,
  ): SubscriptionRecorder<E> {
    recorders.push(recorder);
    return recorder;
  }

  const group = () => `group-${randomUUID()}`;
  const idOf = (resolved: StreamEvent | AllEvent) => resolved.event?.id;

  describe('to a stream', () => {
    /** Connects to `stream`'s `groupName` and records what arrives. */
    function subscribe(stream: string, groupName: string) {
      const recorder = track(new SubscriptionRecorder<StreamEvent>());
      const subscription = recorder.attach(
        target().client().subscribeToPersistentSubscriptionToStream(stream, groupName),
      );
      return { recorder, subscription };
    }

    test('delivers the stream from the start with retryCount 0, then live events; acks are accepted', async () => {
      const client = target().client();
      const stream = uniqueStream('ps-stream');
      const groupName = group();
      const history = makeEvents(3);
      const appended = positionOf(await client.appendToStream(stream, history));
      await client.createPersistentSubscriptionToStream(
        stream,
        groupName,
        persistentSubscriptionToStreamSettingsFromDefaults({ startFrom: START }),
      );

      const { recorder, subscription } = subscribe(stream, groupName);
      const events = await recorder.waitForEvents(3);
      // §3.14 Read step 2: the confirmation's subscription id is `<stream>::<group>`.
      expect(recorder.signals[0]?.kind).toBe('confirmation');
      expect(subscription.id).toBe(`${stream}::${groupName}`);
      // §3.14 Read step 3: retry_count is 0 on first delivery; events arrive in stream order.
      expect(events.map(idOf)).toEqual(history.map((event) => event.id));
      expect(events.map((resolved) => resolved.retryCount)).toEqual([0, 0, 0]);
      expect(events.map((resolved) => resolved.event?.revision)).toEqual([0n, 1n, 2n]);
      // §3.14 Read step 3: the recorded event carries the original event's position.
      expect(events[2]?.event?.position).toEqual(appended);
      await subscription.ack(...events);

      const live = makeEvents(1);
      await client.appendToStream(stream, live);
      await recorder.waitForEvents(4);
      expect(recorder.events[3]?.event?.id).toBe(live[0]?.id);
      expect(recorder.error).toBeUndefined();
    });

    test('a new group starting at the end skips existing events; an explicit revision is inclusive', async () => {
      const client = target().client();
      const stream = uniqueStream('ps-stream-start');
      await client.appendToStream(stream, makeEvents(3));
      const fromEnd = group();
      const fromRevision = group();
      await client.createPersistentSubscriptionToStream(
        stream,
        fromEnd,
        persistentSubscriptionToStreamSettingsFromDefaults({ startFrom: END }),
      );
      await client.createPersistentSubscriptionToStream(
        stream,
        fromRevision,
        persistentSubscriptionToStreamSettingsFromDefaults({ startFrom: 1n }),
      );

      const endConsumer = subscribe(stream, fromEnd).recorder;
      const revisionConsumer = subscribe(stream, fromRevision).recorder;
      await endConsumer.waitForSignal('confirmation');
      await revisionConsumer.waitForEvents(2);
      // §3.14 Create: start R is inclusive, so revision 1 is delivered first.
      expect(revisionConsumer.events.map((resolved) => resolved.event?.revision)).toEqual([1n, 2n]);

      await client.appendToStream(stream, makeEvents(1));
      await endConsumer.waitForEvents(1);
      await revisionConsumer.waitForEvents(3);
      // §3.14 Create: the legacy `settings.revision` UINT64 max means end: only the new event arrives.
      expect(endConsumer.events.map((resolved) => resolved.event?.revision)).toEqual([3n]);
    });

    test('creating an existing group fails; a group may be created before its stream exists', async () => {
      const client = target().client();
      const stream = uniqueStream('ps-stream-exists');
      const groupName = group();
      const settings = persistentSubscriptionToStreamSettingsFromDefaults({ startFrom: START });
      // §3.14 Create: a group can be created on a stream that does not exist yet.
      await client.createPersistentSubscriptionToStream(stream, groupName, settings);

      const error = await rejectionOf(
        client.createPersistentSubscriptionToStream(stream, groupName, settings),
      );
      // §3.14 Create / §3.1.1: ALREADY_EXISTS persistent-subscription-exists with stream-name and group-name.
      expect(error).toBeInstanceOf(PersistentSubscriptionExistsError);
      expect((error as PersistentSubscriptionExistsError).streamName).toBe(stream);
      expect((error as PersistentSubscriptionExistsError).groupName).toBe(groupName);

      const { recorder } = subscribe(stream, groupName);
      await recorder.waitForSignal('confirmation');
      const created = makeEvents(1);
      await client.appendToStream(stream, created);
      await recorder.waitForEvents(1);
      expect(recorder.events.map(idOf)).toEqual([created[0]?.id]);
    });

    test('nack retry redelivers the event with an increasing retryCount', async () => {
      const client = target().client();
      const stream = uniqueStream('ps-stream-retry');
      const groupName = group();
      const events = makeEvents(2);
      await client.appendToStream(stream, events);
      await client.createPersistentSubscriptionToStream(
        stream,
        groupName,
        persistentSubscriptionToStreamSettingsFromDefaults({ startFrom: START }),
      );

      const { recorder, subscription } = subscribe(stream, groupName);
      const [first, second] = await recorder.waitForEvents(2);
      if (first === undefined || second === undefined) throw new Error('missing events');
      await subscription.ack(second);

      const deliveriesOfFirst = () => recorder.events.filter((resolved) => idOf(resolved) === events[0]?.id);
      await subscription.nack(RETRY, 'try again', first);
      // §3.14 Read step 5: Retry sends the message again with retry_count + 1.
      await waitFor(() => deliveriesOfFirst().length >= 2, 'the first redelivery');
      await subscription.nack(RETRY, 'try again', deliveriesOfFirst()[1] ?? first);
      await waitFor(() => deliveriesOfFirst().length >= 3, 'the second redelivery');
      expect(deliveriesOfFirst().map((resolved) => resolved.retryCount)).toEqual([0, 1, 2]);
      // The acknowledged event is not delivered again.
      expect(recorder.events.filter((resolved) => idOf(resolved) === events[1]?.id)).toHaveLength(1);
    });

    test('nack park moves the event to the parked stream as a link', async () => {
      const client = target().client();
      const stream = uniqueStream('ps-stream-park');
      const groupName = group();
      await client.appendToStream(stream, makeEvents(1));
      await client.createPersistentSubscriptionToStream(
        stream,
        groupName,
        persistentSubscriptionToStreamSettingsFromDefaults({ startFrom: START }),
      );

      const { recorder, subscription } = subscribe(stream, groupName);
      const [event] = await recorder.waitForEvents(1);
      if (event === undefined) throw new Error('missing event');
      await subscription.nack(PARK, 'poison', event);

      // §3.14 Identity: parked messages live in `$persistentsubscription-<stream>::<group>-parked`.
      const parkedStream = `$persistentsubscription-${stream}::${groupName}-parked`;
      const parked = await eventually(
        () => collect(client.readStream(parkedStream)).catch(() => []),
        (read) => read.length > 0,
        'the parked message',
      );
      // §3.14 Read step 5 / §3.13: Park appends a `$>` link `<eventNumber>@<stream>` whose JSON metadata holds
      // when and why it was parked. The server serialises it with its Json.ToJson settings (server:
      // PersistentSubscriptionMessageParker.cs, Common/Utils/Json.cs): camelCase names and default values
      // left out, so `subscriptionEventNumber` 0 does not appear.
      expect(parked).toHaveLength(1);
      expect(parked[0]?.event?.type).toBe('$>');
      expect(Buffer.from(parked[0]?.event?.data as Uint8Array).toString('utf8')).toBe(`0@${stream}`);
      expect(parked[0]?.event?.metadata).toEqual({
        added: expect.any(String) as unknown,
        reason: "Client explicitly NAK'ed message.\npoison",
      });
      // The parked message is not redelivered.
      await sleep(200);
      expect(recorder.events).toHaveLength(1);
    });

    test('an unacknowledged event is redelivered after the message timeout; an acknowledged one is not', async () => {
      const client = target().client();
      const stream = uniqueStream('ps-stream-timeout');
      const groupName = group();
      const events = makeEvents(2);
      await client.appendToStream(stream, events);
      await client.createPersistentSubscriptionToStream(
        stream,
        groupName,
        persistentSubscriptionToStreamSettingsFromDefaults({ startFrom: START, messageTimeout: 1_000 }),
      );

      const { recorder, subscription } = subscribe(stream, groupName);
      const [first] = await recorder.waitForEvents(2);
      if (first === undefined) throw new Error('missing event');
      await subscription.ack(first);

      // §3.14 Read step 6: an unacknowledged message is redelivered after message_timeout with retry_count + 1.
      const redelivered = await recorder.waitForEvent(
        (resolved) => idOf(resolved) === events[1]?.id && resolved.retryCount > 0,
        'the redelivery of the unacknowledged event',
      );
      expect(redelivered.retryCount).toBe(1);
      expect(recorder.events.filter((resolved) => idOf(resolved) === events[0]?.id)).toHaveLength(1);
    });

    test('updating a group drops its consumers; deleting it drops them and removes the group', async () => {
      const client = target().client();
      const stream = uniqueStream('ps-stream-lifecycle');
      const groupName = group();
      await client.createPersistentSubscriptionToStream(
        stream,
        groupName,
        persistentSubscriptionToStreamSettingsFromDefaults({ startFrom: START }),
      );

      const beforeUpdate = subscribe(stream, groupName).recorder;
      await beforeUpdate.waitForSignal('confirmation');
      await client.updatePersistentSubscriptionToStream(
        stream,
        groupName,
        persistentSubscriptionToStreamSettingsFromDefaults({ startFrom: START, maxRetryCount: 3 }),
      );
      // §3.14 Update: every connected consumer is dropped with CANCELLED persistent-subscription-dropped.
      const dropped = await beforeUpdate.waitForError();
      expect(dropped).toBeInstanceOf(PersistentSubscriptionDroppedError);
      expect((dropped as PersistentSubscriptionDroppedError).groupName).toBe(groupName);

      const beforeDelete = subscribe(stream, groupName).recorder;
      await beforeDelete.waitForSignal('confirmation');
      await client.deletePersistentSubscriptionToStream(stream, groupName);
      // §3.14 Delete: consumers are dropped the same way.
      expect(await beforeDelete.waitForError()).toBeInstanceOf(PersistentSubscriptionDroppedError);

      // §3.14 Read/Update/Delete: an unknown group → NOT_FOUND persistent-subscription-does-not-exist.
      const afterDelete = subscribe(stream, groupName).recorder;
      const missing = await afterDelete.waitForError();
      expect(missing).toBeInstanceOf(PersistentSubscriptionDoesNotExistError);
      expect((missing as PersistentSubscriptionDoesNotExistError).streamName).toBe(stream);
      expect(
        await rejectionOf(client.deletePersistentSubscriptionToStream(stream, groupName)),
      ).toBeInstanceOf(PersistentSubscriptionDoesNotExistError);
      expect(
        await rejectionOf(
          client.updatePersistentSubscriptionToStream(
            stream,
            groupName,
            persistentSubscriptionToStreamSettingsFromDefaults(),
          ),
        ),
      ).toBeInstanceOf(PersistentSubscriptionDoesNotExistError);
    });
  });

  describe('to $all', () => {
    /** Connects to the `$all` group and records what arrives. */
    function subscribe(groupName: string) {
      const recorder = track(new SubscriptionRecorder<AllEvent>());
      const subscription = recorder.attach(
        target().client().subscribeToPersistentSubscriptionToAll(groupName),
      );
      return { recorder, subscription };
    }

    /** Creates a `$all` group that sees only streams starting with `prefix`, from just before its events. */
    async function createFiltered(prefix: string, groupName: string) {
      const client = target().client();
      const start = positionOf(await client.appendToStream(uniqueStream('ps-all-marker'), makeEvents(1)));
      await client.createPersistentSubscriptionToAll(
        groupName,
        persistentSubscriptionToAllSettingsFromDefaults({ startFrom: start }),
        { filter: streamNameFilter({ prefixes: [prefix] }) },
      );
    }

    test('delivers matching events from the start position; nack retry increases retryCount', async () => {
      const client = target().client();
      const prefix = `ps-all-${randomUUID()}`;
      const groupName = group();
      await createFiltered(prefix, groupName);
      const first = makeEvents(2);
      const second = makeEvents(1);
      await client.appendToStream(`${prefix}-a`, first);
      await client.appendToStream(uniqueStream('ps-all-unrelated'), makeEvents(2));
      await client.appendToStream(`${prefix}-b`, second);

      const { recorder, subscription } = subscribe(groupName);
      const events = await recorder.waitForEvents(3);
      // §3.14 Read step 2: for `$all` the subscription id is `$all::<group>`.
      expect(subscription.id).toBe(`$all::${groupName}`);
      // §3.9/§3.14: only streams with the prefix, in log order, retry_count 0.
      expect(events.map(idOf)).toEqual([...first, ...second].map((event) => event.id));
      expect(events.map((resolved) => resolved.retryCount)).toEqual([0, 0, 0]);
      // §3.14 Read step 3: `$all` deliveries carry the event's log position.
      expect(events.every((resolved) => resolved.event?.position !== undefined)).toBe(true);

      const [retried, ...rest] = events;
      if (retried === undefined) throw new Error('missing event');
      await subscription.ack(...rest);
      await subscription.nack(RETRY, 'again', retried);
      const again = await recorder.waitForEvent(
        (resolved) => idOf(resolved) === idOf(retried) && resolved.retryCount === 1,
        'the retried event',
      );
      // §3.14 Read step 5: retried with retry_count + 1.
      expect(again.event?.streamId).toBe(`${prefix}-a`);
      await subscription.ack(again);

      const live = makeEvents(1);
      await client.appendToStream(`${prefix}-c`, live);
      await recorder.waitForEvent((resolved) => idOf(resolved) === live[0]?.id, 'the live event');
      expect(recorder.error).toBeUndefined();
    });

    test('update drops consumers, delete removes the group', async () => {
      const client = target().client();
      const prefix = `ps-all-lifecycle-${randomUUID()}`;
      const groupName = group();
      await createFiltered(prefix, groupName);

      const error = await rejectionOf(
        client.createPersistentSubscriptionToAll(
          groupName,
          persistentSubscriptionToAllSettingsFromDefaults(),
        ),
      );
      // §3.14 Create: an existing group → persistent-subscription-exists; `{stream}` is `$all` (§3.1.1).
      expect(error).toBeInstanceOf(PersistentSubscriptionExistsError);
      expect((error as PersistentSubscriptionExistsError).streamName).toBe('$all');

      const beforeUpdate = subscribe(groupName).recorder;
      await beforeUpdate.waitForSignal('confirmation');
      await client.updatePersistentSubscriptionToAll(
        groupName,
        persistentSubscriptionToAllSettingsFromDefaults({ maxRetryCount: 2 }),
      );
      // §3.14 Update: connected consumers are dropped.
      expect(await beforeUpdate.waitForError()).toBeInstanceOf(PersistentSubscriptionDroppedError);

      await client.deletePersistentSubscriptionToAll(groupName);
      const afterDelete = subscribe(groupName).recorder;
      // §3.14: an unknown group → persistent-subscription-does-not-exist.
      expect(await afterDelete.waitForError()).toBeInstanceOf(PersistentSubscriptionDoesNotExistError);
      expect(await rejectionOf(client.deletePersistentSubscriptionToAll(groupName))).toBeInstanceOf(
        PersistentSubscriptionDoesNotExistError,
      );
    });
  });
});

/**
 * Contract: catch-up subscriptions to `$all` (`subscribeToAll`) with the official client, over grpc-js (§3.8,
 * §3.9). Start points come from this test's own writes, and filters use names unique to the test, so the
 * assertions hold on a database with other traffic.
 */
import { randomUUID } from 'node:crypto';

import {
  END,
  eventTypeFilter,
  excludeSystemEvents,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
} from '@kurrent/kurrentdb-client';

import { MODES, makeEvents, positionOf, sleep, uniqueStream, useContractTarget, waitFor } from './harness.js';
import { SubscriptionRecorder, type Signal } from './subscription-recorder.js';

jest.setTimeout(30_000);

describe.each(MODES)('subscribeToAll (%s)', (mode) => {
  const target = useContractTarget(mode);
  const recorders: SubscriptionRecorder<AllStreamResolvedEvent>[] = [];

  afterEach(async () => {
    await Promise.allSettled(recorders.map((recorder) => recorder.stop()));
    recorders.length = 0;
  });

  function recorder(): SubscriptionRecorder<AllStreamResolvedEvent> {
    const created = new SubscriptionRecorder<AllStreamResolvedEvent>();
    recorders.push(created);
    return created;
  }

  function record(
    subscription: AllStreamSubscription,
    into = recorder(),
  ): SubscriptionRecorder<AllStreamResolvedEvent> {
    into.attach(subscription);
    return into;
  }

  const ids = (events: AllStreamResolvedEvent[]) => events.map((resolved) => resolved.event?.id);
  const checkpoints = (signals: Signal[]) =>
    signals.flatMap((signal) => (signal.kind === 'checkpoint' ? [signal] : []));

  test('fromPosition is exclusive: the event at the position is not delivered', async () => {
    const client = target().client();
    const stream = uniqueStream('sub-all-from');
    const history = makeEvents(3);
    const at = positionOf(await client.appendToStream(stream, history));

    const all = record(client.subscribeToAll({ fromPosition: at }));
    await all.waitForSignal('caughtUp');
    const live = makeEvents(2);
    await client.appendToStream(stream, live);
    await all.waitForEvent((resolved) => resolved.event?.id === live[1]?.id, 'the last live event');

    const ours = all.events.filter((resolved) => resolved.event?.streamId === stream);
    // §3.8: `position` P delivers events strictly after P, so the event written at P is left out.
    expect(ids(ours)).toEqual(live.map((event) => event.id));
    expect(all.events.every((resolved) => (resolved.event?.position.commit ?? -1n) > at.commit)).toBe(true);
    // §3.8 / §5 item 4: the confirmation comes first.
    expect(all.signals[0]?.kind).toBe('confirmation');
  });

  test('from the end, caughtUp comes at once and only new events are delivered', async () => {
    const client = target().client();
    const stream = uniqueStream('sub-all-end');
    await client.appendToStream(stream, makeEvents(2));

    const all = record(client.subscribeToAll({ fromPosition: END }));
    const caughtUp = await all.waitForSignal('caughtUp');
    // §3.8: from `end`, caught_up follows the confirmation immediately.
    expect(caughtUp).toEqual({ kind: 'caughtUp', eventsBefore: 0 });

    const live = makeEvents(1);
    await client.appendToStream(stream, live);
    await all.waitForEvent((resolved) => resolved.event?.id === live[0]?.id, 'the live event');
    // §3.8: only events appended after the subscription started.
    expect(ids(all.events.filter((resolved) => resolved.event?.streamId === stream))).toEqual([live[0]?.id]);
  });

  test('unfiltered, system events such as `$metadata` are delivered too', async () => {
    const client = target().client();
    const stream = uniqueStream('sub-all-system');
    const all = record(client.subscribeToAll({ fromPosition: END }));
    await all.waitForSignal('caughtUp');

    await client.setStreamMetadata(stream, { maxCount: 3 });
    const metadata = await all.waitForEvent(
      (resolved) => resolved.event?.streamId === `$$${stream}`,
      'the metadata event',
    );
    // §5 item 12 / §3.13: metadata writes are `$metadata` events in `$$<stream>`, visible in $all.
    expect(metadata.event?.type).toBe('$metadata');
  });

  describe('with a filter', () => {
    test('delivers only matching events, with a checkpoint at the end of catch-up before caughtUp', async () => {
      const client = target().client();
      const tag = `T${randomUUID().replace(/-/g, '')}`;
      const start = positionOf(await client.appendToStream(uniqueStream('sub-all-marker'), makeEvents(1)));
      const first = makeEvents(2, `${tag}-A`);
      await client.appendToStream(uniqueStream('sub-all-filter'), first);
      await client.appendToStream(uniqueStream('sub-all-filter'), makeEvents(3, `Other${tag}`));
      const second = makeEvents(1, `${tag}-B`);
      const lastMatch = positionOf(await client.appendToStream(uniqueStream('sub-all-filter'), second));

      const all = recorder();
      record(
        client.subscribeToAll({
          fromPosition: start,
          filter: eventTypeFilter({ prefixes: [tag], checkpointReached: all.checkpointReached }),
        }),
        all,
      );
      const caughtUp = await all.waitForSignal('caughtUp');

      // §3.9: only the events whose type starts with the prefix.
      expect(ids(all.events)).toEqual([...first, ...second].map((event) => event.id));
      expect(caughtUp).toEqual({ kind: 'caughtUp', eventsBefore: 3 });
      // §3.8 item 3 / §3.9: a checkpoint is always sent when catch-up reaches the end of the log, before
      // caught_up, at or after the last event delivered.
      const beforeCaughtUp = checkpoints(all.signals.slice(0, all.signals.indexOf(caughtUp)));
      const last = beforeCaughtUp[beforeCaughtUp.length - 1];
      expect(last).toBeDefined();
      expect(last?.eventsBefore).toBe(3);
      expect(last?.position.commit).toBeGreaterThanOrEqual(lastMatch.commit);

      const live = makeEvents(1, `${tag}-C`);
      await client.appendToStream(uniqueStream('sub-all-filter'), makeEvents(1, `Other${tag}`));
      await client.appendToStream(uniqueStream('sub-all-filter'), live);
      await all.waitForEvents(4);
      await sleep(100);
      // §3.9: live events are filtered the same way.
      expect(ids(all.events)).toEqual([...first, ...second, ...live].map((event) => event.id));
    });

    test('stream-name regex filters apply to the stream of each record', async () => {
      const client = target().client();
      const prefix = `sub-all-regex-${randomUUID()}`;
      const all = record(
        client.subscribeToAll({ fromPosition: END, filter: streamNameFilter({ regex: `^${prefix}-a$` }) }),
      );
      await all.waitForSignal('caughtUp');

      const wanted = makeEvents(2);
      await client.appendToStream(`${prefix}-b`, makeEvents(1));
      await client.appendToStream(`${prefix}-a`, wanted);
      await client.appendToStream(`${prefix}-aa`, makeEvents(1));
      await all.waitForEvents(2);
      await sleep(200);
      // §3.9: the regex is matched against the stream name; `^…$` anchors it.
      expect(ids(all.events)).toEqual(wanted.map((event) => event.id));
    });

    test('stream-name prefixes match streams starting with any of them, in catch-up and live', async () => {
      const client = target().client();
      const tag = randomUUID();
      const start = positionOf(await client.appendToStream(uniqueStream('sub-all-marker'), makeEvents(1)));
      const history = makeEvents(1);
      await client.appendToStream(`sub-all-prefix-a-${tag}`, history);
      await client.appendToStream(`sub-all-prefix-c-${tag}`, makeEvents(1));
      await client.appendToStream(`x-sub-all-prefix-a-${tag}`, makeEvents(1));

      const all = record(
        client.subscribeToAll({
          fromPosition: start,
          filter: streamNameFilter({ prefixes: [`sub-all-prefix-a-${tag}`, `sub-all-prefix-b-${tag}`] }),
        }),
      );
      await all.waitForSignal('caughtUp');
      const live = makeEvents(1);
      await client.appendToStream(`sub-all-prefix-b-${tag}-1`, live);
      await all.waitForEvents(2);
      await sleep(200);
      // §3.9: a record matches when its stream name starts with one of the prefixes; a name that merely
      // contains one (`x-…`) does not.
      expect(ids(all.events)).toEqual([...history, ...live].map((event) => event.id));
    });

    test('sends live checkpoints for records that do not match', async () => {
      const client = target().client();
      const tag = `T${randomUUID().replace(/-/g, '')}`;
      const all = recorder();
      record(
        client.subscribeToAll({
          fromPosition: END,
          // §3.9: interval = checkpointIntervalMultiplier × window = 1 × 1 record.
          filter: eventTypeFilter({
            prefixes: [tag],
            maxSearchWindow: 1,
            checkpointInterval: 1,
            checkpointReached: all.checkpointReached,
          }),
        }),
        all,
      );
      await all.waitForSignal('caughtUp');

      const unrelated = positionOf(
        await client.appendToStream(uniqueStream('sub-all-unrelated'), makeEvents(3, `Other${tag}`)),
      );
      // §3.9: while live, the service counts every committed event and sends a checkpoint every I events at
      // that event's position, so one reaches the last unrelated event even though none matched.
      const reached = () =>
        checkpoints(all.signals).some((signal) => signal.position.commit >= unrelated.commit);
      await waitFor(reached, 'a checkpoint at or after the unrelated events');
      expect(reached()).toBe(true);
      expect(all.events).toEqual([]);
    });

    test('excludeSystemEvents leaves out `$`-typed events', async () => {
      const client = target().client();
      const stream = uniqueStream('sub-all-exclude');
      const all = record(client.subscribeToAll({ fromPosition: END, filter: excludeSystemEvents() }));
      await all.waitForSignal('caughtUp');

      await client.setStreamMetadata(stream, { maxCount: 3 });
      const user = makeEvents(1);
      await client.appendToStream(stream, user);
      await all.waitForEvent((resolved) => resolved.event?.id === user[0]?.id, 'the user event');
      // §3.9: the client's regex `^[^$].*` on the event type excludes `$metadata`.
      expect(all.events.some((resolved) => resolved.event?.type.startsWith('$'))).toBe(false);
    });
  });
});

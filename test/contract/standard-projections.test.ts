/**
 * Contract: the standard projections seen through the official client. Against the emulator the node is started
 * with `runProjections: 'all'` and `startStandardProjections`; a real node must run with
 * `--run-projections=all --start-standard-projections=true`, so with `ESDB_URI` the suite runs only when
 * `ESDB_STANDARD_PROJECTIONS=1` says so.
 */
import { randomUUID } from 'node:crypto';

import { BACKWARDS, END, START, jsonEvent, type ResolvedEvent } from '@kurrent/kurrentdb-client';

import { MODES, collect, eventually, useContractTarget } from './harness.js';

jest.setTimeout(30_000);

const runs = process.env.ESDB_URI === undefined || process.env.ESDB_STANDARD_PROJECTIONS === '1';
const describeRunning = runs ? describe.each(MODES) : describe.skip.each(MODES);

describeRunning('standard projections (%s)', (mode) => {
  const target = useContractTarget(mode, { runProjections: 'all', startStandardProjections: true });

  test('$ce-<category> read with resolveLinks gives the events of every stream of the category', async () => {
    const client = target().client();
    // A category of its own, so that a real node's earlier runs do not show up.
    const category = `order${randomUUID().replace(/-/g, '')}`;
    await client.appendToStream(`${category}-1`, jsonEvent({ type: 'OrderPlaced', data: { n: 1 } }));
    await client.appendToStream(`${category}-2`, jsonEvent({ type: 'OrderPlaced', data: { n: 2 } }));
    const read = await eventually(
      () => collect(client.readStream(`$ce-${category}`, { resolveLinkTos: true })).catch(() => []),
      (events: ResolvedEvent[]) => events.length >= 2,
      `two events in $ce-${category}`,
    );
    expect(read.map((e) => [e.event?.streamId, e.event?.type, e.link?.streamId, e.link?.type])).toEqual([
      [`${category}-1`, 'OrderPlaced', `$ce-${category}`, '$>'],
      [`${category}-2`, 'OrderPlaced', `$ce-${category}`, '$>'],
    ]);
    // The client hands JSON metadata over parsed; the key order is the server's.
    const metadata = read[0]?.link?.metadata ?? {};
    expect(Object.keys(metadata)).toEqual(['$v', '$c', '$p', '$o', '$causedBy']);
    expect(metadata).toMatchObject({ $o: `${category}-1`, $causedBy: read[0]?.event?.id });
  });

  test('a subscription to $et-<type> with resolveLinks receives the events of that type', async () => {
    const client = target().client();
    const type = `OrderPlaced${randomUUID().replace(/-/g, '')}`;
    const stream = `order-${randomUUID()}`;
    const subscription = client.subscribeToStream(`$et-${type}`, {
      fromRevision: START,
      resolveLinkTos: true,
    });
    try {
      await client.appendToStream(stream, [
        jsonEvent({ type, data: { n: 1 } }),
        jsonEvent({ type, data: { n: 2 } }),
      ]);
      const received: ResolvedEvent[] = [];
      for await (const event of subscription) {
        received.push(event);
        if (received.length === 2) break;
      }
      expect(received.map((e) => [e.event?.streamId, e.event?.revision, e.link?.streamId])).toEqual([
        [stream, 0n, `$et-${type}`],
        [stream, 1n, `$et-${type}`],
      ]);
    } finally {
      await subscription.unsubscribe();
    }
  });
  test('Disable writes a checkpoint to $projections-<name>-checkpoint, whose metadata keeps two', async () => {
    const client = target().client();
    const category = `checked${randomUUID().replace(/-/g, '')}`;
    const appended = await client.appendToStream(`${category}-1`, jsonEvent({ type: 'Checked', data: {} }));
    await eventually(
      () => collect(client.readStream(`$ce-${category}`)).catch(() => []),
      (events: ResolvedEvent[]) => events.length >= 1,
      `the link in $ce-${category}`,
    );
    await client.disableProjection('$by_category');
    try {
      const stream = '$projections-$by_category-checkpoint';
      const [last] = await collect(
        client.readStream(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 1 }),
      );
      expect([last?.event?.type, last?.event?.isJson, last?.event?.data]).toEqual([
        '$ProjectionCheckpoint',
        true,
        [],
      ]);
      const tag = (last?.event?.metadata ?? {}) as Record<string, unknown>;
      expect(Object.keys(tag)).toEqual(['$v', '$c', '$p']);
      expect(tag.$v).toMatch(/^\d+:-1:\d+:4$/);
      // Where it stopped: at or after the event it linked, with commit and prepare positions equal.
      expect(BigInt(tag.$c as number)).toBeGreaterThanOrEqual(appended.position?.commit ?? 0n);
      expect(tag.$p).toBe(tag.$c);
      const { metadata } = await client.getStreamMetadata(stream);
      // One role each, so the server writes each as a string, which the client hands over as it is.
      expect(metadata).toEqual({
        maxCount: 2,
        acl: {
          readRoles: '$admins',
          writeRoles: '$admins',
          deleteRoles: '$admins',
          metaReadRoles: '$all',
          metaWriteRoles: '$admins',
        },
      });
    } finally {
      await client.enableProjection('$by_category');
    }
  });
});

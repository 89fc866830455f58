/**
 * Contract: the finer points of projections (docs/protocol.md §3.17.2–§3.17.8), through the official client:
 * `$created` handlers, the shared state of a bi-state query, who a projection runs as, a checkpoint stream
 * written to from outside, the standard projections' counters, their Reset, and the `$by_category` rule set by
 * an Update of its query. Against the emulator the node runs `runProjections: 'all'` with the standard
 * projections started; with `ESDB_URI` the suite runs only when `ESDB_STANDARD_PROJECTIONS=1` says the node
 * does too.
 */
import { randomUUID } from 'node:crypto';

import { jsonEvent, type KurrentDBClient, type ResolvedEvent } from '@kurrent/kurrentdb-client';

import { MODES, collect, eventually, makeEvents, useContractTarget } from './harness.js';

jest.setTimeout(60_000);

const runs = process.env.ESDB_URI === undefined || process.env.ESDB_STANDARD_PROJECTIONS === '1';
const describeRunning = runs ? describe.each(MODES) : describe.skip.each(MODES);
const projectionOptions = { runProjections: 'all', startStandardProjections: true } as const;

/** A category (and so a name part) no other test, or earlier run against the same node, uses. */
const uniqueCategory = (): string => `order${randomUUID().replace(/-/g, '')}`;

/** The state of `name` (of `partition`) once `accept` holds. */
function stateOnce<T>(
  client: KurrentDBClient,
  name: string,
  accept: (state: T) => boolean,
  partition?: string,
): Promise<T> {
  return eventually(
    () => client.getProjectionState<T>(name, partition === undefined ? {} : { partition }),
    accept,
    `the state of ${name}`,
  );
}

/** The stream's events, resolving links; none while it does not exist yet. */
function eventsOf(client: KurrentDBClient, stream: string): Promise<ResolvedEvent[]> {
  return collect(client.readStream(stream, { resolveLinkTos: true })).catch(() => []);
}

describeRunning('projection fidelity (%s)', (mode) => {
  const target = useContractTarget(mode, projectionOptions);

  test('$created runs once for each new partition, before the handler of its first event', async () => {
    const client = target().client();
    const category = uniqueCategory();
    const name = `created-${category}`;
    await client.createProjection(
      name,
      `fromCategory('${category}').foreachStream().when({
        $init: () => ({ created: 0, placed: 0 }),
        $created: (state) => { state.created += 1; },
        OrderPlaced: (state) => { state.placed += 1; }
      })`,
    );
    await client.appendToStream(`${category}-1`, makeEvents(2, 'OrderPlaced'));
    await client.appendToStream(`${category}-2`, makeEvents(1, 'OrderPlaced'));
    type Counts = { created?: number; placed?: number };
    expect(await stateOnce<Counts>(client, name, (s) => s.placed === 2, `${category}-1`)).toEqual({
      created: 1,
      placed: 2,
    });
    expect(await stateOnce<Counts>(client, name, (s) => s.placed === 1, `${category}-2`)).toEqual({
      created: 1,
      placed: 1,
    });
  });

  test('a bi-state query: the shared state is partition "", each stream sees it as it was', async () => {
    const client = target().client();
    const category = uniqueCategory();
    const name = `bistate-${category}`;
    await client.createProjection(
      name,
      `fromCategory('${category}').foreachStream().when({
        $init: () => ({ n: 0 }),
        $initShared: () => ({ total: 0 }),
        E: function (s) { s[1].total++; s[0].n++; s[0].seenTotal = s[1].total; return s; }
      })`,
    );
    await client.appendToStream(`${category}-1`, makeEvents(1, 'E'));
    await client.appendToStream(`${category}-2`, makeEvents(1, 'E'));
    type Total = { total?: number };
    expect(await stateOnce<Total>(client, name, (s) => s.total === 2, '')).toEqual({ total: 2 });
    type Seen = { n?: number; seenTotal?: number };
    expect(await stateOnce<Seen>(client, name, (s) => s.n === 1, `${category}-2`)).toEqual({
      n: 1,
      seenTotal: 2,
    });
  });

  test('the definition records who created the projection (runAs)', async () => {
    const client = target().client();
    const name = `runas-${uniqueCategory()}`;
    await client.createProjection(name, `fromAll().when({ $init: () => ({}) })`);
    const [definition] = await collect(client.readStream(`$projections-${name}`, { maxCount: 1 }));
    const role = 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role';
    expect((definition?.event?.data as { runAs?: unknown }).runAs).toEqual(
      mode === 'secure' ? { name: 'admin', roles: [`${role}$$$$admins`] } : { name: '$system' },
    );
  });

  test('a checkpoint stream written to from outside faults the projection at its next checkpoint', async () => {
    const client = target().client();
    const category = uniqueCategory();
    const name = `ticks-${category}`;
    await client.createProjection(
      name,
      `fromCategory('${category}').when({ $init: () => ({ n: 0 }), Ticked: (s) => { s.n += 1; } })`,
    );
    await client.appendToStream(`${category}-1`, makeEvents(1, 'Ticked'));
    await stateOnce<{ n?: number }>(client, name, (s) => s.n === 1);
    await client.disableProjection(name);
    await client.appendToStream(`$projections-${name}-checkpoint`, jsonEvent({ type: 'Intruder', data: {} }));
    await client.enableProjection(name);
    // Enough for the next checkpoint (4000 handled events).
    await client.appendToStream(`${category}-1`, makeEvents(4000, 'Ticked'));
    const status = await eventually(
      () => client.getProjectionStatus(name),
      (details) => details.status.startsWith('Faulted'),
      `${name} faulted`,
    );
    expect([status.status, status.stateReason]).toEqual([
      'Faulted (Enabled)',
      `Checkpoint stream \`$projections-${name}-checkpoint\` has been written to from the outside`,
    ]);
  });

  test('a standard projection counts the events it handles', async () => {
    const client = target().client();
    const before = (await client.getProjectionStatus('$by_event_type')).eventsProcessedAfterRestart;
    await client.appendToStream(`${uniqueCategory()}-1`, makeEvents(3));
    const status = await eventually(
      () => client.getProjectionStatus('$by_event_type'),
      (details) => details.eventsProcessedAfterRestart >= before + 3n,
      '$by_event_type to count three events',
    );
    expect(status.eventsProcessedAfterRestart).toBe(before + 3n);
  });

  test('Reset of $by_category writes its links again, the old ones hidden: each event is there once', async () => {
    const client = target().client();
    const category = uniqueCategory();
    await client.appendToStream(`${category}-1`, makeEvents(2, 'OrderPlaced'));
    await eventually(
      () => eventsOf(client, `$ce-${category}`),
      (e) => e.length === 2,
      `$ce-${category}`,
    );
    await client.resetProjection('$by_category');
    await client.appendToStream(`${category}-2`, makeEvents(1, 'OrderPlaced'));
    const read = await eventually(
      () => eventsOf(client, `$ce-${category}`),
      (events) => events.some((e) => e.event?.streamId === `${category}-2`),
      `$ce-${category} after the reset`,
    );
    expect(read.map((e) => e.event?.streamId)).toEqual([`${category}-1`, `${category}-1`, `${category}-2`]);
    expect(read[0]?.link?.revision).toBeGreaterThanOrEqual(2n);
  });
});

describeRunning('$by_category configured by its query (%s)', (mode) => {
  const target = useContractTarget(mode, projectionOptions);

  test('an Update to "last" and "_" makes the category the part before the last underscore', async () => {
    const client = target().client();
    await client.updateProjection('$by_category', 'last\r\n_');
    const category = `${uniqueCategory()}_a`;
    await client.appendToStream(`${category}_1`, makeEvents(1, 'Placed'));
    const read = await eventually(
      () => eventsOf(client, `$ce-${category}`),
      (events) => events.length === 1,
      `$ce-${category}`,
    );
    expect(read.map((e) => e.event?.streamId)).toEqual([`${category}_1`]);
  });
});

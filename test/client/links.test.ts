// `$>` links against a server, in insecure and secure mode: readStreamEvents and readAllEvents with and without
// resolveLinks (the target with its link, the link record itself, links whose target is gone), and
// readAllEvents' filterByStreamName. Links are made as the server's projections write them: events of type
// `$>` whose data is `<eventNumber>@<streamName>` (docs/protocol.md §3.13).
import { EsdbClient, NewEvent, RecordedEvent } from '../../src/client/index.js';
import { MODES, textOf, uniqueStream, useClientTarget, utf8 } from './support/target.js';

const linkTo = (eventNumber: bigint | number, streamName: string): NewEvent =>
  new NewEvent({ type: '$>', data: utf8(`${eventNumber}@${streamName}`) });

/** Appends `events` to a new stream, one append each, and returns their commit positions. */
async function appendEach(client: EsdbClient, streamName: string, events: NewEvent[]): Promise<bigint[]> {
  const positions: bigint[] = [];
  for (const [index, event] of events.entries()) {
    positions.push(
      await client.appendEvents({
        streamName,
        expectedPosition: index - 1 < 0 ? null : index - 1,
        events: [event],
      }),
    );
  }
  return positions;
}

/** A target stream of two events and a link stream of links to event 1, then event 0. */
async function linkedStreams(client: EsdbClient): Promise<{
  targetName: string;
  linksName: string;
  targetPositions: bigint[];
  linkPositions: bigint[];
}> {
  const targetName = uniqueStream('target');
  const linksName = uniqueStream('links');
  const targetPositions = await appendEach(client, targetName, [
    new NewEvent({ type: 'OrderCreated', data: utf8('data1') }),
    new NewEvent({ type: 'OrderShipped', data: utf8('data2'), metadata: utf8('{"m":2}') }),
  ]);
  const linkPositions = await appendEach(client, linksName, [linkTo(1, targetName), linkTo(0, targetName)]);
  return { targetName, linksName, targetPositions, linkPositions };
}

const fieldsOf = (event: RecordedEvent | undefined): unknown[] => [
  event?.type,
  event?.streamName,
  event?.streamPosition,
  event?.commitPosition,
  event === undefined ? undefined : textOf(event.data),
];

describe.each(MODES)('links (%s)', (mode) => {
  const target = useClientTarget(mode);

  test('readStreamEvents with resolveLinks gives each target, with its link', async () => {
    const client = target().client();
    const { targetName, linksName, targetPositions, linkPositions } = await linkedStreams(client);
    const originals = await client.readStreamEvents({ streamName: targetName }).toArray();
    const events = await client.readStreamEvents({ streamName: linksName, resolveLinks: true }).toArray();
    expect(events.map(fieldsOf)).toEqual([
      ['OrderShipped', targetName, 1n, targetPositions[1], 'data2'],
      ['OrderCreated', targetName, 0n, targetPositions[0], 'data1'],
    ]);
    expect(events.map((event) => event.id)).toEqual([originals[1]?.id, originals[0]?.id]);
    expect(textOf(events[0]?.metadata ?? utf8('x'))).toBe('{"m":2}');
    expect(events.map((event) => fieldsOf(event.link))).toEqual([
      ['$>', linksName, 0n, linkPositions[0], `1@${targetName}`],
      ['$>', linksName, 1n, linkPositions[1], `0@${targetName}`],
    ]);
    const link = events[0]?.link;
    expect(link).toBeInstanceOf(RecordedEvent);
    expect(link?.id).not.toBe(events[0]?.id);
    expect(link?.contentType).toBe('application/octet-stream');
    expect(link?.link).toBeUndefined();
    // Backwards, and with a limit, the links are resolved the same way.
    const last = await client
      .readStreamEvents({ streamName: linksName, resolveLinks: true, backwards: true, limit: 1 })
      .toArray();
    expect(last.map((event) => [event.type, event.link?.streamPosition])).toEqual([['OrderCreated', 1n]]);
  });

  test('readStreamEvents without resolveLinks gives the link records themselves', async () => {
    const client = target().client();
    const { targetName, linksName, linkPositions } = await linkedStreams(client);
    for (const resolveLinks of [undefined, false]) {
      const events = await client.readStreamEvents({ streamName: linksName, resolveLinks }).toArray();
      expect(events.map(fieldsOf)).toEqual([
        ['$>', linksName, 0n, linkPositions[0], `1@${targetName}`],
        ['$>', linksName, 1n, linkPositions[1], `0@${targetName}`],
      ]);
      expect(events.map((event) => event.link)).toEqual([undefined, undefined]);
    }
  });

  test('non-link events of a stream read with resolveLinks have no link', async () => {
    const client = target().client();
    const { targetName } = await linkedStreams(client);
    const events = await client.readStreamEvents({ streamName: targetName, resolveLinks: true }).toArray();
    expect(events.map((event) => [event.type, event.link])).toEqual([
      ['OrderCreated', undefined],
      ['OrderShipped', undefined],
    ]);
  });

  test.each([
    ['soft-deleted', 'deleteStream'],
    ['tombstoned', 'tombstoneStream'],
  ] as const)(
    'a link into a %s stream is returned itself, and counts towards the limit',
    async (_, remove) => {
      const client = target().client();
      const { targetName, linksName, linkPositions } = await linkedStreams(client);
      await client[remove]({ streamName: targetName });
      const events = await client.readStreamEvents({ streamName: linksName, resolveLinks: true }).toArray();
      expect(events.map(fieldsOf)).toEqual([
        ['$>', linksName, 0n, linkPositions[0], `1@${targetName}`],
        ['$>', linksName, 1n, linkPositions[1], `0@${targetName}`],
      ]);
      expect(events.map((event) => event.link)).toEqual([undefined, undefined]);
      const first = await client
        .readStreamEvents({ streamName: linksName, resolveLinks: true, limit: 1 })
        .toArray();
      expect(first.map((event) => event.streamPosition)).toEqual([0n]);
    },
  );

  test('a link to an event past the end of its stream is returned itself', async () => {
    const client = target().client();
    const { targetName } = await linkedStreams(client);
    const linksName = uniqueStream('links');
    await appendEach(client, linksName, [linkTo(5, targetName), linkTo(0, targetName)]);
    const events = await client.readStreamEvents({ streamName: linksName, resolveLinks: true }).toArray();
    expect(events.map((event) => [event.type, event.streamName, event.link?.streamPosition])).toEqual([
      ['$>', linksName, undefined],
      ['OrderCreated', targetName, 1n],
    ]);
  });

  test('readAllEvents with resolveLinks resolves the links its filter lets through', async () => {
    const client = target().client();
    const { targetName, linksName, targetPositions, linkPositions } = await linkedStreams(client);
    const start = linkPositions[0];
    // The filter matches the records as stored: the links' stream name (§3.9).
    const byLinkStream = { commitPosition: start, filterByStreamName: true, filterInclude: [linksName] };
    const resolved = await client.readAllEvents({ ...byLinkStream, resolveLinks: true }).toArray();
    expect(resolved.map(fieldsOf)).toEqual([
      ['OrderShipped', targetName, 1n, targetPositions[1], 'data2'],
      ['OrderCreated', targetName, 0n, targetPositions[0], 'data1'],
    ]);
    expect(resolved.map((event) => [event.link?.streamName, event.link?.commitPosition])).toEqual([
      [linksName, linkPositions[0]],
      [linksName, linkPositions[1]],
    ]);
    const unresolved = await client.readAllEvents(byLinkStream).toArray();
    expect(unresolved.map((event) => [event.type, event.commitPosition, event.link])).toEqual([
      ['$>', linkPositions[0], undefined],
      ['$>', linkPositions[1], undefined],
    ]);
    // The default filter leaves out system event types, `$>` links included, resolved or not.
    const byType = await client.readAllEvents({ commitPosition: start, resolveLinks: true }).toArray();
    expect(byType.filter((event) => event.link !== undefined || event.streamName === linksName)).toEqual([]);
  });
});

describe.each(MODES)('readAllEvents filterByStreamName (%s)', (mode) => {
  const target = useClientTarget(mode);

  /** Three streams: two ordinary ones and a system stream; returns their names and the first position. */
  async function threeStreams(client: EsdbClient) {
    const first = uniqueStream('alpha');
    const second = uniqueStream('beta');
    const system = `$${uniqueStream('sys')}`;
    const start = await client.appendEvents({
      streamName: first,
      expectedPosition: null,
      events: [
        new NewEvent({ type: 'Opened', data: utf8('a0') }),
        new NewEvent({ type: '$custom', data: utf8('a1') }),
      ],
    });
    await client.appendEvents({
      streamName: second,
      expectedPosition: null,
      events: [new NewEvent({ type: 'Opened', data: utf8('b0') })],
    });
    await client.appendEvents({
      streamName: system,
      expectedPosition: null,
      events: [new NewEvent({ type: 'Opened', data: utf8('s0') })],
    });
    // The first append reports its last event: start from the event before it, the first of the stream.
    const [opened] = await client.readStreamEvents({ streamName: first, limit: 1 }).toArray();
    return { first, second, system, start: opened?.commitPosition ?? start };
  }

  const dataOf = (events: readonly RecordedEvent[], names: readonly string[]): string[] =>
    events.filter((event) => names.includes(event.streamName)).map((event) => textOf(event.data));

  test('filterInclude matches whole stream names', async () => {
    const client = target().client();
    const { first, second, system, start } = await threeStreams(client);
    const events = await client
      .readAllEvents({ commitPosition: start, filterByStreamName: true, filterInclude: [first] })
      .toArray();
    expect(events.map((event) => textOf(event.data))).toEqual(['a0', 'a1']);
    // Whole names only: a prefix of the name matches nothing.
    const prefix = await client
      .readAllEvents({ commitPosition: start, filterByStreamName: true, filterInclude: [first.slice(0, 10)] })
      .toArray();
    expect(prefix).toEqual([]);
    const both = await client
      .readAllEvents({
        commitPosition: start,
        filterByStreamName: true,
        filterInclude: [`${first}|${second}`],
      })
      .toArray();
    expect(dataOf(both, [first, second, system])).toEqual(['a0', 'a1', 'b0']);
  });

  test('filterExclude leaves out streams by name; the default leaves out system streams', async () => {
    const client = target().client();
    const { first, second, system, start } = await threeStreams(client);
    const names = [first, second, system];
    const withoutFirst = await client
      .readAllEvents({ commitPosition: start, filterByStreamName: true, filterExclude: [first] })
      .toArray();
    expect(dataOf(withoutFirst, names)).toEqual(['b0', 's0']);
    // By stream name, the default exclusion keeps the `$custom` event type but not the `$` stream.
    const byName = await client.readAllEvents({ commitPosition: start, filterByStreamName: true }).toArray();
    expect(dataOf(byName, names)).toEqual(['a0', 'a1', 'b0']);
    expect(byName.every((event) => !event.streamName.startsWith('$'))).toBe(true);
    // By event type (the default), it is the other way round.
    const byType = await client.readAllEvents({ commitPosition: start }).toArray();
    expect(dataOf(byType, names)).toEqual(['a0', 'b0', 's0']);
  });
});

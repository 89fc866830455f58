// readStreamEvents against a server, in insecure and secure mode: the seed README's stream reads (order,
// inclusive positions both ways, limits, missing streams) and the streaming result (async iteration, toArray,
// early exit).
import { EsdbClient, NewEvent, RecordedEvent, StreamNotFoundError } from '../../src/client/index.js';
import { MODES, rejectionOf, textOf, uniqueStream, useClientTarget, utf8 } from './support/target.js';

describe.each(MODES)('readStreamEvents (%s)', (mode) => {
  const target = useClientTarget(mode);

  /** A stream with the seed's three events: OrderCreated/data1, OrderUpdated/data2, OrderDeleted/data3. */
  async function seedStream(client: EsdbClient): Promise<string> {
    const streamName = uniqueStream();
    await client.appendEvents({
      streamName,
      expectedPosition: null,
      events: [
        new NewEvent({ type: 'OrderCreated', data: utf8('data1'), metadata: utf8('{}') }),
        new NewEvent({ type: 'OrderUpdated', data: utf8('data2'), metadata: utf8('{}') }),
        new NewEvent({ type: 'OrderDeleted', data: utf8('data3'), metadata: utf8('{}') }),
      ],
    });
    return streamName;
  }

  const summary = (events: readonly RecordedEvent[]): [bigint, string, string][] =>
    events.map((event) => [event.streamPosition, event.type, textOf(event.data)]);

  test('reads the whole stream forwards, in the order appended', async () => {
    const client = target().client();
    const streamName = await seedStream(client);
    const events = await client.readStreamEvents({ streamName }).toArray();
    expect(events.every((event) => event.streamName === streamName)).toBe(true);
    expect(summary(events)).toEqual([
      [0n, 'OrderCreated', 'data1'],
      [1n, 'OrderUpdated', 'data2'],
      [2n, 'OrderDeleted', 'data3'],
    ]);
  });

  test('is an async iterable', async () => {
    const client = target().client();
    const streamName = await seedStream(client);
    const types: string[] = [];
    for await (const event of client.readStreamEvents({ streamName })) types.push(event.type);
    expect(types).toEqual(['OrderCreated', 'OrderUpdated', 'OrderDeleted']);
  });

  test('forwards from a position includes the event at that position', async () => {
    const client = target().client();
    const streamName = await seedStream(client);
    const events = await client.readStreamEvents({ streamName, position: 1 }).toArray();
    expect(summary(events)).toEqual([
      [1n, 'OrderUpdated', 'data2'],
      [2n, 'OrderDeleted', 'data3'],
    ]);
  });

  test('backwards from the end returns the events in reverse order', async () => {
    const client = target().client();
    const streamName = await seedStream(client);
    const events = await client.readStreamEvents({ streamName, backwards: true }).toArray();
    expect(summary(events)).toEqual([
      [2n, 'OrderDeleted', 'data3'],
      [1n, 'OrderUpdated', 'data2'],
      [0n, 'OrderCreated', 'data1'],
    ]);
  });

  test('limit caps the number of events', async () => {
    const client = target().client();
    const streamName = await seedStream(client);
    const events = await client.readStreamEvents({ streamName, limit: 2 }).toArray();
    expect(summary(events)).toEqual([
      [0n, 'OrderCreated', 'data1'],
      [1n, 'OrderUpdated', 'data2'],
    ]);
    expect(await client.readStreamEvents({ streamName, limit: 0 }).toArray()).toEqual([]);
  });

  test('backwards from a position includes the event at that position', async () => {
    const client = target().client();
    const streamName = await seedStream(client);
    const events = await client
      .readStreamEvents({ streamName, position: 2, backwards: true, limit: 1 })
      .toArray();
    expect(summary(events)).toEqual([[2n, 'OrderDeleted', 'data3']]);
    const fromMiddle = await client.readStreamEvents({ streamName, position: 1n, backwards: true }).toArray();
    expect(summary(fromMiddle).map(([position]) => position)).toEqual([1n, 0n]);
  });

  test('reading a stream that does not exist throws StreamNotFoundError when iterated', async () => {
    const client = target().client();
    const streamName = uniqueStream();
    const result = client.readStreamEvents({ streamName }); // nothing is sent yet
    const error = await rejectionOf(result.toArray());
    expect(error).toBeInstanceOf(StreamNotFoundError);
    expect((error as StreamNotFoundError).streamName).toBe(streamName);
    await expect(
      (async () => {
        for await (const event of result) throw new Error(`unexpected ${event.type}`);
      })(),
    ).rejects.toBeInstanceOf(StreamNotFoundError);
  });

  test('a soft-deleted stream reads as not found, and getStreamPosition is then null', async () => {
    const client = target().client();
    const streamName = await seedStream(client);
    await client.deleteStream({ streamName });
    await expect(client.readStreamEvents({ streamName }).toArray()).rejects.toBeInstanceOf(
      StreamNotFoundError,
    );
    expect(await client.getStreamPosition({ streamName })).toBeNull();
    // As getStreamPosition says, the stream can be appended to as a new one; its positions continue (§3.2).
    await client.appendEvents({
      streamName,
      expectedPosition: null,
      events: [new NewEvent({ type: 'Again', data: utf8('4') })],
    });
    expect(await client.getStreamPosition({ streamName })).toBe(3n);
  });

  test('each iteration runs the read afresh', async () => {
    const client = target().client();
    const streamName = await seedStream(client);
    const result = client.readStreamEvents({ streamName });
    expect(await result.toArray()).toHaveLength(3);
    await client.appendEvents({
      streamName,
      expectedPosition: 2,
      events: [new NewEvent({ type: 'More', data: utf8('4') })],
    });
    expect(await result.toArray()).toHaveLength(4);
  });

  test('breaking out of the loop ends the read, and the client stays usable', async () => {
    const client = target().client();
    const streamName = uniqueStream();
    const events = Array.from(
      { length: 500 },
      (_, index) => new NewEvent({ type: 'Many', data: utf8(String(index)) }),
    );
    await client.appendEvents({ streamName, expectedPosition: null, events });
    let seen = 0;
    for await (const event of client.readStreamEvents({ streamName })) {
      seen += 1;
      if (event.streamPosition === 9n) break;
    }
    expect(seen).toBe(10);
    expect(await client.getStreamPosition({ streamName })).toBe(499n);
  });

  test('a long stream streams through in order', async () => {
    const client = target().client();
    const streamName = uniqueStream();
    for (let batch = 0; batch < 5; batch += 1) {
      const events = Array.from(
        { length: 1000 },
        (_, index) => new NewEvent({ type: 'Bulk', data: utf8(String(batch * 1000 + index)) }),
      );
      await client.appendEvents({ streamName, expectedPosition: -1, events });
    }
    let count = 0n;
    let outOfOrder = 0;
    for await (const event of client.readStreamEvents({ streamName })) {
      if (event.streamPosition !== count || textOf(event.data) !== String(count)) outOfOrder += 1;
      count += 1n;
    }
    expect(outOfOrder).toBe(0);
    expect(count).toBe(5000n);
  }, 30_000);
});

// deleteStream and tombstoneStream against a server, in insecure and secure mode: what reads and appends see
// afterwards, expected positions, the typed errors, the commit positions returned. Bad input: the scripted
// server at the end sees no call.
import {
  EsdbClient,
  ExpectedPositionError,
  NewEvent,
  StreamDeletedError,
  StreamNotFoundError,
} from '../../src/client/index.js';
import { useRefusingClient } from './support/refusing-client.js';
import { MODES, rejectionOf, textOf, uniqueStream, useClientTarget, utf8 } from './support/target.js';

const event = (data: string): NewEvent => new NewEvent({ type: 'Numbered', data: utf8(data) });

/** A new stream holding events "0", "1", ... */
async function streamWith(client: EsdbClient, count: number): Promise<string> {
  const streamName = uniqueStream('deletable');
  const events = Array.from({ length: count }, (_, index) => event(String(index)));
  await client.appendEvents({ streamName, expectedPosition: null, events });
  return streamName;
}

describe.each(MODES)('deleteStream (%s)', (mode) => {
  const target = useClientTarget(mode);

  test('a deleted stream reads as missing; the commit position is that of the mark in its metastream', async () => {
    const client = target().client();
    const streamName = await streamWith(client, 3);
    const lastAppend = await client.getCommitPosition();
    const commitPosition = await client.deleteStream({ streamName });
    expect(commitPosition).toBeGreaterThan(lastAppend);
    await expect(client.readStreamEvents({ streamName }).toArray()).rejects.toBeInstanceOf(
      StreamNotFoundError,
    );
    expect(await client.getStreamPosition({ streamName })).toBeNull();
    const [mark] = await client.readStreamEvents({ streamName: `$$${streamName}` }).toArray();
    expect(mark?.type).toBe('$metadata');
    expect(mark?.commitPosition).toBe(commitPosition);
  });

  test('appending to a deleted stream brings it back: positions continue, the old events stay hidden', async () => {
    const client = target().client();
    const streamName = await streamWith(client, 3);
    await client.deleteStream({ streamName, expectedPosition: 2 });
    await client.appendEvents({ streamName, expectedPosition: null, events: [event('again')] });
    const events = await client.readStreamEvents({ streamName }).toArray();
    expect(events.map((recorded) => [recorded.streamPosition, textOf(recorded.data)])).toEqual([
      [3n, 'again'],
    ]);
    expect(await client.getStreamPosition({ streamName })).toBe(3n);
  });

  test('a wrong expectedPosition is an ExpectedPositionError and deletes nothing', async () => {
    const client = target().client();
    const streamName = await streamWith(client, 2);
    const error = await rejectionOf(client.deleteStream({ streamName, expectedPosition: 0n }));
    expect(error).toBeInstanceOf(ExpectedPositionError);
    expect(error).toMatchObject({ streamName, expectedPosition: 0n, actualPosition: 1n });
    const noStream = await rejectionOf(client.deleteStream({ streamName, expectedPosition: null }));
    expect(noStream).toMatchObject({ expectedPosition: null, actualPosition: 1n });
    expect(await client.readStreamEvents({ streamName }).toArray()).toHaveLength(2);
  });

  test('a stream that does not exist cannot be deleted: StreamNotFoundError, whatever is expected', async () => {
    const client = target().client();
    for (const expectedPosition of [undefined, -1, 0, null]) {
      const streamName = uniqueStream('never');
      const error = await rejectionOf(client.deleteStream({ streamName, expectedPosition }));
      expect(error).toBeInstanceOf(StreamNotFoundError);
      expect(error).toMatchObject({ streamName });
    }
  });

  test('a tombstoned stream cannot be deleted', async () => {
    const client = target().client();
    const streamName = await streamWith(client, 1);
    await client.tombstoneStream({ streamName });
    await expect(client.deleteStream({ streamName })).rejects.toBeInstanceOf(StreamDeletedError);
  });
});

describe.each(MODES)('tombstoneStream (%s)', (mode) => {
  const target = useClientTarget(mode);

  test('a tombstoned stream can be neither read, appended to, nor tombstoned again', async () => {
    const client = target().client();
    const streamName = await streamWith(client, 2);
    const commitPosition = await client.tombstoneStream({ streamName, expectedPosition: 1 });
    const read = await rejectionOf(client.readStreamEvents({ streamName }).toArray());
    expect(read).toBeInstanceOf(StreamDeletedError);
    expect(read).toMatchObject({ streamName });
    const append = client.appendEvents({ streamName, expectedPosition: -1, events: [event('x')] });
    await expect(append).rejects.toBeInstanceOf(StreamDeletedError);
    await expect(client.tombstoneStream({ streamName })).rejects.toBeInstanceOf(StreamDeletedError);
    // The tombstone is an event of the stream itself, in the log at the position returned.
    const [tombstone] = await client
      .readAllEvents({ backwards: true, limit: 1, filterByStreamName: true, filterInclude: [streamName] })
      .toArray();
    expect(tombstone?.type).toBe('$streamDeleted');
    expect(tombstone?.commitPosition).toBe(commitPosition);
  });

  test('a stream that never existed can be tombstoned, which reserves its name', async () => {
    const client = target().client();
    const streamName = uniqueStream('reserved');
    const otherName = uniqueStream('reserved');
    expect(typeof (await client.tombstoneStream({ streamName }))).toBe('bigint');
    expect(typeof (await client.tombstoneStream({ streamName: otherName, expectedPosition: null }))).toBe(
      'bigint',
    );
    const append = client.appendEvents({ streamName, expectedPosition: null, events: [event('x')] });
    await expect(append).rejects.toBeInstanceOf(StreamDeletedError);
  });

  test('a wrong expectedPosition is an ExpectedPositionError; a position of a missing stream, not found', async () => {
    const client = target().client();
    const streamName = await streamWith(client, 1);
    const error = await rejectionOf(client.tombstoneStream({ streamName, expectedPosition: 5 }));
    expect(error).toBeInstanceOf(ExpectedPositionError);
    expect(error).toMatchObject({ expectedPosition: 5n, actualPosition: 0n });
    expect(await client.readStreamEvents({ streamName }).toArray()).toHaveLength(1);
    const missing = uniqueStream('never');
    const notFound = await rejectionOf(client.tombstoneStream({ streamName: missing, expectedPosition: 0 }));
    expect(notFound).toBeInstanceOf(StreamNotFoundError);
  });
});

describe('bad input to deleteStream and tombstoneStream', () => {
  const client = useRefusingClient();

  test.each([
    ['deleteStream', { streamName: '' }, TypeError, /^deleteStream: streamName must not be empty/],
    ['deleteStream', { streamName: 7 }, TypeError, /^deleteStream: streamName must be a string/],
    [
      'deleteStream',
      { streamName: 's', expectedPosition: '1' },
      TypeError,
      /expectedPosition must be a number/,
    ],
    [
      'deleteStream',
      { streamName: 's', expectedPosition: 1.5 },
      TypeError,
      /expectedPosition must be an integer/,
    ],
    [
      'deleteStream',
      { streamName: 's', expectedPosition: 2n ** 64n },
      RangeError,
      /expectedPosition must be at/,
    ],
    ['deleteStream', { streamName: 's', hard: true }, TypeError, /^deleteStream: unknown option 'hard'/],
    ['deleteStream', { streamName: 's', timeout: -1 }, RangeError, /^deleteStream: timeout must be positive/],
    ['tombstoneStream', { streamName: '' }, TypeError, /^tombstoneStream: streamName must not be empty/],
    ['tombstoneStream', { streamName: 's', expectedPosition: {} }, TypeError, /^tombstoneStream: expected/],
    ['tombstoneStream', { streamName: 's', signal: 1 }, TypeError, /^tombstoneStream: signal must be an/],
  ] as const)('%s(%p) is refused', async (method, options, errorClass, message) => {
    const call = client()[method](options as unknown as Parameters<EsdbClient[typeof method]>[0]);
    const error = await rejectionOf(call);
    expect(error).toBeInstanceOf(errorClass);
    expect((error as Error).message).toMatch(message);
  });

  test('the options are required', async () => {
    const call = client().deleteStream(undefined as unknown as { streamName: string });
    await expect(call).rejects.toThrow(/^deleteStream: the options must be an object/);
  });
});

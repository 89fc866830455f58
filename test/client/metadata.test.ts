// getStreamMetadata and setStreamMetadata against a server, in insecure and secure mode: round trips, the JSON
// on the wire, optimistic concurrency on the metastream, what $maxCount, $tb and $maxAge do to reads, soft
// deletes, tombstones, and (secure) access-control lists. Bad input: metadata-checks.test.ts.
import {
  AccessDeniedError,
  EsdbClient,
  ExpectedPositionError,
  NewEvent,
  StreamDeletedError,
  type StreamMetadata,
} from '../../src/client/index.js';
import { sleep } from './support/subscriptions.js';
import { MODES, rejectionOf, textOf, uniqueStream, useClientTarget, utf8 } from './support/target.js';

jest.setTimeout(30_000);

const event = (data: string): NewEvent => new NewEvent({ type: 'Numbered', data: utf8(data) });

/** A new stream holding events "0", "1", ... */
async function streamWith(client: EsdbClient, count: number): Promise<string> {
  const streamName = uniqueStream('meta');
  const events = Array.from({ length: count }, (_, index) => event(String(index)));
  await client.appendEvents({ streamName, expectedPosition: null, events });
  return streamName;
}

async function readTexts(client: EsdbClient, streamName: string): Promise<string[]> {
  const events = await client.readStreamEvents({ streamName }).toArray();
  return events.map((recorded) => textOf(recorded.data));
}

const FULL: StreamMetadata = {
  maxAge: 86_400,
  maxCount: 1000,
  truncateBefore: 0n,
  cacheControl: 60,
  tempStream: false,
  acl: { readRoles: ['$all'], writeRoles: ['$admins', 'ops'], metaWriteRoles: [] },
  custom: { owner: 'billing', limits: { daily: 5 }, tags: ['a', 'b'], note: null },
};

describe.each(MODES)('stream metadata (%s)', (mode) => {
  const target = useClientTarget(mode);

  test('a stream without metadata has {} at no position', async () => {
    const client = target().client();
    expect(await client.getStreamMetadata({ streamName: uniqueStream('none') })).toEqual({
      metadata: {},
      position: null,
    });
    const streamName = await streamWith(client, 1);
    expect(await client.getStreamMetadata({ streamName })).toEqual({ metadata: {}, position: null });
  });

  test('metadata round-trips, custom keys and ACL included, and replaces the old as a whole', async () => {
    const client = target().client();
    const streamName = await streamWith(client, 1);
    await client.setStreamMetadata({ streamName, metadata: FULL, expectedPosition: null });
    expect(await client.getStreamMetadata({ streamName })).toEqual({ metadata: FULL, position: 0n });
    // Not merged: the second write is all there is.
    const commitPosition = await client.setStreamMetadata({
      streamName,
      metadata: { maxCount: 7 },
      expectedPosition: 0,
    });
    expect(await client.getStreamMetadata({ streamName })).toEqual({
      metadata: { maxCount: 7 },
      position: 1n,
    });
    // Metadata is an event of type $metadata, of JSON, in the metastream, at the commit position returned; the
    // metastream shows only its newest event.
    const [recorded, ...older] = await client.readStreamEvents({ streamName: `$$${streamName}` }).toArray();
    expect(older).toEqual([]);
    expect(recorded).toMatchObject({ type: '$metadata', contentType: 'application/json', commitPosition });
  });

  test('the JSON has the server keys, and the custom keys at the top level', async () => {
    const client = target().client();
    const streamName = await streamWith(client, 1);
    await client.setStreamMetadata({ streamName, metadata: FULL });
    const [recorded] = await client.readStreamEvents({ streamName: `$$${streamName}` }).toArray();
    expect(JSON.parse(textOf(recorded?.data ?? new Uint8Array()))).toEqual({
      $maxAge: 86_400,
      $maxCount: 1000,
      $tb: 0,
      $cacheControl: 60,
      $tmp: false,
      $acl: { $r: ['$all'], $w: ['$admins', 'ops'], $mw: [] },
      owner: 'billing',
      limits: { daily: 5 },
      tags: ['a', 'b'],
      note: null,
    });
  });

  test('metadata written by others is read: single roles, and keys the client cannot type', async () => {
    const client = target().client();
    const streamName = await streamWith(client, 1);
    const json = '{"$acl":{"$r":"ops","$d":["a","b"]},"$maxCount":"ten","$maxAge":2.5,"$custom":1,"x":[1]}';
    await client.appendEvents({
      streamName: `$$${streamName}`,
      expectedPosition: null,
      events: [new NewEvent({ type: '$metadata', data: utf8(json), contentType: 'application/json' })],
    });
    expect(await client.getStreamMetadata({ streamName })).toEqual({
      metadata: {
        acl: { readRoles: ['ops'], deleteRoles: ['a', 'b'] },
        custom: { $maxCount: 'ten', $maxAge: 2.5, $custom: 1, x: [1] },
      },
      position: 0n,
    });
  });

  test('a stale expectedPosition is an ExpectedPositionError on the metastream, and changes nothing', async () => {
    const client = target().client();
    const streamName = await streamWith(client, 1);
    await client.setStreamMetadata({ streamName, metadata: { maxCount: 3 } });
    await client.setStreamMetadata({ streamName, metadata: { maxCount: 4 } });
    const stale = await rejectionOf(
      client.setStreamMetadata({ streamName, metadata: {}, expectedPosition: 0 }),
    );
    expect(stale).toBeInstanceOf(ExpectedPositionError);
    expect(stale).toMatchObject({ streamName: `$$${streamName}`, expectedPosition: 0n, actualPosition: 1n });
    const fresh = rejectionOf(client.setStreamMetadata({ streamName, metadata: {}, expectedPosition: null }));
    expect(await fresh).toBeInstanceOf(ExpectedPositionError);
    expect(await client.getStreamMetadata({ streamName })).toEqual({
      metadata: { maxCount: 4 },
      position: 1n,
    });
  });

  test('maxCount and truncateBefore shape what reads return', async () => {
    const client = target().client();
    const streamName = await streamWith(client, 5);
    await client.setStreamMetadata({ streamName, metadata: { maxCount: 2 } });
    expect(await readTexts(client, streamName)).toEqual(['3', '4']);
    await client.setStreamMetadata({ streamName, metadata: { truncateBefore: 1 } });
    expect(await readTexts(client, streamName)).toEqual(['1', '2', '3', '4']);
    // Both: the later of the two limits wins.
    await client.setStreamMetadata({ streamName, metadata: { truncateBefore: 2n, maxCount: 4 } });
    expect(await readTexts(client, streamName)).toEqual(['2', '3', '4']);
    expect(await client.getStreamPosition({ streamName })).toBe(4n);
  });

  test('maxAge hides events older than it', async () => {
    const client = target().client();
    const streamName = await streamWith(client, 1);
    await sleep(3_000);
    await client.appendEvents({ streamName, expectedPosition: 0, events: [event('recent')] });
    await client.setStreamMetadata({ streamName, metadata: { maxAge: 2 } });
    expect(await readTexts(client, streamName)).toEqual(['recent']);
  });

  test('a soft delete shows as truncateBefore 2^63-1, exactly', async () => {
    const client = target().client();
    const streamName = await streamWith(client, 2);
    await client.setStreamMetadata({ streamName, metadata: { custom: { kept: true } } });
    await client.deleteStream({ streamName });
    const { metadata, position } = await client.getStreamMetadata({ streamName });
    expect(metadata.truncateBefore).toBe(2n ** 63n - 1n);
    expect(position).toBe(1n);
  });

  test('the metadata of a tombstoned stream can be neither read nor written', async () => {
    const client = target().client();
    const streamName = await streamWith(client, 1);
    await client.tombstoneStream({ streamName });
    await expect(client.getStreamMetadata({ streamName })).rejects.toBeInstanceOf(StreamDeletedError);
    const write = client.setStreamMetadata({ streamName, metadata: { maxCount: 1 } });
    await expect(write).rejects.toBeInstanceOf(StreamDeletedError);
  });

  if (mode === 'secure') {
    test('an ACL that leaves a user out denies that user; admins still pass', async () => {
      const client = target().client();
      const ops = new EsdbClient({ ...target().hostOptions, username: 'ops', password: 'changeit' });
      try {
        const streamName = await streamWith(client, 1);
        const adminsOnly = ['$admins'];
        await client.setStreamMetadata({
          streamName,
          metadata: { acl: { readRoles: adminsOnly, deleteRoles: adminsOnly, metaReadRoles: adminsOnly } },
        });
        await expect(ops.readStreamEvents({ streamName }).toArray()).rejects.toBeInstanceOf(
          AccessDeniedError,
        );
        await expect(ops.getStreamMetadata({ streamName })).rejects.toBeInstanceOf(AccessDeniedError);
        await expect(ops.deleteStream({ streamName })).rejects.toBeInstanceOf(AccessDeniedError);
        // What the ACL does not restrict stays open to every user.
        await ops.appendEvents({ streamName, expectedPosition: 0, events: [event('by ops')] });
        expect(await readTexts(client, streamName)).toEqual(['0', 'by ops']);
        await client.setStreamMetadata({ streamName, metadata: { acl: { metaWriteRoles: adminsOnly } } });
        const write = ops.setStreamMetadata({ streamName, metadata: {} });
        await expect(write).rejects.toBeInstanceOf(AccessDeniedError);
      } finally {
        await ops.close();
      }
    });
  }
});

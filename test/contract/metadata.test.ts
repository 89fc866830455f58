/**
 * Contract: stream metadata with the official client. `setStreamMetadata` appends a `$metadata` event to the
 * metastream `$$<stream>`; `getStreamMetadata` reads it back backwards from the end, count 1 (§3.13).
 */
import { BACKWARDS, END, NO_STREAM, WrongExpectedVersionError, jsonEvent } from '@kurrent/kurrentdb-client';

import { MODES, collect, makeEvents, rejectionOf, uniqueStream, useContractTarget } from './harness.js';

jest.setTimeout(30_000);

describe.each(MODES)('stream metadata (%s)', (mode) => {
  const target = useContractTarget(mode);

  const revisions = (read: { event?: { revision: bigint } }[]) =>
    read.map((resolved) => resolved.event?.revision);

  test('a stream without metadata has none', async () => {
    const client = target().client();
    const stream = uniqueStream('meta-none');
    await client.appendToStream(stream, makeEvents(1));

    const result = await client.getStreamMetadata(stream);
    // §3.13: reading `$$<stream>` gives stream_not_found, which means "no metadata".
    expect(result.streamName).toBe(stream);
    expect(result.metadata).toBeUndefined();
  });

  test('metadata is written to the metastream and read back, latest first', async () => {
    const client = target().client();
    const stream = uniqueStream('meta-set');

    const first = await client.setStreamMetadata(stream, { maxCount: 10, owner: 'contract' });
    // §3.13: the metadata event is an ordinary append to `$$<stream>`: its first event is revision 0.
    expect(first.nextExpectedRevision).toBe(0n);
    expect((await client.getStreamMetadata(stream)).metadata).toEqual({ maxCount: 10, owner: 'contract' });

    const second = await client.setStreamMetadata(stream, { maxAge: 3600, acl: { readRoles: ['$admins'] } });
    expect(second.nextExpectedRevision).toBe(1n);
    // §3.13: the latest `$metadata` event wins; keys are not merged with older events.
    expect((await client.getStreamMetadata(stream)).metadata).toEqual({
      maxAge: 3600,
      acl: { readRoles: ['$admins'] },
    });

    const events = await collect(client.readStream(`$$${stream}`));
    // §3.13: `$metadata` events, stored as JSON, with the server's key names. A metastream keeps only its
    // newest event visible (server: the read index gives every metastream `$maxCount` 1, metastreamMaxCount).
    expect(events.map((resolved) => resolved.event?.type)).toEqual(['$metadata']);
    expect(events[0]?.event?.revision).toBe(1n);
    expect(events[0]?.event?.isJson).toBe(true);
    expect(events[0]?.event?.data).toEqual({ $maxAge: 3600, $acl: { $r: ['$admins'] } });
  });

  test('writes to the metastream follow the expected-revision rules', async () => {
    const client = target().client();
    const stream = uniqueStream('meta-expected');
    await client.setStreamMetadata(stream, { maxCount: 1 });

    // The client's setStreamMetadata ignores its `expectedRevision` option (it forwards it to appendToStream,
    // which reads `streamState`), so the metastream is written directly, as setStreamMetadata does (§3.13).
    const metadataEvent = jsonEvent({ type: '$metadata', data: { $maxCount: 2 } });
    const error = await rejectionOf(
      client.appendToStream(`$$${stream}`, metadataEvent, { streamState: NO_STREAM }),
    );
    // §3.2/§3.3: an append to `$$<stream>` follows the usual expected-revision rules.
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect((error as WrongExpectedVersionError).streamName).toBe(`$$${stream}`);
    expect((error as WrongExpectedVersionError).actualState).toBe(0n);

    const written = await client.appendToStream(`$$${stream}`, metadataEvent, { streamState: 0n });
    expect(written.nextExpectedRevision).toBe(1n);
    expect((await client.getStreamMetadata(stream)).metadata).toEqual({ maxCount: 2 });
  });

  test('$maxCount hides all but the newest events from reads', async () => {
    const client = target().client();
    const stream = uniqueStream('meta-max-count');
    await client.appendToStream(stream, makeEvents(5));
    await client.setStreamMetadata(stream, { maxCount: 2 });

    // §3.13: events with number < last - $maxCount + 1 are invisible; §3.7: skipped silently.
    expect(revisions(await collect(client.readStream(stream)))).toEqual([3n, 4n]);
    expect(
      revisions(await collect(client.readStream(stream, { direction: BACKWARDS, fromRevision: END }))),
    ).toEqual([4n, 3n]);

    await client.appendToStream(stream, makeEvents(1));
    // §3.13: the window moves with the stream's last event.
    expect(revisions(await collect(client.readStream(stream)))).toEqual([4n, 5n]);
  });

  test('$tb (truncateBefore) hides the events before it', async () => {
    const client = target().client();
    const stream = uniqueStream('meta-tb');
    await client.appendToStream(stream, makeEvents(5));
    await client.setStreamMetadata(stream, { truncateBefore: 3 });

    // §3.13: events with number < $tb are invisible.
    expect(revisions(await collect(client.readStream(stream)))).toEqual([3n, 4n]);
    // §3.7: a forward read from below the truncation point starts at the first visible event.
    expect(revisions(await collect(client.readStream(stream, { fromRevision: 1n, maxCount: 1 })))).toEqual([
      3n,
    ]);
    expect((await client.getStreamMetadata(stream)).metadata?.truncateBefore).toBe(3);
  });

  test.each([
    ['a server key of the wrong kind', { $maxCount: 2, $tb: 'three' }],
    ['an unknown $acl member', { $maxCount: 2, $acl: { $read: ['$admins'] } }],
    ['a $maxAge too large for a TimeSpan', { $maxCount: 2, $maxAge: 922_337_203_686 }],
  ])('metadata with %s is ignored whole: the valid $maxCount beside it has no effect', async (_, data) => {
    const client = target().client();
    const stream = uniqueStream('meta-faulty');
    await client.appendToStream(stream, makeEvents(5));
    // Written raw: setStreamMetadata would not produce these values (§3.13.1, server: StreamMetadata.cs).
    await client.appendToStream(`$$${stream}`, jsonEvent({ type: '$metadata', data }));

    expect(revisions(await collect(client.readStream(stream)))).toEqual([0n, 1n, 2n, 3n, 4n]);
  });
});

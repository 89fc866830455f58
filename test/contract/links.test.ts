/**
 * Contract: `$>` link events appended by the test and read back with `resolveLinkTos` through the official
 * client: `readStream` and `readAll` (native bridge, §5 item 11) and `subscribeToStream` (grpc-js) (§3.7, §3.8,
 * §3.13 "Links").
 */
import {
  START,
  binaryEvent,
  streamNameFilter,
  type KurrentDBClient,
  type ResolvedEvent,
} from '@kurrent/kurrentdb-client';

import { MODES, collect, makeEvents, positionOf, uniqueStream, useContractTarget } from './harness.js';
import { SubscriptionRecorder } from './subscription-recorder.js';

jest.setTimeout(30_000);

/** A link event (§3.13): type `$>`, UTF-8 data `<eventNumber>@<stream>`, not JSON. */
const link = (data: string) => binaryEvent({ type: '$>', data: Buffer.from(data, 'utf8') });

const text = (data: unknown) => Buffer.from(data as Uint8Array).toString('utf8');

describe.each(MODES)('links (%s)', (mode) => {
  const target = useContractTarget(mode);

  /**
   * A target stream of three events and a stream linking to events 0, 2 and -1 (the last) of it; `start` is a
   * position before the links.
   */
  async function linkedStreams(client: KurrentDBClient) {
    const targetStream = uniqueStream('link-target');
    const events = makeEvents(3);
    const targetAppended = await client.appendToStream(targetStream, events);
    const linkStream = uniqueStream('link-source');
    const links = ['0', '2', '-1'].map((number) => link(`${number}@${targetStream}`));
    const appended = await client.appendToStream(linkStream, links);
    const targetRead = await collect(client.readStream(targetStream));
    return {
      targetStream,
      events,
      linkStream,
      links,
      appended,
      targetRead,
      start: positionOf(targetAppended),
    };
  }

  test('readStream with resolveLinkTos gives the target as the event and the `$>` record as the link', async () => {
    const client = target().client();
    const { targetStream, events, linkStream, links, targetRead } = await linkedStreams(client);

    const resolved = await collect(client.readStream(linkStream, { resolveLinkTos: true }));
    // §3.7: a link that resolves: `event` is the target (event number -1 is the stream's last event, §3.13)…
    expect(resolved.map((entry) => entry.event?.id)).toEqual([events[0]?.id, events[2]?.id, events[2]?.id]);
    expect(resolved.map((entry) => entry.event?.revision)).toEqual([0n, 2n, 2n]);
    expect(resolved.every((entry) => entry.event?.streamId === targetStream)).toBe(true);
    expect(resolved[0]?.event?.data).toEqual({ index: 0 });
    // §3.7: … each RecordedEvent carries its own position, so the target keeps the one it was written at …
    expect(resolved[1]?.event?.position).toEqual(targetRead[2]?.event?.position);
    // … and `link` is the `$>` record as stored in the link stream.
    expect(resolved.map((entry) => entry.link?.id)).toEqual(links.map((event) => event.id));
    expect(resolved.map((entry) => entry.link?.revision)).toEqual([0n, 1n, 2n]);
    expect(resolved.map((entry) => [entry.link?.streamId, entry.link?.type])).toEqual(
      links.map(() => [linkStream, '$>']),
    );
    expect(resolved[1]?.link?.isJson).toBe(false);
    expect(text(resolved[1]?.link?.data)).toBe(`2@${targetStream}`);

    const plain = await collect(client.readStream(linkStream));
    // §3.7: without resolve_links the `$>` records come as they are, with no link.
    expect(plain.map((entry) => entry.event?.id)).toEqual(links.map((event) => event.id));
    expect(plain.every((entry) => entry.event?.type === '$>' && entry.link === undefined)).toBe(true);
  });

  test('readAll with resolveLinkTos resolves links; a stream filter matches the link, not the target', async () => {
    const client = target().client();
    const { events, linkStream, appended, start } = await linkedStreams(client);
    const linkPosition = positionOf(appended);

    const filter = streamNameFilter({ prefixes: [linkStream] });
    const read = await collect(client.readAll({ fromPosition: start, resolveLinkTos: true, filter }));
    // §3.9: a filter looks at the unresolved record, so the link stream's three records match even though the
    // events they resolve to live in another stream.
    expect(read).toHaveLength(3);
    expect(read.map((entry) => entry.event?.id)).toEqual([events[0]?.id, events[2]?.id, events[2]?.id]);
    expect(read.every((entry) => entry.link?.streamId === linkStream)).toBe(true);
    // §3.7: the link keeps its own log position; the last link is where the append ended (§3.3).
    expect(read[2]?.link?.position).toEqual(linkPosition);

    const unresolved = await collect(client.readAll({ fromPosition: start, filter }));
    expect(unresolved.every((entry) => entry.event?.type === '$>' && entry.link === undefined)).toBe(true);
  });

  test('links into soft-deleted or tombstoned streams, or past the end, come as a link without an event', async () => {
    const client = target().client();
    const softDeleted = uniqueStream('link-deleted');
    const tombstoned = uniqueStream('link-tombstoned');
    const short = uniqueStream('link-short');
    await client.appendToStream(softDeleted, makeEvents(1));
    await client.appendToStream(tombstoned, makeEvents(1));
    await client.appendToStream(short, makeEvents(1));
    const linkStream = uniqueStream('link-broken');
    const links = [
      link(`0@${softDeleted}`),
      link(`0@${tombstoned}`),
      link(`5@${short}`),
      link(`0@${uniqueStream('link-missing')}`),
    ];
    await client.appendToStream(linkStream, links);
    await client.deleteStream(softDeleted);
    await client.tombstoneStream(tombstoned);

    const read = await collect(client.readStream(linkStream, { resolveLinkTos: true }));
    // §3.7/§3.13: a link into a soft-deleted, tombstoned or missing stream, or to an event that does not exist,
    // does not resolve: the server sends the link alone, and NODE hands it out with `link` and no `event`.
    expect(read).toHaveLength(4);
    expect(read.map((entry) => entry.event)).toEqual([undefined, undefined, undefined, undefined]);
    expect(read.map((entry) => entry.link?.id)).toEqual(links.map((event) => event.id));
    expect(text(read[1]?.link?.data)).toBe(`0@${tombstoned}`);
  });

  test('a `$>` whose event number does not parse is read as a plain event; one without `@` fails to resolve', async () => {
    const client = target().client();
    const { targetStream } = await linkedStreams(client);
    const linkStream = uniqueStream('link-odd');
    const odd = [link(`first@${targetStream}`), link('0'), link(` 1 @${targetStream}`)];
    await client.appendToStream(linkStream, odd);

    const [unparsable, noStream, padded] = await collect(
      client.readStream(linkStream, { resolveLinkTos: true }),
    );
    // Server: StorageReaderWorker.cs `ResolveLinkToEvent` — a number that long.TryParse rejects leaves the
    // record as an ordinary event (§3.7) …
    expect(unparsable?.event?.id).toBe(odd[0]?.id);
    expect(unparsable?.event?.type).toBe('$>');
    expect(unparsable?.link).toBeUndefined();
    // … a number with nothing after it throws while taking the stream name, which fails the link …
    expect(noStream?.event).toBeUndefined();
    expect(noStream?.link?.id).toBe(odd[1]?.id);
    // … and long.TryParse accepts surrounding white space, but the stream name is taken as it is (` 1 ` → 1,
    // stream `<target>`).
    expect(padded?.event?.streamId).toBe(targetStream);
    expect(padded?.event?.revision).toBe(1n);
  });

  test('subscribeToStream with resolveLinkTos resolves links in catch-up and live', async () => {
    const client = target().client();
    const { targetStream, events, linkStream } = await linkedStreams(client);
    const recorder = new SubscriptionRecorder<ResolvedEvent>();
    recorder.attach(client.subscribeToStream(linkStream, { fromRevision: START, resolveLinkTos: true }));
    try {
      await recorder.waitForSignal('caughtUp');
      const live = [link(`1@${targetStream}`), link(`other@${targetStream}`)];
      await client.appendToStream(linkStream, live);
      const received = await recorder.waitForEvents(5);

      // §3.8: catch-up events are read like Streams.Read (§3.7): resolved target plus link.
      expect(received.slice(0, 3).map((entry) => entry.event?.id)).toEqual([
        events[0]?.id,
        events[2]?.id,
        events[2]?.id,
      ]);
      // Live events are resolved as they are committed, the same way …
      expect(received[3]?.event?.id).toBe(events[1]?.id);
      expect(received[3]?.link?.id).toBe(live[0]?.id);
      expect(received[3]?.link?.streamId).toBe(linkStream);
      // … except that the live path (server: SubscriptionsService.cs `ResolveLinkToEvent`) uses long.Parse,
      // which throws on an unparsable number, so such a link arrives as a link without an event.
      expect(received[4]?.event).toBeUndefined();
      expect(received[4]?.link?.id).toBe(live[1]?.id);
      expect(recorder.error).toBeUndefined();
    } finally {
      await recorder.stop();
    }
  });
});

// A catch-up subscription whose loop stops taking items while live, against a server in insecure and secure
// mode. The server then stops sending (HTTP/2 flow control) and its live buffer overflows when enough events are
// appended meanwhile: it catches up again from storage and sends `caught_up` a second time on the same call
// (docs/protocol.md §3.8 item 6, §3.8.1). The client passes that on as a second CaughtUp item, with every event
// once, in order, and no resubscription.
import { CaughtUp, type EsdbClient, NewEvent, RecordedEvent } from '../../src/client/index.js';
import { nothingWithin, take } from './support/subscriptions.js';
import { MODES, textOf, uniqueStream, useClientTarget } from './support/target.js';

jest.setTimeout(60_000);

/** Large enough that a few events fill the transport's buffers, so the server holds the rest. */
const PADDING = 'x'.repeat(48 * 1024);

/** Appends events "<first>" … "<first+count-1>" (each padded), ten to an append. */
async function appendPadded(client: EsdbClient, streamName: string, first: number, count: number) {
  for (let start = first; start < first + count; start += 10) {
    const size = Math.min(10, first + count - start);
    const events = Array.from(
      { length: size },
      (_, index) =>
        new NewEvent({
          type: 'Padded',
          data: Buffer.from(JSON.stringify({ n: start + index, pad: PADDING })),
        }),
    );
    await client.appendEvents({ streamName, expectedPosition: start === 0 ? null : start - 1, events });
  }
}

/** Each item as its number, or 'caught-up'. */
const summary = (items: readonly (RecordedEvent | CaughtUp)[]): (number | string)[] =>
  items.map((item) =>
    item instanceof CaughtUp ? 'caught-up' : (JSON.parse(textOf(item.data)) as { n: number }).n,
  );

const numbers = (from: number, count: number): number[] => Array.from({ length: count }, (_, n) => from + n);

describe.each(MODES)('a catch-up subscription whose loop pauses while live (%s)', (mode) => {
  const target = useClientTarget(mode);

  test('far behind: every event once, in order, then CaughtUp again on the same call', async () => {
    const client = target().client();
    const streamName = uniqueStream('slow');
    let reconnects = 0;
    const subscription = client.subscribeStreamEvents({
      streamName,
      includeCaughtUp: true,
      onReconnect: () => {
        reconnects += 1;
      },
    });
    try {
      expect(summary(await take(subscription, 1))).toEqual(['caught-up']);
      await appendPadded(client, streamName, 0, 200);
      expect(summary(await take(subscription, 201, 30_000))).toEqual([...numbers(0, 200), 'caught-up']);
      await appendPadded(client, streamName, 200, 1);
      expect(summary(await take(subscription, 1))).toEqual([200]);
      expect(reconnects).toBe(0);
    } finally {
      await subscription.close();
    }
  });

  test('a little behind: the events, and no second CaughtUp', async () => {
    const client = target().client();
    const streamName = uniqueStream('slow');
    const subscription = client.subscribeAllEvents({
      filterInclude: [streamName],
      filterByStreamName: true,
      includeCaughtUp: true,
    });
    try {
      expect(summary(await take(subscription, 1))).toEqual(['caught-up']);
      await appendPadded(client, streamName, 0, 40);
      expect(summary(await take(subscription, 40, 30_000))).toEqual(numbers(0, 40));
      expect(await nothingWithin(subscription, 500)).toBeUndefined();
    } finally {
      await subscription.close();
    }
  });
});

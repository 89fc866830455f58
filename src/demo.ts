// The quick start behind `npm run demo`: append events, read them back, follow them with a catch-up
// subscription and consume them through a persistent subscription, against an emulator started here or, when
// ESDB_URI is set, against that server (e.g. ESDB_URI='esdb://localhost:2113?tls=false').
import { randomUUID } from 'node:crypto';
import { EsdbClient, ExpectedPositionError, NewEvent } from './client/index.js';
import { startEmulator, type RunningEmulator } from './emulator/index.js';

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');
const json = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value));

async function main(): Promise<void> {
  let emulator: RunningEmulator | undefined;
  let uri = process.env.ESDB_URI;
  if (uri === undefined) {
    emulator = await startEmulator();
    uri = emulator.uri;
    console.log(`Started an embedded emulator: ${uri}`);
  } else {
    console.log(`Using ESDB_URI: ${uri.replace(/\/\/[^@/?]*@/, '//***@')}`);
  }
  const client = new EsdbClient({ uri });
  try {
    const streamName = `order-${randomUUID()}`;

    // Append the first event of a new stream: expectedPosition null means "the stream must not exist yet".
    const created = new NewEvent({
      type: 'OrderCreated',
      data: json({ item: 'book' }),
      contentType: 'application/json',
    });
    const commitPosition1 = await client.appendEvents({
      streamName,
      expectedPosition: null,
      events: [created],
    });
    console.log(`Appended OrderCreated to ${streamName} at commit position ${commitPosition1}`);

    // Append two more, atomically, expecting the last event at position 0.
    const updated = new NewEvent({
      type: 'OrderUpdated',
      data: json({ quantity: 2 }),
      contentType: 'application/json',
    });
    const shipped = new NewEvent({ type: 'OrderShipped', data: json({}), contentType: 'application/json' });
    const commitPosition2 = await client.appendEvents({
      streamName,
      expectedPosition: 0,
      events: [updated, shipped],
    });
    console.log(`Appended OrderUpdated, OrderShipped; last commit position ${commitPosition2}`);

    // Optimistic concurrency: a stale expected position is refused. (Re-sending the very same events would
    // instead succeed as an idempotent retry.)
    const cancelled = new NewEvent({
      type: 'OrderCancelled',
      data: json({}),
      contentType: 'application/json',
    });
    try {
      await client.appendEvents({ streamName, expectedPosition: 0, events: [cancelled] });
    } catch (error) {
      if (!(error instanceof ExpectedPositionError)) throw error;
      console.log(
        `Refused a stale append: expected ${error.expectedPosition}, actual ${error.actualPosition}`,
      );
    }

    console.log(`Stream position: ${await client.getStreamPosition({ streamName })}`);

    console.log('Reading the stream:');
    for await (const event of client.readStreamEvents({ streamName })) {
      console.log(
        `  #${event.streamPosition} ${event.type} ${text(event.data)} (commit ${event.commitPosition})`,
      );
    }

    console.log('Reading the last 3 events of all streams, backwards (system events filtered out):');
    for await (const event of client.readAllEvents({ backwards: true, limit: 3 })) {
      console.log(`  ${event.streamName} #${event.streamPosition} ${event.type}`);
    }

    console.log(`Database commit position: ${await client.getCommitPosition()}`);

    // A catch-up subscription delivers the events recorded after a commit position (not the one at it), then
    // keeps delivering new events as they are recorded, until it is closed.
    console.log('Catch-up subscription after the first event; one more event is appended while it runs:');
    const subscription = client.subscribeAllEvents({ commitPosition: commitPosition1 });
    for await (const event of subscription) {
      console.log(`  ${event.streamName} #${event.streamPosition} ${event.type}`);
      if (event.type === 'OrderShipped') {
        const delivered = new NewEvent({
          type: 'OrderDelivered',
          data: json({}),
          contentType: 'application/json',
        });
        await client.appendEvents({ streamName, expectedPosition: 2, events: [delivered] });
      }
      if (event.type === 'OrderDelivered') break;
    }
    await subscription.close();

    // A persistent subscription: a group of consumers whose progress the server keeps. Each consumer
    // acknowledges the events it has processed (acks are sent in batches, and flushed on close).
    const groupName = `demo-${randomUUID()}`;
    await client.createSubscription({
      groupName,
      commitPosition: commitPosition1,
      filterInclude: ['Order.*'],
    });
    console.log(`Persistent subscription ${groupName}, from the first event (included), acknowledging:`);
    const [readReq, readResp] = client.readSubscription({ groupName });
    for await (const event of readResp) {
      console.log(`  #${event.streamPosition} ${event.type} (delivered before: ${event.retryCount} times)`);
      readReq.ack(event.id);
      if (event.streamName === streamName && event.type === 'OrderDelivered') break;
    }
    await readResp.close();
  } finally {
    await client.close();
    await emulator?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

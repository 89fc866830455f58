// The quick start behind `npm run demo`: append events, read them back, follow them with a catch-up
// subscription and consume them through a persistent subscription, against an emulator started here or, when
// ESDB_URI is set, against that server (e.g. ESDB_URI='esdb://localhost:2113?tls=false').
import { randomUUID } from 'node:crypto';
import { EsdbClient, ExpectedPositionError, NewEvent } from './client/index.js';
import { startEmulator, type RunningEmulator } from './emulator/index.js';

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');
const orderEvent = (type: string, data: unknown): NewEvent =>
  new NewEvent({ type, data: Buffer.from(JSON.stringify(data)), contentType: 'application/json' });

/** A client of the ESDB_URI server, or of an emulator started for the demo (then returned to be stopped). */
async function connect(): Promise<{ client: EsdbClient; emulator: RunningEmulator | undefined }> {
  const uri = process.env.ESDB_URI;
  if (uri !== undefined) {
    console.log(`Using ESDB_URI: ${uri.replace(/\/\/[^@/?]*@/, '//***@')}`);
    return { client: new EsdbClient({ uri }), emulator: undefined };
  }
  const emulator = await startEmulator();
  console.log(`Started an embedded emulator: ${emulator.uri}`);
  // As in the seed: the host and port of an insecure server are all the client needs.
  return { client: new EsdbClient({ host: emulator.host, port: emulator.port }), emulator };
}

/** Appends three events to a new stream, and shows a stale append refused; returns the first commit position. */
async function appendOrder(client: EsdbClient, streamName: string): Promise<bigint> {
  // expectedPosition null means "the stream must not exist yet".
  const first = await client.appendEvents({
    streamName,
    expectedPosition: null,
    events: [orderEvent('OrderCreated', { item: 'book' })],
  });
  console.log(`Appended OrderCreated to ${streamName} at commit position ${first}`);
  // Two more, atomically, expecting the last event at position 0.
  const last = await client.appendEvents({
    streamName,
    expectedPosition: 0,
    events: [orderEvent('OrderUpdated', { quantity: 2 }), orderEvent('OrderShipped', {})],
  });
  console.log(`Appended OrderUpdated, OrderShipped; last commit position ${last}`);
  // Optimistic concurrency: a stale expected position is refused. (Re-sending the very same events would
  // instead succeed as an idempotent retry.)
  try {
    await client.appendEvents({
      streamName,
      expectedPosition: 0,
      events: [orderEvent('OrderCancelled', {})],
    });
  } catch (error) {
    if (!(error instanceof ExpectedPositionError)) throw error;
    console.log(`Refused a stale append: expected ${error.expectedPosition}, actual ${error.actualPosition}`);
  }
  return first;
}

/** Reads the stream, the end of all streams, and the positions. */
async function readBack(client: EsdbClient, streamName: string): Promise<void> {
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
}

/**
 * A catch-up subscription delivers the events recorded after a commit position (not the one at it), then keeps
 * delivering new events as they are recorded, until it is closed. One more event is appended while it runs.
 */
async function followOrder(client: EsdbClient, streamName: string, after: bigint): Promise<void> {
  console.log('Catch-up subscription after the first event; one more event is appended while it runs:');
  const subscription = client.subscribeAllEvents({ commitPosition: after });
  for await (const event of subscription) {
    console.log(`  ${event.streamName} #${event.streamPosition} ${event.type}`);
    if (event.type === 'OrderShipped') {
      await client.appendEvents({
        streamName,
        expectedPosition: 2,
        events: [orderEvent('OrderDelivered', {})],
      });
    }
    if (event.type === 'OrderDelivered') break;
  }
  await subscription.close();
}

/**
 * A persistent subscription: a group of consumers whose progress the server keeps. Each consumer acknowledges
 * the events it has processed (acks are sent in batches, and flushed on close).
 */
async function consumeOrder(client: EsdbClient, streamName: string, from: bigint): Promise<void> {
  const groupName = `demo-${randomUUID()}`;
  await client.createSubscription({ groupName, commitPosition: from, filterInclude: ['Order.*'] });
  console.log(`Persistent subscription ${groupName}, from the first event (included), acknowledging:`);
  const [readReq, readResp] = client.readSubscription({ groupName });
  for await (const event of readResp) {
    console.log(`  #${event.streamPosition} ${event.type} (delivered before: ${event.retryCount} times)`);
    readReq.ack(event.id);
    if (event.streamName === streamName && event.type === 'OrderDelivered') break;
  }
  await readResp.close();
}

async function main(): Promise<void> {
  const { client, emulator } = await connect();
  try {
    const streamName = `order-${randomUUID()}`;
    const first = await appendOrder(client, streamName);
    await readBack(client, streamName);
    await followOrder(client, streamName, first);
    await consumeOrder(client, streamName, first);
  } finally {
    await client.close();
    await emulator?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

/**
 * The write scenarios (1, 2, 3 of issue 6; 8, 9, 10 of issue 11), run inside a client process against a bench
 * client. Each body connects with one small append (not measured), then measures.
 */
import { performance } from 'node:perf_hooks';
import { type Body, latencyOf, whole } from './body-kit.js';
import type { BenchClient, ExpectedPosition } from './clients/bench-client.js';
import { meterFor } from './meter.js';
import { eventData } from './raw-requests.js';

/** Scenario 10 gives up on an event that this many reads in a row did not find (the server lost a write). */
const MAX_READS_PER_ROUND_TRIP = 100;

export const sequentialAppends: Body = async ({ task, client }) => {
  const meter = meterFor(task.emulatorPid);
  const { sequentialAppends: count, eventBytes } = task.sizes;
  const data = [eventData(eventBytes)];
  const stream = `${task.runId}-sequential`;
  await client.append(`${task.runId}-connect`, data);
  const latencies: number[] = [];
  const start = meter.mark();
  for (let i = 0; i < count; i += 1) {
    const sent = performance.now();
    await client.append(stream, data);
    latencies.push(performance.now() - sent);
  }
  const total = meter.between(start, meter.mark(), count);
  return whole(total, count * eventBytes, { latencyMs: latencyOf(latencies) });
};

export const batchAppends: Body = async ({ task, client }) => {
  const meter = meterFor(task.emulatorPid);
  const { batches, batchSize, eventBytes } = task.sizes;
  const bytes = eventData(eventBytes);
  const batch = Array.from({ length: batchSize }, () => bytes);
  const stream = `${task.runId}-batches`;
  await client.append(`${task.runId}-connect`, [bytes]);
  const start = meter.mark();
  for (let i = 0; i < batches; i += 1) await client.append(stream, batch);
  const total = meter.between(start, meter.mark(), batches * batchSize);
  return whole(total, batches * batchSize * eventBytes);
};

export const concurrentAppends: Body = async ({ task, client }) => {
  const meter = meterFor(task.emulatorPid);
  const { concurrentAppends: count, inFlight, eventBytes } = task.sizes;
  const data = [eventData(eventBytes)];
  await client.append(`${task.runId}-connect`, data);
  let started = 0;
  // Each of the `inFlight` lanes appends to its own stream, one append at a time, until `count` have started.
  const lane = async (index: number): Promise<void> => {
    const stream = `${task.runId}-lane-${index}`;
    while (started < count) {
      started += 1;
      await client.append(stream, data);
    }
  };
  const start = meter.mark();
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, (_, index) => lane(index)));
  const total = meter.between(start, meter.mark(), count);
  return whole(total, count * eventBytes);
};

/**
 * Scenario 8: `writers` writers at once, each appending single events to a stream of its own, one after the
 * other; each append expects the stream's last event where the writer's previous append put it (the first, no
 * stream), as an application using optimistic concurrency does.
 */
export const concurrentWriters: Body = async ({ task, client }) => {
  const meter = meterFor(task.emulatorPid);
  const { writers, appendsPerWriter, eventBytes } = task.sizes;
  const data = [eventData(eventBytes)];
  await client.append(`${task.runId}-connect`, data);
  const latencies: number[] = [];
  const writer = async (index: number): Promise<void> => {
    const stream = `${task.runId}-writer-${index}`;
    let expected: ExpectedPosition = 'no-stream';
    for (let position = 0n; position < BigInt(appendsPerWriter); position += 1n) {
      const sent = performance.now();
      await client.append(stream, data, expected);
      latencies.push(performance.now() - sent);
      expected = position;
    }
  };
  const start = meter.mark();
  await Promise.all(Array.from({ length: writers }, (_, index) => writer(index)));
  const events = writers * appendsPerWriter;
  const total = meter.between(start, meter.mark(), events);
  return whole(total, events * eventBytes, { latencyMs: latencyOf(latencies) });
};

/** Scenario 9: appends of many large events each, close to the server's maximum append size (see config.ts). */
export const largeAppends: Body = async ({ task, client }) => {
  const meter = meterFor(task.emulatorPid);
  const { largeAppends: appends, largeAppendEvents, largeEventBytes, eventBytes } = task.sizes;
  const bytes = eventData(largeEventBytes);
  const batch = Array.from({ length: largeAppendEvents }, () => bytes);
  const stream = `${task.runId}-large`;
  await client.append(`${task.runId}-connect`, [eventData(eventBytes)]);
  const start = meter.mark();
  for (let i = 0; i < appends; i += 1) await client.append(stream, batch);
  const events = appends * largeAppendEvents;
  const total = meter.between(start, meter.mark(), events);
  return whole(total, events * largeEventBytes);
};

/** `size` bytes of event data whose first four bytes hold `stamp`, so that a read can tell this event. */
function stamped(size: number, stamp: number): Uint8Array {
  const data = eventData(size);
  viewOf(data).setUint32(0, stamp);
  return data;
}

/** The stamp of event data made by {@link stamped}, or -1 when it is too short to hold one. */
function stampOf(data: Uint8Array): number {
  return data.length < 4 ? -1 : viewOf(data).getUint32(0);
}

/** A view of `data`'s own bytes, without copying them. */
function viewOf(data: Uint8Array): DataView {
  return new DataView(data.buffer, data.byteOffset, data.byteLength);
}

/** Reads `stream` at `position` until the event stamped `stamp` is there. */
async function readUntilSeen(
  client: BenchClient,
  stream: string,
  position: bigint,
  stamp: number,
): Promise<void> {
  for (let reads = 0; reads < MAX_READS_PER_ROUND_TRIP; reads += 1) {
    const data = await client.readEvent(stream, position);
    if (data !== undefined && stampOf(data) === stamp) return;
  }
  throw new Error(
    `${MAX_READS_PER_ROUND_TRIP} reads of ${stream} at ${position} did not find the event appended`,
  );
}

/**
 * Scenario 10: read your writes. Each round trip appends one event (expecting the previous one's position),
 * then reads the stream from the new event's position until it is there; the latency is the whole round trip.
 */
export const readYourWrites: Body = async ({ task, client }) => {
  const meter = meterFor(task.emulatorPid);
  const { roundTrips, eventBytes } = task.sizes;
  const stream = `${task.runId}-read-your-writes`;
  const connect = `${task.runId}-connect`;
  await client.append(connect, [eventData(eventBytes)]);
  await client.readEvent(connect, 0n);
  const latencies: number[] = [];
  const start = meter.mark();
  for (let i = 0; i < roundTrips; i += 1) {
    const data = stamped(eventBytes, i);
    const position = BigInt(i);
    const sent = performance.now();
    await client.append(stream, [data], i === 0 ? 'no-stream' : position - 1n);
    await readUntilSeen(client, stream, position, i);
    latencies.push(performance.now() - sent);
  }
  const total = meter.between(start, meter.mark(), roundTrips);
  return whole(total, roundTrips * eventBytes, { latencyMs: latencyOf(latencies) });
};

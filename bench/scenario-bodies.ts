/**
 * The measured part of each scenario, run inside a client process against a bench client: the same code
 * for every client. Each body connects first (one small call, not measured), then measures. The read scenarios
 * are here; the write scenarios are in `write-bodies.ts`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type Body, expectCount, required, whole } from './body-kit.js';
import type { ScenarioId } from './config.js';
import type { EventSink } from './clients/bench-client.js';
import { currentRssMb, type Mark, meterFor, peakRssMb } from './meter.js';
import {
  batchAppends,
  concurrentAppends,
  concurrentWriters,
  largeAppends,
  readYourWrites,
  sequentialAppends,
} from './write-bodies.js';

/** An event sink that counts events and their bytes, and stops after `stopAfter` events. */
class Counter {
  count = 0;
  bytes = 0;
  readonly sink: EventSink;

  constructor(stopAfter: number, onEvent?: (count: number) => void) {
    this.sink = (data) => {
      this.count += 1;
      this.bytes += data.length;
      onEvent?.(this.count);
      return this.count < stopAfter;
    };
  }
}

const readStream: Body = async ({ task, client }) => {
  const meter = meterFor(task.emulatorPid);
  const stream = required(task.stream, 'stream');
  const events = task.sizes.readEvents;
  await client.readStream(stream, 1, () => true);
  const counter = new Counter(Number.POSITIVE_INFINITY);
  const start = meter.mark();
  await client.readStream(stream, events, counter.sink);
  const total = meter.between(start, meter.mark(), counter.count);
  expectCount(counter.count, events, 'read stream');
  return whole(total, counter.bytes);
};

const readAll: Body = async ({ task, client }) => {
  const meter = meterFor(task.emulatorPid);
  const events = task.sizes.readEvents;
  await client.readAll(1, () => true);
  const counter = new Counter(Number.POSITIVE_INFINITY);
  const start = meter.mark();
  await client.readAll(events, counter.sink);
  const total = meter.between(start, meter.mark(), counter.count);
  expectCount(counter.count, events, 'read $all');
  return whole(total, counter.bytes);
};

const catchUpSubscription: Body = async ({ task, client, caughtUp }) => {
  const meter = meterFor(task.emulatorPid);
  const after = task.after;
  const { readEvents, liveEvents } = task.sizes;
  await client.readAll(1, () => true);
  let caughtUpMark: Mark | undefined;
  const counter = new Counter(readEvents + liveEvents, (count) => {
    if (count === readEvents) {
      caughtUpMark = meter.mark();
      caughtUp();
    }
  });
  const start = meter.mark();
  await client.subscribeAll(after, counter.sink);
  const end = meter.mark();
  expectCount(counter.count, readEvents + liveEvents, 'catch-up subscription');
  const atCaughtUp = required(caughtUpMark, 'caught-up mark');
  return {
    status: 'ok',
    total: meter.between(start, end, counter.count),
    headline: meter.between(start, atCaughtUp, readEvents),
    live: meter.between(atCaughtUp, end, liveEvents),
    peakRssMb: peakRssMb(),
    dataBytes: counter.bytes,
  };
};

const memory: Body = async ({ task, client }) => {
  const meter = meterFor(task.emulatorPid);
  const stream = required(task.stream, 'stream');
  const { memoryEvents, memoryPauseEvery, memoryPauseMs } = task.sizes;
  await client.readStream(stream, 1, () => true);
  const tenth = Math.max(1, Math.floor(memoryEvents / 10));
  const trace: number[] = [];
  let count = 0;
  let bytes = 0;
  // A slow consumer: it waits memoryPauseMs every memoryPauseEvery events; the client must hold the server
  // back rather than buffer what it cannot hand over yet.
  const sink: EventSink = (data) => {
    count += 1;
    bytes += data.length;
    if (count % tenth === 0) trace.push(currentRssMb());
    if (count % memoryPauseEvery === 0) return sleep(memoryPauseMs).then(() => true);
    return true;
  };
  const start = meter.mark();
  await client.readStream(stream, memoryEvents, sink);
  const total = meter.between(start, meter.mark(), count);
  expectCount(count, memoryEvents, 'memory read');
  return whole(total, bytes, { rssTraceMb: trace });
};

/** The body of each scenario. */
export const BODIES: Readonly<Record<ScenarioId, Body>> = {
  's1-sequential-appends': sequentialAppends,
  's2-batch-appends': batchAppends,
  's3-concurrent-appends': concurrentAppends,
  's4-read-stream': readStream,
  's5-read-all': readAll,
  's6-catch-up-subscription': catchUpSubscription,
  's7-floor-read-stream': readStream,
  's8-concurrent-writers': concurrentWriters,
  's9-large-appends': largeAppends,
  's10-read-your-writes': readYourWrites,
  memory,
};

/**
 * The measured part of each scenario, run inside a client process against a {@link BenchClient}: the same code
 * for every client. Each body connects first (one small call, not measured), then measures.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import type { ScenarioId } from './config.js';
import type { BenchClient, EventSink } from './clients/bench-client.js';
import { currentRssMb, type Mark, meterFor, peakRssMb } from './meter.js';
import type { Interval, RunOk, RunTask } from './protocol.js';
import { eventData } from './raw-requests.js';
import { quantile } from './stats.js';

/** What a body needs besides the client: the task, and a way to tell the harness the subscription caught up. */
export interface BodyContext {
  readonly task: RunTask;
  readonly client: BenchClient;
  readonly caughtUp: () => void;
}

type Body = (context: BodyContext) => Promise<RunOk>;

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

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the task has no ${what}`);
  return value;
}

function expectCount(actual: number, expected: number, what: string): void {
  if (actual !== expected) throw new Error(`${what}: expected ${expected} events, got ${actual}`);
}

/** A finished run whose headline is its whole measured interval. */
function whole(total: Interval, dataBytes: number, extra: Partial<RunOk> = {}): RunOk {
  return { status: 'ok', total, headline: total, peakRssMb: peakRssMb(), dataBytes, ...extra };
}

const sequentialAppends: Body = async ({ task, client }) => {
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
  return whole(total, count * eventBytes, {
    latencyMs: { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) },
  });
};

const batchAppends: Body = async ({ task, client }) => {
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

const concurrentAppends: Body = async ({ task, client }) => {
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
  memory,
};

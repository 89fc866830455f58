/** What the scenario bodies share: their context, and the shapes of what they return. */
import type { BenchClient } from './clients/bench-client.js';
import { peakRssMb } from './meter.js';
import type { Interval, RunOk, RunTask } from './protocol.js';
import { quantile } from './stats.js';

/** What a body needs besides the client: the task, and a way to tell the harness the subscription caught up. */
export interface BodyContext {
  readonly task: RunTask;
  readonly client: BenchClient;
  readonly caughtUp: () => void;
}

/** The measured part of one scenario. */
export type Body = (context: BodyContext) => Promise<RunOk>;

export function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the task has no ${what}`);
  return value;
}

export function expectCount(actual: number, expected: number, what: string): void {
  if (actual !== expected) throw new Error(`${what}: expected ${expected} events, got ${actual}`);
}

/** A finished run whose headline is its whole measured interval. */
export function whole(total: Interval, dataBytes: number, extra: Partial<RunOk> = {}): RunOk {
  return { status: 'ok', total, headline: total, peakRssMb: peakRssMb(), dataBytes, ...extra };
}

/** The p50 and p99 of latency samples, in milliseconds. */
export function latencyOf(samplesMs: readonly number[]): RunOk['latencyMs'] {
  return { p50: quantile(samplesMs, 0.5), p99: quantile(samplesMs, 0.99) };
}

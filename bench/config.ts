/**
 * What a benchmark run does: the scenarios of issues 6 and 11, their sizes, and how many rounds. The full preset
 * is sized so that `npm run bench` finishes in about 10 minutes on a 2-core machine; `--quick` is a smoke run.
 */

/** The scenarios, numbered as in issues 6 (1 to 7) and 11 (8 to 10); `memory` is the flat-RSS scenario. */
export const SCENARIO_IDS = [
  's1-sequential-appends',
  's2-batch-appends',
  's3-concurrent-appends',
  's4-read-stream',
  's5-read-all',
  's6-catch-up-subscription',
  's7-floor-read-stream',
  's8-concurrent-writers',
  's9-large-appends',
  's10-read-your-writes',
  'memory',
] as const;

export type ScenarioId = (typeof SCENARIO_IDS)[number];

/** The clients compared: this repository's, the official one, and the raw gRPC floor (scenario 7 only). */
export type ClientName = 'ours' | 'official' | 'floor';

/** Sizes of the scenarios. */
export interface ScenarioSizes {
  /** Scenario 1: single-event appends, one after the other. */
  readonly sequentialAppends: number;
  /** Scenario 2: batches of {@link batchSize} events. */
  readonly batches: number;
  /** Scenario 2: events per batch (the issue says 100). */
  readonly batchSize: number;
  /** Scenarios 1 to 3 and the seeded events: bytes of each event's data (the issue says 200). */
  readonly eventBytes: number;
  /** Scenario 3: single-event appends in total. */
  readonly concurrentAppends: number;
  /** Scenario 3: appends in flight at any time (the issue says 100). */
  readonly inFlight: number;
  /** Scenario 8: writers appending at the same time, each to its own stream (the issue says 50). */
  readonly writers: number;
  /** Scenario 8: single-event appends by each writer, one after the other (the issue says 200). */
  readonly appendsPerWriter: number;
  /** Scenario 9: appends of {@link largeAppendEvents} events of {@link largeEventBytes} bytes. */
  readonly largeAppends: number;
  /** Scenario 9: events per append. */
  readonly largeAppendEvents: number;
  /** Scenario 9: bytes of each event's data. */
  readonly largeEventBytes: number;
  /** Scenario 10: append-then-read round trips, one after the other. */
  readonly roundTrips: number;
  /** Scenarios 4, 5, 7: events read; scenario 6: events caught up with. */
  readonly readEvents: number;
  /** Scenario 6: live events appended once the subscription has caught up. */
  readonly liveEvents: number;
  /** Memory scenario: events read. */
  readonly memoryEvents: number;
  /** Memory scenario: the consumer waits {@link memoryPauseMs} every this many events. */
  readonly memoryPauseEvery: number;
  /** Memory scenario: how long each pause lasts. */
  readonly memoryPauseMs: number;
}

/** One benchmark run. */
export interface BenchConfig {
  /** `full`, `quick` or `custom` (a test's tiny run): written into the results. */
  readonly preset: string;
  /** Rounds; in each, every scenario runs once per client, alternating ours, official, ours, official... */
  readonly rounds: number;
  /** Rounds of the memory scenario, the longest (at most {@link rounds}). */
  readonly memoryRounds: number;
  /** The scenarios to run, in this order. */
  readonly scenarios: readonly ScenarioId[];
  readonly sizes: ScenarioSizes;
  /** Where `latest.json`, `latest.md` and `latest.svg` go. */
  readonly outDir: string;
  /** Give up on a client process after this long (a stuck run is reported as an error, not waited for). */
  readonly runTimeoutMs: number;
  /**
   * When set, every client process and emulator writes a V8 CPU profile (`--cpu-prof`) into this directory,
   * named after the scenario, client and round (open them in Chrome DevTools or speedscope).
   */
  readonly profileDir?: string | undefined;
}

/**
 * Scenario 9's appends: 16 events of 65,000 bytes, 1,040,000 bytes of data. The server counts an event as its
 * data, its custom metadata and twice the UTF-16 length of its type (docs/protocol.md §3.18), so each append
 * counts 1,040,320 bytes against the 1,048,576-byte `MaxAppendSize` of the emulated server: as close to 1 MiB
 * as leaves a margin. Sixteen events of a full 64 KiB would be over the limit once the types are counted.
 */
const LARGE_APPEND_EVENTS = 16;
const LARGE_EVENT_BYTES = 65_000;

/** The sizes of issues 6 and 11. */
export const FULL_SIZES: ScenarioSizes = {
  sequentialAppends: 2_000,
  batches: 200,
  batchSize: 100,
  eventBytes: 200,
  concurrentAppends: 10_000,
  inFlight: 100,
  writers: 50,
  appendsPerWriter: 200,
  // 50 MiB per run: the write emulator keeps everything in memory, some 500 MiB over a full run's rounds.
  largeAppends: 50,
  largeAppendEvents: LARGE_APPEND_EVENTS,
  largeEventBytes: LARGE_EVENT_BYTES,
  roundTrips: 2_000,
  readEvents: 100_000,
  liveEvents: 10_000,
  memoryEvents: 1_000_000,
  memoryPauseEvery: 1_000,
  memoryPauseMs: 1,
};

/** A tenth of the work, for a quick look (the ratios are noisier). */
export const QUICK_SIZES: ScenarioSizes = {
  ...FULL_SIZES,
  sequentialAppends: 300,
  batches: 30,
  concurrentAppends: 2_000,
  appendsPerWriter: 20,
  largeAppends: 10,
  roundTrips: 300,
  readEvents: 10_000,
  liveEvents: 1_000,
  memoryEvents: 100_000,
};

/**
 * The default rounds of each preset. Five rounds keep the medians steady on a 2-core machine; the memory
 * scenario, which reads a million events per run, gets three so that the whole run stays near 6 minutes.
 */
export const FULL_ROUNDS = 5;
export const FULL_MEMORY_ROUNDS = 3;
export const QUICK_ROUNDS = 1;

/** A few events per scenario: for the harness's own test, which checks the plumbing and not the speed. */
export const TINY_SIZES: ScenarioSizes = {
  ...FULL_SIZES,
  sequentialAppends: 20,
  batches: 3,
  concurrentAppends: 200,
  writers: 5,
  appendsPerWriter: 10,
  largeAppends: 2,
  roundTrips: 20,
  readEvents: 500,
  liveEvents: 200,
  memoryEvents: 3_000,
};

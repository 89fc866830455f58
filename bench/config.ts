/**
 * What a benchmark run does: the scenarios of issue 6, their sizes, and how many rounds. The full preset is
 * sized so that `npm run bench` finishes in well under 10 minutes on a 2-core machine; `--quick` is a smoke run.
 */

/** The scenarios, numbered as in issue 6; `memory` is the flat-RSS scenario. */
export const SCENARIO_IDS = [
  's1-sequential-appends',
  's2-batch-appends',
  's3-concurrent-appends',
  's4-read-stream',
  's5-read-all',
  's6-catch-up-subscription',
  's7-floor-read-stream',
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

/** The sizes of issue 6. */
export const FULL_SIZES: ScenarioSizes = {
  sequentialAppends: 2_000,
  batches: 200,
  batchSize: 100,
  eventBytes: 200,
  concurrentAppends: 10_000,
  inFlight: 100,
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
  readEvents: 500,
  liveEvents: 200,
  memoryEvents: 3_000,
};

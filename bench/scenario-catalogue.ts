/** What each scenario is called, which clients run it, and which emulator it needs. */
import type { ClientName, ScenarioId, ScenarioSizes } from './config.js';

/**
 * The emulator a scenario runs against. Writes get one emulator; reads one seeded with the read corpus (and
 * scenario 6 seeds its own events before each run); the memory scenario one seeded with its million events,
 * started only after the others have stopped.
 */
export type Phase = 'writes' | 'reads' | 'memory';

export interface ScenarioInfo {
  readonly id: ScenarioId;
  /** A short name, for the chart. */
  readonly label: string;
  /** The scenario as the issue describes it, with this run's sizes. */
  title(sizes: ScenarioSizes): string;
  readonly phase: Phase;
  /** The clients that run it, in the order they alternate. */
  readonly clients: readonly ClientName[];
  /** What each latency sample times, for scenarios that measure latency (the report's latency table). */
  readonly latencyOf?: string;
  /** The report gives MiB of event data per second (scenario 9, where the appends are large). */
  readonly reportsThroughput?: boolean;
}

const BOTH: readonly ClientName[] = ['ours', 'official'];
const n = (value: number): string => value.toLocaleString('en-US');
const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(2);

export const SCENARIOS: Readonly<Record<ScenarioId, ScenarioInfo>> = {
  's1-sequential-appends': {
    id: 's1-sequential-appends',
    label: '1. sequential appends',
    title: (s) => `1. ${n(s.sequentialAppends)} sequential appends of 1 event`,
    phase: 'writes',
    clients: BOTH,
    latencyOf: 'one append',
  },
  's2-batch-appends': {
    id: 's2-batch-appends',
    label: '2. batch appends of 100',
    title: (s) => `2. ${n(s.batches)} appends of ${n(s.batchSize)} events of ${n(s.eventBytes)} bytes`,
    phase: 'writes',
    clients: BOTH,
  },
  's3-concurrent-appends': {
    id: 's3-concurrent-appends',
    label: '3. appends, 100 in flight',
    title: (s) => `3. ${n(s.concurrentAppends)} single-event appends, ${n(s.inFlight)} in flight`,
    phase: 'writes',
    clients: BOTH,
  },
  's4-read-stream': {
    id: 's4-read-stream',
    label: '4. read a stream',
    title: (s) => `4. read one stream of ${n(s.readEvents)} events forwards`,
    phase: 'reads',
    clients: BOTH,
  },
  's5-read-all': {
    id: 's5-read-all',
    label: '5. read $all',
    title: (s) => `5. read $all forwards over ${n(s.readEvents)} events`,
    phase: 'reads',
    clients: BOTH,
  },
  's6-catch-up-subscription': {
    id: 's6-catch-up-subscription',
    label: '6. catch-up subscription',
    title: (s) => `6. catch-up subscription over ${n(s.readEvents)} events, then ${n(s.liveEvents)} live`,
    phase: 'reads',
    clients: BOTH,
  },
  's7-floor-read-stream': {
    id: 's7-floor-read-stream',
    label: '7. raw floor: read a stream',
    title: () => `7. floor: scenario 4 with raw grpc-js and the generated codec`,
    phase: 'reads',
    clients: ['floor'],
  },
  's8-concurrent-writers': {
    id: 's8-concurrent-writers',
    label: '8. concurrent writers',
    title: (s) =>
      `8. ${n(s.writers)} concurrent writers × ${n(s.appendsPerWriter)} single-event appends, each to its own stream`,
    phase: 'writes',
    clients: BOTH,
    latencyOf: 'one append',
  },
  's9-large-appends': {
    id: 's9-large-appends',
    label: '9. appends of ~1 MiB',
    title: (s) =>
      `9. ${n(s.largeAppends)} appends of ${n(s.largeAppendEvents)} events of ${n(s.largeEventBytes)} bytes (${mib(s.largeAppendEvents * s.largeEventBytes)} MiB each)`,
    phase: 'writes',
    clients: BOTH,
    reportsThroughput: true,
  },
  's10-read-your-writes': {
    id: 's10-read-your-writes',
    label: '10. append, read it back',
    title: (s) => `10. ${n(s.roundTrips)} round trips: append 1 event, read it back`,
    phase: 'writes',
    clients: BOTH,
    latencyOf: 'append, then read it back',
  },
  memory: {
    id: 'memory',
    label: 'memory: slow consumer',
    title: (s) =>
      `memory: read ${n(s.memoryEvents)} events, waiting ${n(s.memoryPauseMs)} ms every ${n(s.memoryPauseEvery)}`,
    phase: 'memory',
    clients: BOTH,
  },
};

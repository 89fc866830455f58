/**
 * Statistics as the server reports them (Services/Management/ManagedProjection.cs `GetStatistics`, 24.10): the
 * status is the managed state, followed by the core projection's own status where it differs, and
 * ` (Enabled)` for a stopped or faulted projection that is still enabled; a projection whose core never ran
 * reports its managed state alone, with epoch and version -1.
 */
import type { ProjectionMode, ProjectionStatistics } from './projection-management.js';

/** The managed states the emulator's projections go through. */
export type ManagedState = 'Stopped' | 'Running' | 'Faulted' | 'Completed';

/** What a projection knows of itself for its statistics. */
export interface StatisticsInput {
  readonly name: string;
  readonly mode: ProjectionMode;
  readonly state: ManagedState;
  readonly enabled: boolean;
  /** False until a core has run: the server has no core statistics then. */
  readonly coreReported: boolean;
  readonly faultedReason: string;
  readonly position: string;
  readonly lastCheckpoint: string;
  readonly progress: number;
  readonly eventsProcessed: bigint;
  readonly partitionsCached: number;
  readonly coreProcessingTime: bigint;
  readonly epoch: number;
  readonly version: number;
}

/**
 * The status text: `Running`; `Stopped` or `Stopped (Enabled)`; `Faulted (Enabled)`; a completed one-time
 * projection's `Completed/Stopped/Writing results` (its core stopped in the write-results phase).
 */
export function statusText(input: Pick<StatisticsInput, 'state' | 'enabled' | 'coreReported'>): string {
  if (!input.coreReported) return input.state;
  if (input.state === 'Completed') return 'Completed/Stopped/Writing results';
  const suffix =
    (input.state === 'Stopped' || input.state === 'Faulted') && input.enabled ? ' (Enabled)' : '';
  return input.state + suffix;
}

/** The statistics the server would report, fields it does not track here being zero or empty. */
export function statisticsOf(input: StatisticsInput): ProjectionStatistics {
  const reported = input.coreReported;
  return {
    name: input.name,
    effectiveName: input.name,
    status: statusText(input),
    stateReason: input.state === 'Faulted' ? input.faultedReason : '',
    mode: input.mode,
    position: reported ? input.position : '',
    progress: reported ? input.progress : 0,
    lastCheckpoint: reported ? input.lastCheckpoint : '',
    eventsProcessedAfterRestart: reported ? input.eventsProcessed : 0n,
    checkpointStatus: '',
    bufferedEvents: 0n,
    writePendingEventsBeforeCheckpoint: 0,
    writePendingEventsAfterCheckpoint: 0,
    writesInProgress: 0,
    readsInProgress: 0,
    partitionsCached: reported ? input.partitionsCached : 0,
    coreProcessingTime: reported ? input.coreProcessingTime : 0n,
    version: reported ? BigInt(input.version) : -1n,
    epoch: reported ? BigInt(input.epoch) : -1n,
  };
}

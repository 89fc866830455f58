import type { StatisticsResp_Details } from '../../generated/projections.js';
import type { ProjectionStatistics } from '../projections/projection-statistics.js';

/** The public statistics of the server's `StatisticsResp.Details` (§2.8). */
export function projectionStatisticsOf(details: StatisticsResp_Details): ProjectionStatistics {
  return {
    name: details.name,
    effectiveName: details.effectiveName,
    status: details.status,
    stateReason: details.stateReason,
    mode: details.mode,
    position: details.position,
    progress: details.progress,
    lastCheckpoint: details.lastCheckpoint,
    eventsProcessedAfterRestart: details.eventsProcessedAfterRestart,
    checkpointStatus: details.checkpointStatus,
    bufferedEvents: details.bufferedEvents,
    writePendingEventsBeforeCheckpoint: details.writePendingEventsBeforeCheckpoint,
    writePendingEventsAfterCheckpoint: details.writePendingEventsAfterCheckpoint,
    writesInProgress: details.writesInProgress,
    readsInProgress: details.readsInProgress,
    partitionsCached: details.partitionsCached,
    coreProcessingTime: details.coreProcessingTime,
    version: details.version,
    epoch: details.epoch,
  };
}

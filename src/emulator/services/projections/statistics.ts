import type { CallContext } from 'nice-grpc';
import type { StatisticsReq, StatisticsResp } from '../../../generated/projections.js';
import type {
  ProjectionManagement,
  ProjectionStatistics,
  StatisticsSelector,
} from '../../projections/projection-management.js';
import type { EmulatorCallContext } from '../../server/call-context.js';
import { checkAuthenticatedAccess } from './access.js';
import { answerOf } from './management-errors.js';

/**
 * `Projections.Statistics` (§3.17.1; server: ProjectionManagement.Statistics.cs): one response per projection
 * the options select. An empty name selects like `all`, as the server reads it as no name.
 */
export function createStatistics(manager: ProjectionManagement) {
  return async function* statistics(
    request: StatisticsReq,
    context: EmulatorCallContext & CallContext,
  ): AsyncGenerator<StatisticsResp> {
    checkAuthenticatedAccess(context.user);
    const mode = request.options?.mode;
    if (request.options === undefined) throw new TypeError('the statistics request has no options');
    const selector = selectorOf(mode);
    const all = await answerOf(manager.statistics(selector), {
      expected: 'Statistics',
      notFoundName: 'name' in selector ? selector.name : '',
      signal: context.signal,
    });
    for (const details of all) yield { details: detailsOf(details) };
  };
}

function selectorOf(mode: NonNullable<StatisticsReq['options']>['mode']): StatisticsSelector {
  switch (mode?.$case) {
    case 'name':
      return mode.value === '' ? { all: true } : { name: mode.value };
    case 'transient':
      return { mode: 'Transient' };
    case 'continuous':
      return { mode: 'Continuous' };
    case 'oneTime':
      return { mode: 'OneTime' };
    default:
      return { all: true };
  }
}

function detailsOf(statistics: ProjectionStatistics): NonNullable<StatisticsResp['details']> {
  return {
    coreProcessingTime: statistics.coreProcessingTime,
    version: statistics.version,
    epoch: statistics.epoch,
    effectiveName: statistics.effectiveName,
    writesInProgress: statistics.writesInProgress,
    readsInProgress: statistics.readsInProgress,
    partitionsCached: statistics.partitionsCached,
    status: statistics.status,
    stateReason: statistics.stateReason,
    name: statistics.name,
    mode: statistics.mode,
    position: statistics.position,
    progress: statistics.progress,
    lastCheckpoint: statistics.lastCheckpoint,
    eventsProcessedAfterRestart: statistics.eventsProcessedAfterRestart,
    checkpointStatus: statistics.checkpointStatus,
    bufferedEvents: statistics.bufferedEvents,
    writePendingEventsBeforeCheckpoint: statistics.writePendingEventsBeforeCheckpoint,
    writePendingEventsAfterCheckpoint: statistics.writePendingEventsAfterCheckpoint,
  };
}

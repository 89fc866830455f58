/**
 * `getProjectionStatistics`: one projection's statistics, through `Projections.Statistics` (docs/protocol.md
 * §2.8, §3.17.1).
 */
import { checkProjectionName } from '../arguments/projection-checks.js';
import { type CallControl, methodOptions } from '../calls/call-control.js';
import type { ClientContext } from '../calls/client-context.js';
import { ProjectionNotFoundError } from '../errors/projection-errors.js';
import { projectionStatisticsOf } from '../wire/projection-statistics-of.js';
import { statisticsRequest } from '../wire/projection-requests.js';
import { callProjections } from './projection-call.js';
import type { ProjectionStatistics } from './projection-statistics.js';

/** The options of {@link EsdbClient.getProjectionStatistics}. */
export interface GetProjectionStatisticsOptions extends CallControl {
  /** The projection's name. */
  readonly name: string;
}

/**
 * The projection's statistics: the server streams one response for the named projection.
 * @throws ProjectionNotFoundError when there is no projection by that name.
 */
export async function getProjectionStatistics(
  context: ClientContext,
  options: GetProjectionStatisticsOptions,
): Promise<ProjectionStatistics> {
  const where = 'getProjectionStatistics';
  const { given, control } = methodOptions(options, ['name'], where, true);
  const name = checkProjectionName(given.name, `${where}: name`);
  const request = statisticsRequest(name);
  const details = await callProjections(
    context,
    control,
    name,
    async (node, attempt) => {
      for await (const response of node.projections.statistics(request, attempt)) return response.details;
      return undefined;
    },
    { idempotent: true },
  );
  if (details === undefined) throw new ProjectionNotFoundError(name);
  return projectionStatisticsOf(details);
}

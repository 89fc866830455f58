/** `updateProjection`: a projection's new query, through `Projections.Update` (docs/protocol.md §3.17.1). */
import { checkBoolean } from '../arguments/checks.js';
import { checkProjectionName, checkProjectionQuery } from '../arguments/projection-checks.js';
import { type CallControl, methodOptions } from '../calls/call-control.js';
import type { ClientContext } from '../calls/client-context.js';
import { updateRequest } from '../wire/projection-requests.js';
import { callProjections } from './projection-call.js';

/** The options of {@link EsdbClient.updateProjection}. */
export interface UpdateProjectionOptions extends CallControl {
  /** The projection's name. */
  readonly name: string;
  /** Its new JavaScript source. */
  readonly query: string;
  /** Whether it may emit events from now on. Default `false` (as esdbclient): the update always sets it. */
  readonly emitEnabled?: boolean | undefined;
}

const KEYS = ['name', 'query', 'emitEnabled'];

/**
 * Replaces the projection's query and emit setting.
 * @throws ProjectionNotFoundError when there is no projection by that name.
 */
export async function updateProjection(
  context: ClientContext,
  options: UpdateProjectionOptions,
): Promise<void> {
  const where = 'updateProjection';
  const { given, control } = methodOptions(options, KEYS, where, true);
  const name = checkProjectionName(given.name, `${where}: name`);
  const query = checkProjectionQuery(given.query, `${where}: query`);
  const emitEnabled = checkBoolean(given.emitEnabled, `${where}: emitEnabled`) ?? false;
  const request = updateRequest(name, query, emitEnabled);
  await callProjections(context, control, name, (node, attempt) => node.projections.update(request, attempt));
}

/**
 * `getProjectionResult`: a projection's result for one partition, through `Projections.Result`
 * (docs/protocol.md §3.17.1), a JSON value as for the state.
 */
import { checkPartition, checkProjectionName } from '../arguments/projection-checks.js';
import { methodOptions } from '../calls/call-control.js';
import type { ClientContext } from '../calls/client-context.js';
import { resultRequest } from '../wire/projection-requests.js';
import { type GetProjectionStateOptions, jsonValueOf, STATE_KEYS } from './get-projection-state.js';
import { callProjections } from './projection-call.js';

/** The options of {@link EsdbClient.getProjectionResult}. */
export type GetProjectionResultOptions = GetProjectionStateOptions;

/**
 * The partition's result (what `transformBy` / `outputState` make of the state) as a JSON value, `{}` when
 * it has none; typed `T` on the caller's word.
 * @throws ProjectionNotFoundError when there is no projection by that name.
 */
export async function getProjectionResult<T>(
  context: ClientContext,
  options: GetProjectionResultOptions,
): Promise<T> {
  const where = 'getProjectionResult';
  const { given, control } = methodOptions(options, STATE_KEYS, where, true);
  const name = checkProjectionName(given.name, `${where}: name`);
  const request = resultRequest(name, checkPartition(given.partition, `${where}: partition`));
  const response = await callProjections(
    context,
    control,
    name,
    (node, attempt) => node.projections.result(request, attempt),
    {
      idempotent: true,
    },
  );
  return jsonValueOf(response.result) as T;
}

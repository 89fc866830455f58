/** `enableProjection`: through `Projections.Enable` (docs/protocol.md §3.17.1). */
import type { ClientContext } from '../calls/client-context.js';
import { enableRequest } from '../wire/projection-requests.js';
import { callProjections, nameOnlyOptions, type ProjectionNameOptions } from './projection-call.js';

/** The options of {@link EsdbClient.enableProjection}. */
export type EnableProjectionOptions = ProjectionNameOptions;

/**
 * Starts a stopped projection from its last checkpoint.
 * @throws ProjectionNotFoundError when there is no projection by that name.
 */
export async function enableProjection(
  context: ClientContext,
  options: EnableProjectionOptions,
): Promise<void> {
  const { name, control } = nameOnlyOptions(options, 'enableProjection');
  const request = enableRequest(name);
  await callProjections(context, control, name, (node, attempt) => node.projections.enable(request, attempt));
}

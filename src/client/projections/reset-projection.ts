/** `resetProjection`: through `Projections.Reset` (docs/protocol.md §3.17.1). */
import type { ClientContext } from '../calls/client-context.js';
import { resetRequest } from '../wire/projection-requests.js';
import { callProjections, nameOnlyOptions, type ProjectionNameOptions } from './projection-call.js';

/** The options of {@link EsdbClient.resetProjection}. */
export type ResetProjectionOptions = ProjectionNameOptions;

/**
 * Makes the projection start over from the beginning of its input, its state and checkpoint discarded.
 * @throws ProjectionNotFoundError when there is no projection by that name.
 */
export async function resetProjection(
  context: ClientContext,
  options: ResetProjectionOptions,
): Promise<void> {
  const { name, control } = nameOnlyOptions(options, 'resetProjection');
  // `write_checkpoint` true, as esdbclient sends it; a 24.10 server does not read it (§3.17.1).
  const request = resetRequest(name, true);
  await callProjections(context, control, name, (node, attempt) => node.projections.reset(request, attempt));
}

/** `disableProjection`: through `Projections.Disable` (docs/protocol.md §3.17.1). */
import type { ClientContext } from '../calls/client-context.js';
import { disableRequest } from '../wire/projection-requests.js';
import { callProjections, nameOnlyOptions, type ProjectionNameOptions } from './projection-call.js';

/** The options of {@link EsdbClient.disableProjection}. */
export type DisableProjectionOptions = ProjectionNameOptions;

/**
 * Stops the projection after writing a checkpoint (`write_checkpoint` true, as esdbclient).
 * @throws ProjectionNotFoundError when there is no projection by that name.
 */
export async function disableProjection(
  context: ClientContext,
  options: DisableProjectionOptions,
): Promise<void> {
  const { name, control } = nameOnlyOptions(options, 'disableProjection');
  const request = disableRequest(name, true);
  await callProjections(context, control, name, (node, attempt) =>
    node.projections.disable(request, attempt),
  );
}

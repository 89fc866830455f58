/** `deleteProjection`: through `Projections.Delete` (docs/protocol.md §3.17.1). */
import { checkBoolean } from '../arguments/checks.js';
import { checkProjectionName } from '../arguments/projection-checks.js';
import { type CallControl, methodOptions } from '../calls/call-control.js';
import type { ClientContext } from '../calls/client-context.js';
import { deleteRequest } from '../wire/projection-requests.js';
import { callProjections } from './projection-call.js';

/** The options of {@link EsdbClient.deleteProjection}. */
export interface DeleteProjectionOptions extends CallControl {
  /** The projection's name. */
  readonly name: string;
  /**
   * Also soft-delete the streams it emitted to: those it tracked, so only a projection created with
   * `trackEmittedStreams` has any to delete (§3.17.2). Default `false`.
   */
  readonly deleteEmittedStreams?: boolean | undefined;
  /** Recorded by the server with the deletion; 24.10 deletes no stream for it (§3.17.2). Default `false`. */
  readonly deleteStateStream?: boolean | undefined;
  /** Also soft-delete its checkpoint stream (a continuous projection's). Default `false`. */
  readonly deleteCheckpointStream?: boolean | undefined;
}

const KEYS = ['name', 'deleteEmittedStreams', 'deleteStateStream', 'deleteCheckpointStream'];

/**
 * Deletes the projection, which must be stopped ({@link EsdbClient.disableProjection}) first.
 * @throws ProjectionNotFoundError when there is no projection by that name.
 * @throws ProjectionOperationFailedError when the server refuses, e.g. for a running or a system projection.
 */
export async function deleteProjection(
  context: ClientContext,
  options: DeleteProjectionOptions,
): Promise<void> {
  const where = 'deleteProjection';
  const { given, control } = methodOptions(options, KEYS, where, true);
  const name = checkProjectionName(given.name, `${where}: name`);
  const request = deleteRequest(name, {
    deleteEmittedStreams: checkBoolean(given.deleteEmittedStreams, `${where}: deleteEmittedStreams`) ?? false,
    deleteStateStream: checkBoolean(given.deleteStateStream, `${where}: deleteStateStream`) ?? false,
    deleteCheckpointStream:
      checkBoolean(given.deleteCheckpointStream, `${where}: deleteCheckpointStream`) ?? false,
  });
  await callProjections(context, control, name, (node, attempt) => node.projections.delete(request, attempt));
}

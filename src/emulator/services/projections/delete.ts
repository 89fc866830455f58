import type { CallContext } from 'nice-grpc';
import type { DeleteReq, DeleteResp } from '../../../generated/projections.js';
import type { ProjectionManagement } from '../../projections/projection-management.js';
import type { EmulatorCallContext } from '../../server/call-context.js';
import { checkProjectionsOperatorAccess, runAsOf } from './access.js';
import { answerOf } from './management-errors.js';

/** `Projections.Delete` (§3.17.1; server: ProjectionManagement.Delete.cs), for operators only. */
export function createDelete(manager: ProjectionManagement) {
  return async function deleteProjection(
    request: DeleteReq,
    context: EmulatorCallContext & CallContext,
  ): Promise<DeleteResp> {
    checkProjectionsOperatorAccess(context.user);
    const options = request.options;
    if (options === undefined) throw new TypeError('the delete request has no options');
    const deleteOptions = {
      deleteEmittedStreams: options.deleteEmittedStreams,
      deleteStateStream: options.deleteStateStream,
      deleteCheckpointStream: options.deleteCheckpointStream,
    };
    await answerOf(manager.delete(options.name, deleteOptions, runAsOf(context.user)), {
      expected: 'Updated',
      notFoundName: options.name,
      signal: context.signal,
    });
    return {};
  };
}

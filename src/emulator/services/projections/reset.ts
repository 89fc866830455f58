import type { CallContext } from 'nice-grpc';
import type { ResetReq, ResetResp } from '../../../generated/projections.js';
import type { ProjectionManagement } from '../../projections/projection-management.js';
import type { EmulatorCallContext } from '../../server/call-context.js';
import { checkAuthenticatedAccess, runAsOf } from './access.js';
import { answerOf } from './management-errors.js';

/**
 * `Projections.Reset` (§3.17.1; server: ProjectionManagement.Reset.cs): the projection starts over from the
 * beginning. The server checks it as the Create operation (any authenticated user).
 */
export function createReset(manager: ProjectionManagement) {
  return async function reset(
    request: ResetReq,
    context: EmulatorCallContext & CallContext,
  ): Promise<ResetResp> {
    checkAuthenticatedAccess(context.user);
    const options = request.options;
    if (options === undefined) throw new TypeError('the reset request has no options');
    await answerOf(manager.reset(options.name, options.writeCheckpoint, runAsOf(context.user)), {
      expected: 'Updated',
      notFoundName: options.name,
      signal: context.signal,
    });
    return {};
  };
}

import type { CallContext } from 'nice-grpc';
import type { DisableReq, DisableResp } from '../../../generated/projections.js';
import type { ProjectionManagement } from '../../projections/projection-management.js';
import type { EmulatorCallContext } from '../../server/call-context.js';
import { checkAuthenticatedAccess, runAsOf } from './access.js';
import { answerOf } from './management-errors.js';

/**
 * `Projections.Disable` (§3.17.1; server: ProjectionManagement.Disable.cs): with `write_checkpoint` the
 * manager's Disable, without it its Abort (stops without writing a checkpoint).
 */
export function createDisable(manager: ProjectionManagement) {
  return async function disable(
    request: DisableReq,
    context: EmulatorCallContext & CallContext,
  ): Promise<DisableResp> {
    checkAuthenticatedAccess(context.user);
    const options = request.options;
    if (options === undefined) throw new TypeError('the disable request has no options');
    await answerOf(manager.disable(options.name, options.writeCheckpoint, runAsOf(context.user)), {
      expected: 'Updated',
      notFoundName: options.name,
      signal: context.signal,
    });
    return {};
  };
}

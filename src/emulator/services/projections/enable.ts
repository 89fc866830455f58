import type { CallContext } from 'nice-grpc';
import type { EnableReq, EnableResp } from '../../../generated/projections.js';
import type { ProjectionManagement } from '../../projections/projection-management.js';
import type { EmulatorCallContext } from '../../server/call-context.js';
import { checkAuthenticatedAccess, runAsOf } from './access.js';
import { answerOf } from './management-errors.js';

/** `Projections.Enable` (§3.17.1; server: ProjectionManagement.Enable.cs): starts a stopped projection. */
export function createEnable(manager: ProjectionManagement) {
  return async function enable(
    request: EnableReq,
    context: EmulatorCallContext & CallContext,
  ): Promise<EnableResp> {
    checkAuthenticatedAccess(context.user);
    const options = request.options;
    if (options === undefined) throw new TypeError('the enable request has no options');
    await answerOf(manager.enable(options.name, runAsOf(context.user)), {
      expected: 'Updated',
      notFoundName: options.name,
      signal: context.signal,
    });
    return {};
  };
}

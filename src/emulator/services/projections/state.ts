import type { CallContext } from 'nice-grpc';
import type { StateReq, StateResp } from '../../../generated/projections.js';
import type { ProjectionManagement } from '../../projections/projection-management.js';
import type { EmulatorCallContext } from '../../server/call-context.js';
import { checkAuthenticatedAccess } from './access.js';
import { valueOfJson } from './json-value.js';
import { answerOf } from './management-errors.js';

/** `Projections.State` (§3.17.1; server: ProjectionManagement.Result.cs): a partition's state as a Value. */
export function createState(manager: ProjectionManagement) {
  return async function state(
    request: StateReq,
    context: EmulatorCallContext & CallContext,
  ): Promise<StateResp> {
    checkAuthenticatedAccess(context.user);
    const options = request.options;
    if (options === undefined) throw new TypeError('the state request has no options');
    const json = await answerOf(manager.state(options.name, options.partition), {
      expected: 'ProjectionState',
      notFoundName: options.name,
      signal: context.signal,
    });
    return { state: valueOfJson(json) };
  };
}

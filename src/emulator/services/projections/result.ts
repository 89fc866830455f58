import type { CallContext } from 'nice-grpc';
import type { ResultReq, ResultResp } from '../../../generated/projections.js';
import type { ProjectionManagement } from '../../projections/projection-management.js';
import type { EmulatorCallContext } from '../../server/call-context.js';
import { checkAuthenticatedAccess } from './access.js';
import { valueOfJson } from './json-value.js';
import { answerOf } from './management-errors.js';

/**
 * `Projections.Result` (§3.17.1; server: ProjectionManagement.Result.cs): a partition's result as a Value. The
 * server checks it as the State operation.
 */
export function createResult(manager: ProjectionManagement) {
  return async function result(
    request: ResultReq,
    context: EmulatorCallContext & CallContext,
  ): Promise<ResultResp> {
    checkAuthenticatedAccess(context.user);
    const options = request.options;
    if (options === undefined) throw new TypeError('the result request has no options');
    const json = await answerOf(manager.result(options.name, options.partition), {
      expected: 'ProjectionResult',
      notFoundName: options.name,
      signal: context.signal,
    });
    return { result: valueOfJson(json) };
  };
}

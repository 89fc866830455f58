import type { CallContext } from 'nice-grpc';
import type { UpdateReq, UpdateResp } from '../../../generated/projections.js';
import type { ProjectionManagement } from '../../projections/projection-management.js';
import type { EmulatorCallContext } from '../../server/call-context.js';
import { checkAuthenticatedAccess, runAsOf } from './access.js';
import { answerOf } from './management-errors.js';

/**
 * `Projections.Update` (§3.17.1; server: ProjectionManagement.Update.cs): a new query; `emit_enabled` sets the
 * emit option, `no_emit_options` keeps it, and a request with neither throws in the handler.
 */
export function createUpdate(manager: ProjectionManagement) {
  return async function update(
    request: UpdateReq,
    context: EmulatorCallContext & CallContext,
  ): Promise<UpdateResp> {
    checkAuthenticatedAccess(context.user);
    const options = request.options;
    if (options === undefined) throw new TypeError('the update request has no options');
    const emitOption = options.emitOption;
    if (emitOption === undefined) throw new TypeError('the update request has no emit option');
    const emitEnabled = emitOption.$case === 'emitEnabled' ? emitOption.value : undefined;
    await answerOf(manager.update(options.name, options.query, emitEnabled, runAsOf(context.user)), {
      expected: 'Updated',
      notFoundName: options.name,
      signal: context.signal,
    });
    return {};
  };
}

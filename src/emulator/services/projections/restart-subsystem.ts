import { Status } from 'nice-grpc';
import type { Empty } from '../../../generated/shared.js';
import {
  type ProjectionManagement,
  ProjectionManagementError,
} from '../../projections/projection-management.js';
import type { EmulatorCallContext } from '../../server/call-context.js';
import { RpcError } from '../../server/rpc-error.js';
import { checkProjectionsOperatorAccess } from './access.js';

/**
 * `Projections.RestartSubsystem` (§3.17.1; server: ProjectionManagement.RestartSubsystem.cs), for operators
 * only. A subsystem that is not started refuses with FAILED_PRECONDITION; the manager's error message is the
 * server's text (`Projection Subsystem cannot be restarted as it is in the wrong state: …`).
 */
export function createRestartSubsystem(manager: ProjectionManagement) {
  return async function restartSubsystem(_request: Empty, context: EmulatorCallContext): Promise<Empty> {
    checkProjectionsOperatorAccess(context.user);
    try {
      await manager.restartSubsystem();
    } catch (error: unknown) {
      if (error instanceof ProjectionManagementError && error.kind === 'not-running') {
        throw new RpcError(Status.FAILED_PRECONDITION, error.message);
      }
      throw error;
    }
    return {};
  };
}

import { forever } from 'abort-controller-x';
import { Status } from 'nice-grpc';
import { ProjectionManagementError } from '../../projections/projection-management.js';
import { RpcError } from '../../server/rpc-error.js';

/** The reply a handler waits for from the manager; it names it when it gets another (§3.17.1). */
export type ExpectedReply = 'Updated' | 'Statistics' | 'ProjectionState' | 'ProjectionResult';

/** The manager's reply message each refusal stands for (ProjectionManagementMessage.cs). */
const REPLY_OF_KIND: Readonly<Record<ProjectionManagementError['kind'], string>> = {
  'not-found': 'NotFound',
  conflict: 'Conflict',
  invalid: 'OperationFailed',
  'access-denied': 'NotAuthorized',
  'not-running': 'OperationFailed',
};

/** The options of {@link answerOf}. */
export interface CallSite {
  readonly expected: ExpectedReply;
  /** The name `Projection '…' not found` quotes; undefined where the handler has no NotFound case (Create). */
  readonly notFoundName: string | undefined;
  readonly signal: AbortSignal;
}

/**
 * Runs a manager operation and turns its refusal into what the server answers (§3.17.1,
 * ProjectionManagement.cs): NOT_FOUND for an unknown projection where the handler checks for it, UNKNOWN naming
 * the unexpected reply otherwise. A manager that has not started its projections never replies, so the call
 * stays unanswered until the client gives up. Other errors are the handler's own and pass through.
 */
export async function answerOf<T>(operation: Promise<T>, site: CallSite): Promise<T> {
  try {
    return await operation;
  } catch (error: unknown) {
    if (!(error instanceof ProjectionManagementError)) throw error;
    if (error.kind === 'not-running') return forever(site.signal);
    if (error.kind === 'not-found' && site.notFoundName !== undefined) {
      throw new RpcError(Status.NOT_FOUND, `Projection '${site.notFoundName}' not found`);
    }
    throw new RpcError(
      Status.UNKNOWN,
      `Envelope callback expected ${site.expected}, received ${REPLY_OF_KIND[error.kind]} instead`,
    );
  }
}

/**
 * The path every projection method's call takes: the leader, whatever the node preference (only the leader runs
 * projections; another node never answers: docs/protocol.md §3.17.1 "In a cluster"), fail-over, and the
 * projection errors the server signals by status and text.
 */
import { checkProjectionName } from '../arguments/projection-checks.js';
import { type CallControl, methodOptions } from '../calls/call-control.js';
import { type ClientContext, onLeader } from '../calls/client-context.js';
import { withFailover } from '../calls/failover.js';
import type { NodeClients } from '../connection/node-clients.js';
import { errorFromProjectionStatus } from '../errors/error-from-projection-status.js';

/**
 * Runs `operation` with fail-over, turning the server's projection errors into typed ones. Calls that only read
 * (statistics, state, result) pass `idempotent`, and are retried after a transient failure within their deadline.
 */
export async function callProjections<T>(
  context: ClientContext,
  control: CallControl,
  projectionName: string,
  operation: (node: NodeClients, attempt: CallControl) => Promise<T>,
  options: { readonly idempotent?: boolean } = {},
): Promise<T> {
  try {
    return await withFailover(onLeader(context), control, operation, options);
  } catch (error: unknown) {
    throw errorFromProjectionStatus(error, projectionName);
  }
}

/** The options of the methods that take only a projection's name. */
export interface ProjectionNameOptions extends CallControl {
  /** The projection's name. */
  readonly name: string;
}

/** Checks the options of a method that takes only a projection's name. */
export function nameOnlyOptions(
  options: ProjectionNameOptions,
  where: string,
): { readonly name: string; readonly control: CallControl } {
  const { given, control } = methodOptions(options, ['name'], where, true);
  return { name: checkProjectionName(given.name, `${where}: name`), control };
}

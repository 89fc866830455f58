/**
 * `restartProjectionsSubsystem`: through `Projections.RestartSubsystem` (docs/protocol.md §3.17.1).
 */
import { type CallControl, methodOptions } from '../calls/call-control.js';
import { type ClientContext, onLeader } from '../calls/client-context.js';
import { withFailover } from '../calls/failover.js';

/** The options of {@link EsdbClient.restartProjectionsSubsystem}. */
export type RestartProjectionsSubsystemOptions = CallControl;

/**
 * Restarts the server's projection subsystem: every projection stops and starts again from its checkpoint.
 * The server answers once the restart has begun.
 */
export async function restartProjectionsSubsystem(
  context: ClientContext,
  options?: RestartProjectionsSubsystemOptions,
): Promise<void> {
  const { control } = methodOptions(options, [], 'restartProjectionsSubsystem', false);
  await withFailover(onLeader(context), control, (node, attempt) =>
    node.projections.restartSubsystem({}, attempt),
  );
}

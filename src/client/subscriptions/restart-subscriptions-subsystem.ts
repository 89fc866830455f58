/**
 * `restartSubscriptionsSubsystem`: restarts every persistent subscription group of the server, through
 * `PersistentSubscriptions.RestartSubsystem` (docs/protocol.md §3.14, §3.14.1; servers from 21.10.1).
 */
import { type CallControl, methodOptions } from '../calls/call-control.js';
import { type ClientContext, onLeader } from '../calls/client-context.js';
import { withFailover } from '../calls/failover.js';

/** The options of {@link EsdbClient.restartSubscriptionsSubsystem}. */
export type RestartSubscriptionsSubsystemOptions = CallControl;

/**
 * Restarts the subsystem. The server answers before it restarts: it then drops every consumer and reloads the
 * groups from their settings, each resuming after its last checkpoint.
 */
export async function restartSubscriptionsSubsystem(
  context: ClientContext,
  options?: RestartSubscriptionsSubsystemOptions,
): Promise<void> {
  const { control } = methodOptions(options, [], 'restartSubscriptionsSubsystem', false);
  // Only the leader runs the subsystem (§3.14.1, "On other nodes"); restarting twice does no harm.
  await withFailover(onLeader(context), control, (node) => node.persistent.restartSubsystem({}, control));
}

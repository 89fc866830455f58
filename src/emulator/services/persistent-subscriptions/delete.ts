import type { CallContext } from 'nice-grpc';
import type { DeleteReq, DeleteResp } from '../../../generated/persistent.js';
import type { EmulatorNode } from '../../node.js';
import { persistentSubscriptionsOf } from '../../persistent/registry-of-node.js';
import type { EmulatorCallContext } from '../../server/call-context.js';
import { checkOperatorAccess } from './access.js';
import { throwUnlessSuccess } from './management-errors.js';
import { sourceNameOf } from './source-of.js';
import { unanswered } from './unanswered.js';

/**
 * `PersistentSubscriptions.Delete` (§3.14; server: PersistentSubscriptions.Delete.cs): `stream_identifier` (1)
 * or `all` (3), and the group name.
 */
export function createDelete(node: EmulatorNode) {
  const registry = persistentSubscriptionsOf(node);
  return function deleteGroup(
    request: DeleteReq,
    context: EmulatorCallContext & CallContext,
  ): Promise<DeleteResp> {
    checkOperatorAccess(context.user);
    const options = request.options;
    if (options === undefined) throw new TypeError('the delete request has no options');
    const streamName = sourceNameOf(options.streamOption);
    // An empty stream name is never answered by a 24.10 server (unanswered.ts).
    if (streamName === '') return unanswered(context.signal);
    const source =
      options.streamOption?.$case === 'all'
        ? { kind: 'all' as const }
        : { kind: 'stream' as const, streamName };
    throwUnlessSuccess(
      registry.delete(source, options.groupName, context.user.name),
      streamName,
      options.groupName,
    );
    return Promise.resolve({});
  };
}

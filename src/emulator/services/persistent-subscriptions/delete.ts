import type { DeleteReq, DeleteResp } from '../../../generated/persistent.js';
import type { EmulatorNode } from '../../node.js';
import { persistentSubscriptionsOf } from '../../persistent/registry-of-node.js';
import type { EmulatorCallContext } from '../../server/middleware.js';
import { checkOperatorAccess } from './access.js';
import { throwUnlessSuccess } from './management-errors.js';
import { sourceNameOf } from './source-of.js';

/**
 * `PersistentSubscriptions.Delete` (§3.14; server: PersistentSubscriptions.Delete.cs): `stream_identifier` (1)
 * or `all` (3), and the group name.
 */
export function createDelete(node: EmulatorNode) {
  const registry = persistentSubscriptionsOf(node);
  return function deleteGroup(request: DeleteReq, context: EmulatorCallContext): Promise<DeleteResp> {
    checkOperatorAccess(context.user);
    const options = request.options;
    if (options === undefined) throw new TypeError('the delete request has no options');
    const streamName = sourceNameOf(options.streamOption);
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

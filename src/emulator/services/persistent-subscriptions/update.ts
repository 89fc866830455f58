import type { CallContext } from 'nice-grpc';
import type { UpdateReq, UpdateResp } from '../../../generated/persistent.js';
import type { EmulatorNode } from '../../node.js';
import { updateCommandOf } from '../../persistent/group-request.js';
import { ALL_STREAM } from '../../persistent/names.js';
import { persistentSubscriptionsOf } from '../../persistent/registry-of-node.js';
import type { EmulatorCallContext } from '../../server/call-context.js';
import { checkOperatorAccess } from './access.js';
import { throwUnlessSuccess } from './management-errors.js';
import { unanswered } from './unanswered.js';

/**
 * `PersistentSubscriptions.Update` (§3.14 Update; server: PersistentSubscriptions.Update.cs): the group is
 * rebuilt and its consumers are dropped with CANCELLED `persistent-subscription-dropped`.
 */
export function createUpdate(node: EmulatorNode) {
  const registry = persistentSubscriptionsOf(node);
  return function update(
    request: UpdateReq,
    context: EmulatorCallContext & CallContext,
  ): Promise<UpdateResp> {
    if (request.options === undefined) throw new TypeError('the update request has no options');
    checkOperatorAccess(context.user);
    const command = updateCommandOf(request);
    // An empty stream name is never answered by a 24.10 server (unanswered.ts).
    if (command.kind === 'stream' && command.streamName === '') return unanswered(context.signal);
    const streamName = command.kind === 'stream' ? command.streamName : ALL_STREAM;
    throwUnlessSuccess(registry.update(command, context.user.name), streamName, command.groupName);
    return Promise.resolve({});
  };
}

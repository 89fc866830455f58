import type { CallContext } from 'nice-grpc';
import type { CreateReq, CreateResp } from '../../../generated/persistent.js';
import type { EmulatorNode } from '../../node.js';
import { createCommandOf } from '../../persistent/group-request.js';
import { ALL_STREAM } from '../../persistent/names.js';
import { persistentSubscriptionsOf } from '../../persistent/registry-of-node.js';
import type { EmulatorCallContext } from '../../server/call-context.js';
import { checkOperatorAccess } from './access.js';
import { throwUnlessSuccess } from './management-errors.js';
import { unanswered } from './unanswered.js';

/**
 * `PersistentSubscriptions.Create` (§3.14 Create; server: PersistentSubscriptions.Create.cs): the options are
 * dereferenced before the access check, the request is read in either shape, then the subsystem decides.
 */
export function createCreate(node: EmulatorNode) {
  const registry = persistentSubscriptionsOf(node);
  return function create(
    request: CreateReq,
    context: EmulatorCallContext & CallContext,
  ): Promise<CreateResp> {
    if (request.options === undefined) throw new TypeError('the create request has no options');
    checkOperatorAccess(context.user);
    const command = createCommandOf(request);
    // An empty stream name is never answered by a 24.10 server (unanswered.ts).
    if (command.kind === 'stream' && command.streamName === '') return unanswered(context.signal);
    const streamName = command.kind === 'stream' ? command.streamName : ALL_STREAM;
    throwUnlessSuccess(registry.create(command, context.user.name), streamName, command.groupName);
    return Promise.resolve({});
  };
}

import type { CallContext } from 'nice-grpc';
import type { ReadReq } from '../../../generated/streams.js';
import type { ReadResponse } from './read-responses.js';
import { checkStreamAccess } from '../../auth/check-stream-access.js';
import { admitStreamsRead } from '../../cluster/leader-requests.js';
import type { EmulatorNode } from '../../node.js';
import type { EmulatorCallContext } from '../../server/call-context.js';
import { subscribeToAll } from './all-subscription.js';
import { readAll } from './read-all.js';
import { readPlanOf, readTargetOf } from './read-request.js';
import { readStream } from './read-stream.js';
import { subscribeToStream } from './stream-subscription.js';

/**
 * `Streams.Read` (§3.7, §3.8; server: Streams.Read.cs): validates the request in the server's order (options,
 * `uuid_option`, `stream_option`, the read access check, then the allowed combinations and their arguments) and
 * runs the plain read or catch-up subscription it asks for. Messages go out as the client takes them: nice-grpc
 * waits for the transport to drain before pulling the next one.
 */
export function createRead(node: EmulatorNode) {
  return async function* read(
    request: ReadReq,
    context: EmulatorCallContext & CallContext,
  ): AsyncGenerator<ReadResponse, void, undefined> {
    const target = readTargetOf(request);
    checkStreamAccess(node.store, context.user, 'read', target.streamName);
    const plan = readPlanOf(target);
    // The read goes to the node controller, which refuses it on a non-leader when `requires-leader` is set.
    if (plan.kind !== 'nothing') admitStreamsRead(node, context);
    switch (plan.kind) {
      case 'nothing':
        return;
      case 'read-stream':
        yield* readStream(node.store, plan, context.signal);
        return;
      case 'read-all':
        yield* readAll(node.store, plan, context.signal);
        return;
      case 'subscribe-stream':
        yield* subscribeToStream(node.store, plan, context.signal);
        return;
      case 'subscribe-all':
        yield* subscribeToAll(node.store, plan, context.signal);
        return;
    }
  };
}

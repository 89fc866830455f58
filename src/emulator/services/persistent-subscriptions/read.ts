import type { CallContext } from 'nice-grpc';
import type { ReadReq } from '../../../generated/persistent.js';
import { checkStreamAccess } from '../../auth/check-stream-access.js';
import type { EmulatorNode } from '../../node.js';
import { persistentSubscriptionsOf } from '../../persistent/registry-of-node.js';
import type { EmulatorCallContext } from '../../server/call-context.js';
import { rpcErrors } from '../../server/rpc-error.js';
import type { UuidForm } from '../../wire/uuid.js';
import { pumpAcks } from './ack-pump.js';
import { DeliveryQueue } from './delivery-queue.js';
import { eventMessage, type PersistentReadResponse, subscriptionConfirmation } from './read-responses.js';
import { sourceNameOf } from './source-of.js';

/** The request header NODE and NET send, shown as the consumer's connection name (§4). */
const CONNECTION_NAME_HEADER = 'connection-name';
const UNKNOWN_CONNECTION_NAME = '<unknown>';

/**
 * `PersistentSubscriptions.Read` (§3.14 Read; server: PersistentSubscriptions.Read.cs): options first, then the
 * stream read access check, then the group connection; the confirmation carries `<stream>::<group>`, messages
 * follow as the group pushes them, and acks and nacks are read alongside. The call ends when the client cancels,
 * or with CANCELLED `persistent-subscription-dropped` when the group is updated, deleted or restarted. When it
 * ends, whatever the consumer still held is retried.
 */
export function createRead(node: EmulatorNode) {
  const registry = persistentSubscriptionsOf(node);
  return async function* read(
    requests: AsyncIterable<ReadReq>,
    context: EmulatorCallContext & CallContext,
  ): AsyncGenerator<PersistentReadResponse, void, undefined> {
    const iterator = requests[Symbol.asyncIterator]();
    const first = await iterator.next();
    // A client that closes without a word gets OK.
    if (first.done === true) return;
    if (first.value.content?.$case !== 'options')
      throw new TypeError('the first read message must carry options');
    const options = first.value.content.value;
    const source = sourceNameOf(options.streamOption);
    // `Subscriptions.ProcessMessages`: an authenticated user who may read the stream (or `$all`).
    checkStreamAccess(node.store, context.user, 'read', source);
    const connectionName = context.metadata.get(CONNECTION_NAME_HEADER) ?? UNKNOWN_CONNECTION_NAME;
    // The server reads `uuid_option` without a null check; an unset content means structured.
    if (options.uuidOption === undefined) throw new TypeError('the read options have no uuid_option');
    const uuidForm: UuidForm = options.uuidOption.content?.$case === 'string' ? 'string' : 'structured';
    // The server's bounded channel needs a capacity of at least 1, and its stream name must not be null.
    if (options.bufferSize < 1) throw new RangeError('buffer_size must be positive');
    if (source === '') throw new TypeError('the read names no stream');
    // The subsystem's connect message requires a group name (ClientMessage.ConnectToPersistentSubscriptionTo*,
    // Ensure.NotNullOrEmpty): an unhandled exception before any group is looked up.
    if (options.groupName === '') throw new TypeError('the read names no group');

    const groupName = options.groupName;
    const queue = new DeliveryQueue<PersistentReadResponse>();
    const outcome = registry.connect(
      source,
      groupName,
      { connectionName, username: context.user.name, maxInFlight: options.bufferSize },
      {
        deliver: (resolved, retryCount) => {
          queue.push(eventMessage(resolved, retryCount, uuidForm));
        },
        dropped: () => {
          queue.fail(rpcErrors.persistentSubscriptionDropped(source, groupName));
        },
      },
    );
    if (outcome.kind === 'not-found') throw rpcErrors.persistentSubscriptionDoesNotExist(source, groupName);
    if (outcome.kind === 'max-subscribers') throw rpcErrors.maximumSubscribersReached(source, groupName);

    let ended = false;
    void pumpAcks(iterator, registry, outcome.subscriptionId, () => ended);
    try {
      yield subscriptionConfirmation(outcome.subscriptionId);
      for (;;) {
        const message = await queue.next(context.signal);
        if (message === undefined) return;
        yield message;
      }
    } finally {
      ended = true;
      registry.disconnect(outcome.consumer);
    }
  };
}

import type { EmulatorNode } from '../../node.js';
import { createCreate } from './create.js';
import { createDelete } from './delete.js';
import { createGetInfo } from './get-info.js';
import { createList } from './list.js';
import { createRead } from './read.js';
import { createReplayParked } from './replay-parked.js';
import { createRestartSubsystem } from './restart-subsystem.js';
import { truncateParked } from './truncate-parked.js';
import { createUpdate } from './update.js';

/**
 * The `event_store.client.persistent_subscriptions.PersistentSubscriptions` service, one module per method. The
 * groups live in the node's subsystem (`persistentSubscriptionsOf(node)`), which must be closed when the node
 * stops.
 */
export function createPersistentSubscriptionsService(node: EmulatorNode) {
  return {
    create: createCreate(node),
    update: createUpdate(node),
    delete: createDelete(node),
    read: createRead(node),
    getInfo: createGetInfo(node),
    replayParked: createReplayParked(node),
    truncateParked,
    list: createList(node),
    restartSubsystem: createRestartSubsystem(node),
  };
}

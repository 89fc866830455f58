import type { EmulatorNode } from '../../node.js';
import { createAppend } from './append.js';
import { createBatchAppend } from './batch-append.js';
import { createDelete, createTombstone } from './delete.js';
import { createRead } from './read.js';

/** The `event_store.client.streams.Streams` service, one module per method. */
export function createStreamsService(node: EmulatorNode) {
  return {
    read: createRead(node),
    append: createAppend(node),
    delete: createDelete(node),
    tombstone: createTombstone(node),
    batchAppend: createBatchAppend(node),
  };
}

import type { EventStore } from '../store/event-store.js';
import { CHECKPOINT_EVENT_TYPE, checkpointStreamOf, LEGACY_CHECKPOINT_EVENT_TYPE } from './names.js';

/**
 * Loads a group's last checkpoint (server: PersistentSubscriptionCheckpointReader.cs): the latest visible event
 * of its checkpoint stream, if it is a checkpoint, read as a JSON string. Anything else means no checkpoint.
 */
export function loadCheckpoint(store: EventStore, key: string): string | undefined {
  const view = store.readStream(checkpointStreamOf(key));
  if (view.kind !== 'found' || view.lastEventNumber < view.firstVisible) return undefined;
  const last = view.events[view.lastEventNumber];
  if (last === undefined) return undefined;
  if (last.eventType !== CHECKPOINT_EVENT_TYPE && last.eventType !== LEGACY_CHECKPOINT_EVENT_TYPE)
    return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(last.data).toString('utf8'));
    // Newtonsoft turns a JSON number into its text when asked for a string.
    if (typeof value === 'string') return value;
    if (typeof value === 'number') return value.toString();
    return undefined;
  } catch {
    return undefined;
  }
}

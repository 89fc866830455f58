/**
 * Names the persistent-subscription subsystem uses (§3.14 "Identity"; server: PersistentSubscriptionService.cs,
 * PersistentSubscriptionCheckpointWriter.cs, PersistentSubscriptionMessageParker.cs, SystemNames.cs).
 */

/** The event source of a group on the whole log. */
export const ALL_STREAM = '$all';

/** `<stream>::<group>`: the server's key of a group, and the `subscription_id` of the confirmation. */
export function groupKey(eventSource: string, groupName: string): string {
  return `${eventSource}::${groupName}`;
}

/** Where parked messages of the group `key` go, as `$>` link events. */
export function parkedStreamOf(key: string): string {
  return `$persistentsubscription-${key}-parked`;
}

/** Where the group `key` writes its `$SubscriptionCheckpoint` events. */
export function checkpointStreamOf(key: string): string {
  return `$persistentsubscription-${key}-checkpoint`;
}

/** Event type of a checkpoint. */
export const CHECKPOINT_EVENT_TYPE = '$SubscriptionCheckpoint';

/** The old checkpoint type without the dollar, which the checkpoint reader still accepts. */
export const LEGACY_CHECKPOINT_EVENT_TYPE = 'SubscriptionCheckpoint';

import type { StoredEvent } from '../store/stored-event.js';
import { allSource, sourceName, sourceTakesLive } from './event-source.js';
import type { PersistentSubscriptionGroup } from './group.js';
import { ALL_STREAM } from './names.js';

/**
 * The groups of one subsystem, by key and by source (as PersistentSubscriptionService.cs keeps them). Sources
 * keep the order in which they first got a group, and keep their entry when emptied: List then still knows the
 * source.
 */
export class GroupIndex {
  private readonly topics = new Map<string, PersistentSubscriptionGroup[]>();
  private readonly groups = new Map<string, PersistentSubscriptionGroup>();

  /** The group with this key (`<source>::<group>`). */
  get(key: string): PersistentSubscriptionGroup | undefined {
    return this.groups.get(key);
  }

  has(key: string): boolean {
    return this.groups.has(key);
  }

  /** The groups of a source; undefined when the source never had a group since the index was made. */
  ofSource(source: string): readonly PersistentSubscriptionGroup[] | undefined {
    return this.topics.get(source);
  }

  /** Every group, in the order they were added. */
  all(): IterableIterator<PersistentSubscriptionGroup> {
    return this.groups.values();
  }

  /** Every group, source by source in the order sources first got a group. */
  bySource(): PersistentSubscriptionGroup[] {
    return [...this.topics.values()].flat();
  }

  /** The groups a newly committed record goes to: its stream's, then `$all`'s unless the default exclusions drop it. */
  takingLive(record: StoredEvent): PersistentSubscriptionGroup[] {
    return [
      ...(this.topics.get(record.streamName) ?? []),
      ...(sourceTakesLive(allSource(undefined), record) ? (this.topics.get(ALL_STREAM) ?? []) : []),
    ];
  }

  add(group: PersistentSubscriptionGroup): void {
    const name = sourceName(group.source);
    const topic = this.topics.get(name) ?? [];
    if (!this.topics.has(name)) this.topics.set(name, topic);
    topic.push(group);
    this.groups.set(group.key, group);
  }

  /** Puts `replacement` where `old` was, keeping its place in its source. */
  replace(old: PersistentSubscriptionGroup, replacement: PersistentSubscriptionGroup): void {
    const topic = this.topics.get(sourceName(old.source));
    const index = topic?.indexOf(old) ?? -1;
    if (topic !== undefined && index >= 0) topic[index] = replacement;
    this.groups.set(replacement.key, replacement);
  }

  remove(group: PersistentSubscriptionGroup): void {
    const topic = this.topics.get(sourceName(group.source));
    const index = topic?.indexOf(group) ?? -1;
    if (topic !== undefined && index >= 0) topic.splice(index, 1);
    this.groups.delete(group.key);
  }
}

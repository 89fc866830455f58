import type { Consumer } from './consumer.js';
import type { ConsumerStrategy, PushResult } from './consumer-strategy.js';
import { correlationIdOf } from './correlation-id.js';
import { LINK_EVENT_TYPE } from '../store/link-resolution.js';
import type { OutstandingMessage } from './outstanding-message.js';
import { BUCKET_COUNT, PinnedConsumerState } from './pinned-consumer-state.js';
import type { ResolvedEvent } from './resolved-event.js';
import { xxHashOfString } from './xxhash.js';

/**
 * Pinned (PinnablePersistentSubscriptionConsumerStrategy.cs, PinnedPersistentSubscriptionConsumerStrategy.cs):
 * a message goes to the consumer that owns the bucket of its source stream, so one stream stays with one
 * consumer while it is connected (§3.14 step 3). A full owner means the message is skipped for now.
 */
export class PinnedStrategy implements ConsumerStrategy {
  readonly name: string = 'Pinned';
  private readonly state = new PinnedConsumerState();

  clientAdded(consumer: Consumer): void {
    this.state.addNode(consumer);
    consumer.onConfirmed((owner, resolved) => {
      this.state.eventRemoved(owner, this.bucketOf(resolved));
    });
  }

  clientRemoved(consumer: Consumer): void {
    this.state.disconnect(consumer);
  }

  push(message: OutstandingMessage): PushResult {
    if (this.state.availableCapacity === 0) return 'no-capacity';
    const bucket = this.bucketOf(message.resolved);
    if (this.state.buckets[bucket]?.state !== 'assigned') this.state.assignToLeastLoaded(bucket);
    const owner = this.state.buckets[bucket]?.node?.consumer;
    if (owner === undefined || !owner.push(message)) return 'skipped';
    this.state.eventSent(bucket);
    return 'sent';
  }

  protected assignmentSource(resolved: ResolvedEvent): string {
    return sourceStreamOf(resolved);
  }

  private bucketOf(resolved: ResolvedEvent): number {
    return xxHashOfString(this.assignmentSource(resolved)) % BUCKET_COUNT;
  }
}

/**
 * PinnedByCorrelation (PinnedByCorrelationPersistentSubscriptionConsumerStrategy.cs): pins on the
 * `$correlationId` of the event's metadata, falling back to the source stream.
 */
export class PinnedByCorrelationStrategy extends PinnedStrategy {
  override readonly name: string = 'PinnedByCorrelation';

  protected override assignmentSource(resolved: ResolvedEvent): string {
    const record = resolved.event ?? resolved.link;
    const correlation = record === undefined ? undefined : correlationIdOf(record.metadata);
    return correlation ?? sourceStreamOf(resolved);
  }
}

/**
 * The stream a message comes from: the resolved event's stream, or for a link that was not resolved, the stream
 * named after the `@` in its data.
 */
function sourceStreamOf(resolved: ResolvedEvent): string {
  const record = resolved.event ?? resolved.link;
  if (record === undefined) return '';
  if (record.eventType !== LINK_EVENT_TYPE) return record.streamName;
  const data = Buffer.from(record.data).toString('utf8');
  const at = data.indexOf('@');
  return at < 0 ? data : data.slice(at + 1);
}

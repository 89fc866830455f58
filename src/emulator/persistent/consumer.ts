import type { OutstandingMessage } from './outstanding-message.js';
import { RequestStatistics, type Measurement } from './request-statistics.js';
import type { ResolvedEvent } from './resolved-event.js';

/** The gRPC call behind a consumer. */
export interface ConsumerConnection {
  /** Sends one message (`PersistentSubscriptionStreamEventAppeared`). */
  deliver(resolved: ResolvedEvent, retryCount: number): void;
  /** The server dropped the consumer: the group was updated, deleted or restarted (§3.14 step 8). */
  dropped(): void;
}

/** Who connects, and how many unacknowledged messages it takes (`ReadReq.Options.buffer_size`). */
export interface ConsumerDetails {
  readonly connectionName: string;
  readonly username: string;
  readonly maxInFlight: number;
}

let nextConsumerId = 0;

/**
 * One connected Read call of a group (server: PersistentSubscriptionClient.cs): it has `maxInFlight` slots,
 * and a message holds one until it is acknowledged, nacked, times out or the consumer leaves.
 */
export class Consumer {
  readonly id = nextConsumerId++;
  /** gRPC consumers report an empty `from` (PersistentSubscriptions.Read.cs passes string.Empty). */
  readonly from = '';
  /** The total at the previous statistics sample: rates are measured between samples. */
  lastTotalItems = 0;
  private slots: number;
  private pushed = 0;
  private readonly unconfirmed = new Map<string, OutstandingMessage>();
  private readonly statistics: RequestStatistics | undefined;
  private readonly confirmedListeners: ((consumer: Consumer, resolved: ResolvedEvent) => void)[] = [];

  constructor(
    readonly details: ConsumerDetails,
    private readonly connection: ConsumerConnection,
    extraStatistics: boolean,
  ) {
    this.slots = details.maxInFlight;
    this.statistics = extraStatistics ? new RequestStatistics(1000) : undefined;
  }

  get availableSlots(): number {
    return this.slots;
  }

  get inFlightMessages(): number {
    return this.unconfirmed.size;
  }

  get totalItems(): number {
    return this.pushed;
  }

  get maxInFlight(): number {
    return this.details.maxInFlight;
  }

  /** Called whenever one of this consumer's messages stops being in flight (pinned strategies count them). */
  onConfirmed(listener: (consumer: Consumer, resolved: ResolvedEvent) => void): void {
    this.confirmedListeners.push(listener);
  }

  /** Sends `message` if a slot is free. */
  push(message: OutstandingMessage): boolean {
    if (this.slots <= 0) return false;
    this.slots -= 1;
    this.pushed += 1;
    this.statistics?.start(message.eventId);
    this.connection.deliver(message.resolved, message.retryCount);
    if (!this.unconfirmed.has(message.eventId)) this.unconfirmed.set(message.eventId, message);
    return true;
  }

  /** Frees the slots of the given ids; true if any was this consumer's. */
  removeFromProcessing(eventIds: readonly string[]): boolean {
    let removed = false;
    for (const eventId of eventIds) {
      this.statistics?.end(eventId);
      const message = this.unconfirmed.get(eventId);
      if (message === undefined) continue;
      this.unconfirmed.delete(eventId);
      removed = true;
      this.slots += 1;
      for (const listener of this.confirmedListeners) listener(this, message.resolved);
    }
    return removed;
  }

  /** The messages this consumer still holds: they are retried when it leaves. */
  unconfirmedMessages(): OutstandingMessage[] {
    return [...this.unconfirmed.values()];
  }

  sendDropNotification(): void {
    this.connection.dropped();
  }

  measurements(): Measurement[] {
    return this.statistics?.details() ?? [];
  }
}

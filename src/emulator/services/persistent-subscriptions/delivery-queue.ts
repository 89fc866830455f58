import { waitForWake } from '../../async/wait-for-wake.js';

/**
 * What a Read call has to send, in order: messages the subsystem delivered while the call was busy, then possibly
 * the error that ends it. Like the server's channel (PersistentSubscriptions.Read.cs), messages queued before a
 * drop still go out before the drop's error.
 */
export class DeliveryQueue<T> {
  private readonly items: T[] = [];
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  push(item: T): void {
    if (this.failure !== undefined) return;
    this.items.push(item);
    this.wake?.();
  }

  fail(error: Error): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    this.wake?.();
  }

  /** The next item; throws the failure once the items are gone; undefined when `signal` aborts first. */
  async next(signal: AbortSignal): Promise<T | undefined> {
    for (;;) {
      if (signal.aborted) return undefined;
      const item = this.items.shift();
      if (item !== undefined) return item;
      if (this.failure !== undefined) throw this.failure;
      await waitForWake(signal, (wake) => (this.wake = wake));
    }
  }
}

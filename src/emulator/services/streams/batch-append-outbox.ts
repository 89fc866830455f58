import { AbortError } from 'abort-controller-x';
import type { BatchAppendResp } from '../../../generated/streams.js';

/** Put in the queue when the client half-closes, behind every response queued before it. */
const CLOSING = Symbol('closing');

/** An error that ends the call once the responses queued before it have gone out. */
class QueuedFailure {
  constructor(readonly error: unknown) {}
}

/**
 * The response side of one BatchAppend call, as the server's `Send` loop and its channel behave
 * (Streams.BatchAppend.cs, 24.10): responses go out in the order they were queued, and the call stays open
 * after errors. The call ends with OK only after the client has half-closed, and then only once a response
 * sent after the half-close brings the server's counter back to zero or above. That counter goes up for each
 * batch handed to the writer and down for every response sent, error responses included. So:
 * - a half-close while writes are still outstanding ends the call after the next response (with several
 *   outstanding, the ones after it are never sent);
 * - a half-close after every write has been answered leaves the call open until the client cancels it.
 * §3.5 summarises this as "flushes the pending responses and ends with OK", which is the common case only.
 */
export class BatchAppendOutbox implements AsyncIterable<BatchAppendResp> {
  private readonly queue: (BatchAppendResp | typeof CLOSING | QueuedFailure)[] = [];
  private wake: (() => void) | undefined;
  private failure: { readonly error: unknown } | undefined;
  private pendingWrites = 0;

  constructor(signal: AbortSignal) {
    // A cancelled call ends at once, whatever is still queued.
    if (signal.aborted) this.fail(new AbortError());
    else
      signal.addEventListener(
        'abort',
        () => {
          this.fail(new AbortError());
        },
        { once: true },
      );
  }

  /** Queues a response. */
  push(response: BatchAppendResp): void {
    this.queue.push(response);
    this.notify();
  }

  /** Counts a batch handed to the writer; its response arrives later through {@link push}. */
  writeSubmitted(): void {
    this.pendingWrites += 1;
  }

  /** The client half-closed: no more requests. */
  close(): void {
    this.queue.push(CLOSING);
    this.notify();
  }

  /**
   * Ends the call with `error` after the responses already queued, as an exception the server's write callback
   * completes its channel with does (`writer.TryComplete(ex)`: the `Send` loop drains the channel, then throws).
   */
  failAfterQueued(error: unknown): void {
    this.queue.push(new QueuedFailure(error));
    this.notify();
  }

  /** Ends the call with `error` (an unhandled exception or a cancellation); queued responses are dropped. */
  fail(error: unknown): void {
    this.failure ??= { error };
    this.notify();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<BatchAppendResp> {
    let closing = false;
    for (;;) {
      if (this.failure !== undefined) throw this.failure.error;
      const next = this.queue.shift();
      if (next === undefined) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      if (next === CLOSING) {
        closing = true;
        continue;
      }
      if (next instanceof QueuedFailure) throw next.error;
      yield next;
      this.pendingWrites -= 1;
      if (this.pendingWrites >= 0 && closing) return;
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

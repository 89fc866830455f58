/**
 * The request side of a bidirectional call, written to while the call runs: an async iterable that nice-grpc
 * pulls messages from. Ending it half-closes the call (nice-grpc ends the request stream when the iterable
 * is done).
 */

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/** A queue of outgoing messages. */
export class RequestQueue<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  #ended = false;
  #waiting: ((result: IteratorResult<T, undefined>) => void) | undefined;

  /** @param initial the messages that open the call, if any. */
  constructor(...initial: T[]) {
    this.#items.push(...initial);
  }

  /** Whether {@link end} was called. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Queues a message; ignored once the queue has ended. */
  push(item: T): void {
    if (this.#ended) return;
    const waiting = this.#waiting;
    if (waiting !== undefined) {
      this.#waiting = undefined;
      waiting({ done: false, value: item });
    } else {
      this.#items.push(item);
    }
  }

  /** Ends the queue: the messages already queued are still sent, then the request stream is closed. */
  end(): void {
    this.#ended = true;
    if (this.#items.length === 0) this.#release();
  }

  /** The messages for nice-grpc to send: done once the queue has ended and is empty. */
  [Symbol.asyncIterator](): AsyncIterator<T, undefined> {
    return {
      next: () => {
        const item = this.#items.shift();
        if (item !== undefined) return Promise.resolve({ done: false, value: item });
        if (this.#ended) return Promise.resolve(DONE);
        return new Promise((resolve) => (this.#waiting = resolve));
      },
      return: () => {
        this.#ended = true;
        this.#items.length = 0;
        this.#release();
        return Promise.resolve(DONE);
      },
    };
  }

  #release(): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.(DONE);
  }
}

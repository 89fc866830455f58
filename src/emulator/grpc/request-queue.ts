/**
 * The requests of a client- or bidi-streaming call as an async iterable, fed by the HTTP/2 stream. The stream is
 * paused while the handler lags behind by more than a few messages, so a fast client cannot fill memory.
 */
export class RequestQueue<Request> implements AsyncIterable<Request> {
  private readonly items: Request[] = [];
  private ended = false;
  private failure: Error | undefined;
  private waiting: (() => void) | undefined;

  constructor(
    private readonly pause: () => void,
    private readonly resume: () => void,
    private readonly highWaterMark = 16,
  ) {}

  push(item: Request): void {
    this.items.push(item);
    if (this.items.length >= this.highWaterMark) this.pause();
    this.wake();
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  fail(error: unknown): void {
    this.failure ??= error instanceof Error ? error : new Error(String(error));
    this.wake();
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Request, void, undefined> {
    for (;;) {
      if (this.failure !== undefined) throw this.failure;
      const item = this.items.shift();
      if (item !== undefined) {
        if (this.items.length < this.highWaterMark / 2) this.resume();
        yield item;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }
}

/**
 * The events of a subscription as one long-lived sequence that several `for await` loops can take turns on.
 * Leaving a loop early (`break`) pauses the sequence instead of ending it, so the next loop continues where
 * the last one stopped, as iterating the seed's subscription objects does in Python. Only {@link end} ends it.
 */

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/** A lazily started async generator, shared by successive loops. */
export class ResumableEvents<T> implements AsyncIterable<T> {
  readonly #start: () => AsyncGenerator<T, void, undefined>;
  #generator: AsyncGenerator<T, void, undefined> | undefined;
  #ended = false;

  /** @param start makes the generator, on the first `next()`: the call starts when the events are wanted. */
  constructor(start: () => AsyncGenerator<T, void, undefined>) {
    this.#start = start;
  }

  /** Whether the generator has been started. */
  get started(): boolean {
    return this.#generator !== undefined;
  }

  /** A loop's view of the events: its `return()` (a `break`) leaves the sequence running. */
  [Symbol.asyncIterator](): AsyncIterator<T, undefined> {
    return {
      next: () => this.next(),
      return: () => Promise.resolve(DONE),
    };
  }

  /** The next event; done once the sequence has ended. */
  async next(): Promise<IteratorResult<T, undefined>> {
    if (this.#ended) return DONE;
    this.#generator ??= this.#start();
    const result = await this.#generator.next();
    return result.done === true ? DONE : result;
  }

  /**
   * Ends the sequence: later `next()` calls are done, and a generator paused at a `yield` is returned, so that
   * its `finally` blocks (which release the call) run. Errors raised while it unwinds are dropped.
   */
  async end(): Promise<void> {
    this.#ended = true;
    const generator = this.#generator;
    if (generator === undefined) return;
    try {
      await generator.return(undefined);
    } catch {
      // The call was being torn down on purpose; what it threw on the way out is of no interest.
    }
  }
}

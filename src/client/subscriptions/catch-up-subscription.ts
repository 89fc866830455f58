/**
 * The catch-up subscription object shared by `subscribeAllEvents` and `subscribeStreamEvents`: one
 * `Streams.Read` call whose count option is `subscription` (docs/protocol.md §3.8), started when its items are
 * first asked for and consumed by successive loops.
 */
import type { ReadReq } from '../../generated/streams.js';
import { INT64_MAX } from '../arguments/checks.js';
import type { CallControl } from '../calls/call-control.js';
import { CallStopper } from '../calls/call-stopper.js';
import type { ClientContext } from '../calls/client-context.js';
import { StreamNotFoundError } from '../errors/esdb-errors.js';
import { RecordedEvent } from '../events/recorded-event.js';
import type { ReadMessage } from '../wire/read-response-decoder.js';
import { CaughtUp, Checkpoint } from './progress-items.js';
import { ResumableEvents } from './resumable-events.js';

/** Which progress items a subscription passes on besides its events. */
export interface ProgressRequest {
  readonly caughtUp: boolean;
  readonly checkpoints: boolean;
}

/**
 * A catch-up subscription: an async iterable of the recorded events, old and new, that never ends by itself,
 * with the progress items its options asked for ({@link CaughtUp}, {@link Checkpoint}) among them.
 *
 * The gRPC call starts when the items are first asked for. Several `for await` loops can take turns: leaving a
 * loop (`break`) keeps the subscription open, and the next loop continues with the next item. Call
 * {@link CatchUpSubscription.close} when done: it cancels the call, and loops waiting for an item end.
 *
 * @typeParam Item what the subscription yields: `RecordedEvent` unless progress items were asked for.
 */
export class CatchUpSubscription<
  Item extends RecordedEvent | CaughtUp | Checkpoint = RecordedEvent,
> implements AsyncIterable<Item> {
  readonly #context: ClientContext;
  readonly #request: ReadReq;
  readonly #control: CallControl;
  readonly #progress: ProgressRequest;
  readonly #streamName: string | undefined;
  readonly #stopper: CallStopper;
  readonly #items: ResumableEvents<Item>;
  #closed = false;
  #closing: Promise<void> | undefined;

  /** @internal Made by {@link EsdbClient.subscribeAllEvents} and {@link EsdbClient.subscribeStreamEvents}. */
  constructor(
    context: ClientContext,
    request: ReadReq,
    control: CallControl,
    progress: ProgressRequest,
    streamName: string | undefined,
  ) {
    this.#context = context;
    this.#request = request;
    this.#control = control;
    this.#progress = progress;
    this.#streamName = streamName;
    this.#stopper = new CallStopper(control.signal);
    this.#items = new ResumableEvents(() => this.#run());
    context.subscriptions.add(this);
  }

  /**
   * Iterates over the items: first the events already recorded after the start, then new ones as they are
   * recorded. Breaking out of the loop does not close the subscription.
   * @throws CancelledError when `signal` aborts; DeadlineExceededError when `timeout` passes (counted from
   * the first iteration); StreamDeletedError when a subscribed stream is tombstoned; the server's errors
   * (AccessDeniedError, ...).
   */
  [Symbol.asyncIterator](): AsyncIterator<Item, undefined> {
    return this.#items[Symbol.asyncIterator]();
  }

  /** Cancels the subscription's call; loops end. Closing again, or after the call failed, is harmless. */
  close(): Promise<void> {
    this.#closed = true;
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#stopper.stop();
    await this.#items.end();
    this.#context.subscriptions.delete(this);
  }

  async *#run(): AsyncGenerator<Item, void, undefined> {
    try {
      // Not retried on another node: losing the node ends the subscription with the call's error
      // (ServiceUnavailableError), promptly; the next call of the client finds another node.
      const node = await this.#context.connection.ready();
      const options = { timeout: this.#control.timeout, signal: this.#stopper.signal };
      for await (const message of node.reads.read(this.#request, options)) {
        const item = this.#itemOf(message);
        // The request's options decided which items come, as the type parameter says they do.
        if (item !== undefined) yield item as Item;
      }
    } catch (error) {
      // Stopped by close(): the loops just end.
      if (this.#closed) return;
      throw error;
    } finally {
      this.#stopper.dispose();
      if (!this.#closed) this.#context.subscriptions.delete(this);
    }
  }

  /** The item a message gives, if it gives one; the confirmation and unwanted progress messages give none. */
  #itemOf(message: ReadMessage): RecordedEvent | CaughtUp | Checkpoint | undefined {
    if (message instanceof RecordedEvent) return message;
    switch (message.kind) {
      case 'caught-up':
        return this.#progress.caughtUp ? new CaughtUp() : undefined;
      case 'checkpoint':
        // Above INT64_MAX is not a position but "nothing looked at yet" (-1 on the server, §3.9.1).
        return this.#progress.checkpoints && message.commitPosition <= INT64_MAX
          ? new Checkpoint(message.commitPosition)
          : undefined;
      case 'stream-not-found':
        // Older servers may answer so, and then end the call (§3.8): the subscription cannot go on.
        throw new StreamNotFoundError(this.#streamName ?? message.streamName);
      default:
        return undefined;
    }
  }
}

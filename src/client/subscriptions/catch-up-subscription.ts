/**
 * The catch-up subscription object shared by `subscribeAllEvents` and `subscribeStreamEvents`: a
 * `Streams.Read` call whose count option is `subscription` (docs/protocol.md §3.8), started when its items are
 * first asked for and consumed by successive loops, and called again from where it was after a transient
 * failure.
 */
import type { ReadReq } from '../../generated/streams.js';
import { INT64_MAX } from '../arguments/checks.js';
import type { CallControl } from '../calls/call-control.js';
import { CallStopper } from '../calls/call-stopper.js';
import type { ClientContext } from '../calls/client-context.js';
import type { NodeClients } from '../connection/node-clients.js';
import { StreamNotFoundError } from '../errors/esdb-errors.js';
import { RecordedEvent } from '../events/recorded-event.js';
import type { ReadMessage } from '../wire/read-response-decoder.js';
import { CaughtUp, Checkpoint } from './progress-items.js';
import type { ResubscribePolicy } from './resubscribe-options.js';
import { deadlineOf, isTransientFailure, remainingUntil, Resubscription } from './resubscription.js';
import { ResumableEvents } from './resumable-events.js';

/** Which progress items a subscription passes on besides its events. */
export interface ProgressRequest {
  readonly caughtUp: boolean;
  readonly checkpoints: boolean;
}

/** What a catch-up subscription reads, and how it resumes. */
export interface CatchUpSource {
  /** The stream subscribed to; undefined for `$all`. */
  readonly streamName: string | undefined;
  /** Where the subscription starts: events after this position; undefined from the first event. */
  readonly start: bigint | undefined;
  /** The request for the events after `position` (undefined: from the first event). */
  request(position: bigint | undefined): ReadReq;
  /** The position to resume after, once `event` has been delivered. */
  positionOf(event: RecordedEvent): bigint;
}

/**
 * A catch-up subscription: an async iterable of the recorded events, old and new, that never ends by itself,
 * with the progress items its options asked for ({@link CaughtUp}, {@link Checkpoint}) among them.
 *
 * The gRPC call starts when the items are first asked for. Several `for await` loops can take turns: leaving a
 * loop (`break`) keeps the subscription open, and the next loop continues with the next item. Call
 * {@link CatchUpSubscription.close} when done: it cancels the call, and loops waiting for an item end.
 *
 * Unless `resubscribe` is `false`, a transient failure (a dropped connection, a restarted node, a leader
 * change) does not end the subscription: it calls again, after a backoff delay, from after the last event it
 * delivered (or a filtered `$all` subscription's last checkpoint, if later), so each event is delivered once,
 * in order. A {@link CaughtUp} item comes again after each resubscription, once the events missed meanwhile
 * have been delivered, as it does when the server itself falls back to catching up (§3.8).
 *
 * @typeParam Item what the subscription yields: `RecordedEvent` unless progress items were asked for.
 */
export class CatchUpSubscription<
  Item extends RecordedEvent | CaughtUp | Checkpoint = RecordedEvent,
> implements AsyncIterable<Item> {
  readonly #context: ClientContext;
  readonly #source: CatchUpSource;
  readonly #control: CallControl;
  readonly #progress: ProgressRequest;
  readonly #stopper: CallStopper;
  readonly #items: ResumableEvents<Item>;
  readonly #resubscription: Resubscription;
  /** The position to resume after: the last event delivered, or a later checkpoint. */
  #resumeAfter: bigint | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;

  /** @internal Made by {@link EsdbClient.subscribeAllEvents} and {@link EsdbClient.subscribeStreamEvents}. */
  constructor(
    context: ClientContext,
    source: CatchUpSource,
    control: CallControl,
    progress: ProgressRequest,
    resubscribe: ResubscribePolicy | undefined,
  ) {
    this.#context = context;
    this.#source = source;
    this.#control = control;
    this.#progress = progress;
    this.#resumeAfter = source.start;
    this.#stopper = new CallStopper(control.signal);
    this.#resubscription = new Resubscription(resubscribe, context, this.#stopper.signal, isTransientFailure);
    this.#items = new ResumableEvents(() => this.#run());
    context.subscriptions.add(this);
  }

  /**
   * Iterates over the items: first the events already recorded after the start, then new ones as they are
   * recorded. Breaking out of the loop does not close the subscription.
   * @throws CancelledError when `signal` aborts; DeadlineExceededError when `timeout` passes (counted from
   * the first iteration, across resubscriptions); StreamDeletedError when a subscribed stream is tombstoned;
   * the server's errors (AccessDeniedError, ...); a transient error (ServiceUnavailableError, NotLeaderError,
   * ...) only when `resubscribe` is `false` or its `maxAttempts` are used up.
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
    const deadline = deadlineOf(this.#control.timeout);
    try {
      for (;;) {
        let node: NodeClients | undefined;
        try {
          node = await this.#context.connection.ready();
          const options = { timeout: remainingUntil(deadline), signal: this.#stopper.signal };
          for await (const message of node.reads.read(this.#source.request(this.#resumeAfter), options)) {
            this.#resubscription.succeeded();
            const item = this.#itemOf(message);
            // The request's options decided which items come, as the type parameter says they do.
            if (item !== undefined) yield item as Item;
          }
          return;
        } catch (error) {
          // Stopped by close(): the loops just end.
          if (this.#closed) return;
          await this.#resubscription.retryAfter(error, node);
        }
      }
    } catch (error) {
      if (this.#closed) return;
      throw error;
    } finally {
      this.#stopper.dispose();
      if (!this.#closed) this.#context.subscriptions.delete(this);
    }
  }

  /**
   * The item a message gives, if it gives one (the confirmation and unwanted progress messages give none),
   * noting the position to resume after.
   */
  #itemOf(message: ReadMessage): RecordedEvent | CaughtUp | Checkpoint | undefined {
    if (message instanceof RecordedEvent) {
      this.#resumeAfter = this.#source.positionOf(message);
      return message;
    }
    switch (message.kind) {
      case 'caught-up':
        return this.#progress.caughtUp ? new CaughtUp() : undefined;
      case 'checkpoint':
        // Above INT64_MAX is not a position but "nothing looked at yet" (-1 on the server, §3.9.1).
        if (message.commitPosition > INT64_MAX) return undefined;
        // Every matching event up to a checkpoint has been delivered (§3.9.1): resuming after it skips none.
        if (this.#resumeAfter === undefined || message.commitPosition > this.#resumeAfter) {
          this.#resumeAfter = message.commitPosition;
        }
        return this.#progress.checkpoints ? new Checkpoint(message.commitPosition) : undefined;
      case 'stream-not-found':
        // Older servers may answer so, and then end the call (§3.8): the subscription cannot go on.
        throw new StreamNotFoundError(this.#source.streamName ?? message.streamName);
      default:
        return undefined;
    }
  }
}

/**
 * `subscribeAllEvents`: a catch-up subscription to all streams (`$all`) through `Streams.Read` with the
 * `subscription` count option (docs/protocol.md §3.8): the recorded events after a commit position, then the
 * events recorded later, as they are committed, filtered by event type on the server (§3.9).
 */
import { checkPosition, checkRegexList } from '../arguments/checks.js';
import { type CallControl, methodOptions } from '../calls/call-control.js';
import { CallStopper } from '../calls/call-stopper.js';
import type { ClientContext } from '../calls/client-context.js';
import { RecordedEvent } from '../events/recorded-event.js';
import { eventTypeRegexOf } from '../wire/event-type-filter.js';
import { recordFilterOf } from '../wire/filter-options.js';
import { allSubscriptionRequest } from '../wire/read-request.js';
import type { ReadReq } from '../../generated/streams.js';
import { ResumableEvents } from './resumable-events.js';

/** The options of {@link EsdbClient.subscribeAllEvents}. */
export interface SubscribeAllEventsOptions extends CallControl {
  /**
   * Receive the events recorded after this commit position; the event at it is not included. It must be the
   * position of an event (usually the last one a downstream component processed). Default: from the first
   * recorded event.
   */
  readonly commitPosition?: number | bigint | undefined;
  /**
   * Regular expressions for event types to leave out; each must match the whole type. Ignored when
   * `filterInclude` is not empty. Default `[ESDB_EVENTS_REGEX]`: system events are left out.
   */
  readonly filterExclude?: readonly string[] | undefined;
  /** Regular expressions for the only event types to receive; each must match the whole type. Default `[]`. */
  readonly filterInclude?: readonly string[] | undefined;
}

const KEYS = ['commitPosition', 'filterExclude', 'filterInclude'];

/**
 * A catch-up subscription: an async iterable of the recorded events, old and new, that never ends by itself.
 *
 * The gRPC call starts when the events are first asked for. Several `for await` loops can take turns: leaving
 * a loop (`break`) keeps the subscription open, and the next loop continues with the next event. Call
 * {@link CatchUpSubscription.close} when done: it cancels the call, and loops waiting for an event end.
 *
 * The server's confirmation, checkpoints and caught-up signals (§3.8, §3.9) are read and dropped.
 */
export class CatchUpSubscription implements AsyncIterable<RecordedEvent> {
  readonly #context: ClientContext;
  readonly #request: ReadReq;
  readonly #control: CallControl;
  readonly #stopper: CallStopper;
  readonly #events: ResumableEvents<RecordedEvent>;
  #closed = false;
  #closing: Promise<void> | undefined;

  /** @internal Made by {@link EsdbClient.subscribeAllEvents}. */
  constructor(context: ClientContext, request: ReadReq, control: CallControl) {
    this.#context = context;
    this.#request = request;
    this.#control = control;
    this.#stopper = new CallStopper(control.signal);
    this.#events = new ResumableEvents(() => this.#run());
    context.subscriptions.add(this);
  }

  /**
   * Iterates over the events: first those already recorded after the start, then new ones as they are
   * recorded. Breaking out of the loop does not close the subscription.
   * @throws CancelledError when `signal` aborts; DeadlineExceededError when `timeout` passes (counted from
   * the first iteration); the server's errors (AccessDeniedError, ...).
   */
  [Symbol.asyncIterator](): AsyncIterator<RecordedEvent, undefined> {
    return this.#events[Symbol.asyncIterator]();
  }

  /** Cancels the subscription's call; loops end. Closing again, or after the call failed, is harmless. */
  close(): Promise<void> {
    this.#closed = true;
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#stopper.stop();
    await this.#events.end();
    this.#context.subscriptions.delete(this);
  }

  async *#run(): AsyncGenerator<RecordedEvent, void, undefined> {
    try {
      // Not retried on another node: losing the node ends the subscription with the call's error
      // (ServiceUnavailableError), promptly; the next call of the client finds another node.
      const node = await this.#context.connection.ready();
      const options = { timeout: this.#control.timeout, signal: this.#stopper.signal };
      for await (const message of node.reads.read(this.#request, options)) {
        if (message instanceof RecordedEvent) yield message;
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
}

/** Checks the options and prepares the subscription; nothing is sent until its events are asked for. */
export function subscribeAllEvents(
  context: ClientContext,
  options: SubscribeAllEventsOptions | undefined,
): CatchUpSubscription {
  const where = 'subscribeAllEvents';
  const { given, control } = methodOptions(options, KEYS, where, false);
  const request = allSubscriptionRequest({
    resolveLinks: false,
    commitPosition:
      given.commitPosition === undefined
        ? undefined
        : checkPosition(given.commitPosition, `${where}: commitPosition`),
    filter: recordFilterOf(
      eventTypeRegexOf(
        checkRegexList(given.filterInclude, `${where}: filterInclude`),
        checkRegexList(given.filterExclude, `${where}: filterExclude`),
      ),
      false,
    ),
  });
  return new CatchUpSubscription(context, request, control);
}

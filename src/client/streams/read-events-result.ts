/**
 * The result of a read: an async iterable of recorded events that streams them as the server sends them
 * (gRPC flow control holds the server back while the consumer is busy, so memory stays constant however long
 * the stream), plus `toArray()` for when the whole list is wanted.
 */
import type { ReadReq } from '../../generated/streams.js';
import type { CallControl } from '../calls/call-control.js';
import type { ClientContext } from '../calls/client-context.js';
import { streamWithFailover } from '../calls/failover.js';
import { StreamNotFoundError } from '../errors/esdb-errors.js';
import { RecordedEvent } from '../events/recorded-event.js';

/**
 * The events of a read. Each iteration runs the read afresh: the call starts on the first `next()` and is
 * cancelled when the loop ends early (`break`, `return`, an exception).
 */
export class ReadEventsResult implements AsyncIterable<RecordedEvent> {
  readonly #context: ClientContext;
  readonly #request: ReadReq;
  readonly #control: CallControl;
  readonly #streamName: string | undefined;

  /** @internal Made by the client's read methods. */
  constructor(
    context: ClientContext,
    request: ReadReq,
    control: CallControl,
    streamName: string | undefined,
  ) {
    this.#context = context;
    this.#request = request;
    this.#control = control;
    this.#streamName = streamName;
  }

  /** Iterates over the events. @throws StreamNotFoundError when a read stream does not exist. */
  [Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    return this.#events();
  }

  /** Reads all the events into an array. */
  async toArray(): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for await (const event of this.#events()) events.push(event);
    return events;
  }

  #events(): AsyncGenerator<RecordedEvent, void, undefined> {
    // The server's storage refuses a page size of 0 (IndexReader.cs `Ensure.Positive`), so a limit of 0 is
    // answered here: no events, and no call.
    const count = this.#request.options?.countOption;
    if (count?.$case === 'count' && count.value === 0n) return noEvents();
    // A read that fails because its node went away or is not the leader before it yielded anything is
    // repeated once on the node the client moves to; after the first event it is not (it would repeat events).
    return streamWithFailover(
      this.#context,
      this.#control,
      (node, attempt) => node.reads.read(this.#request, attempt),
      (message) => {
        if (message instanceof RecordedEvent) return message;
        // A missing or soft-deleted stream: one stream_not_found message, then OK (§3.7).
        if (message.kind === 'stream-not-found') {
          throw new StreamNotFoundError(this.#streamName ?? message.streamName);
        }
        return undefined;
      },
    );
  }
}

/** The events of a read of none. */
async function* noEvents(): AsyncGenerator<RecordedEvent, void, undefined> {}

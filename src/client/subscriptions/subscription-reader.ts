/**
 * One consumer of a persistent subscription group, on `$all` or on a stream: a `PersistentSubscriptions.Read`
 * call (docs/protocol.md §3.14, Read), which is bidirectional. The server sends the confirmation, then events;
 * the client sends its options, then batches of acks and nacks. Closing flushes the batches, half-closes the
 * request stream, leaves the server a grace period to read what was sent, then cancels the call. After a
 * transient failure the reader calls again (unless told not to): acknowledgements not sent yet go on the new
 * call, and events it already settled that the server retries are settled again rather than delivered.
 */
import type { ReadReq } from '../../generated/persistent.js';
import type { CallControl } from '../calls/call-control.js';
import { CallStopper } from '../calls/call-stopper.js';
import type { ClientContext, Closable } from '../calls/client-context.js';
import { RequestQueue } from '../calls/request-queue.js';
import { PersistentRecordedEvent } from '../events/persistent-recorded-event.js';
import {
  type AckAction,
  acknowledgementMessage,
  persistentReadOptionsMessage,
} from '../wire/persistent-requests.js';
import type { NodeClients } from '../connection/node-clients.js';
import { AckBatcher } from './ack-batcher.js';
import { RecentSettlements } from './recent-settlements.js';
import type { ResubscribePolicy } from './resubscribe-options.js';
import { deadlineOf, isTransientConsumerFailure, remainingUntil, Resubscription } from './resubscription.js';
import { ResumableEvents } from './resumable-events.js';

/** How a reader behaves, its options checked. */
export interface SubscriptionReaderSettings {
  /** The group's event source: a stream name, or `$all`. */
  readonly source: string;
  readonly groupName: string;
  /** The most unacknowledged events the server may have in flight to this consumer (`buffer_size`). */
  readonly bufferSize: number;
  /** The most ids in one ack or nack message. */
  readonly maxAckBatchSize: number;
  /** The longest an acknowledgement waits before it is sent, in milliseconds. */
  readonly maxAckDelay: number;
  /** How long close() leaves the server to read the last acknowledgements before it cancels the call (ms). */
  readonly stoppingGrace: number;
  readonly control: CallControl;
  /** How to call again after a transient failure; undefined: not at all. */
  readonly resubscribe: ResubscribePolicy | undefined;
}

/** The reader behind a `[readReq, readResp]` pair. */
export class SubscriptionReader implements Closable {
  readonly #context: ClientContext;
  readonly #settings: SubscriptionReaderSettings;
  readonly #stopper: CallStopper;
  #requests: RequestQueue<ReadReq>;
  readonly #batcher: AckBatcher;
  readonly #settled: RecentSettlements;
  readonly #resubscription: Resubscription;
  /**
   * How many more events of the current call may be ones the reader settled before it called again: the
   * server redelivers those first, so the check stops after as many events as it could have had in flight.
   */
  #redeliveriesToCheck = 0;
  readonly #events: ResumableEvents<PersistentRecordedEvent>;
  /** Event id → link id, for events delivered through a link (they are acknowledged by the link's id). */
  readonly #linkIds = new Map<string, string>();
  #lastSentAt = Number.NEGATIVE_INFINITY;
  #callEnded = false;
  #closed = false;
  #closing: Promise<void> | undefined;
  #subscriptionId: string | undefined;

  /** Prepares the reader and registers it with the client, which closes it on close; nothing is sent yet. */
  constructor(context: ClientContext, settings: SubscriptionReaderSettings) {
    this.#context = context;
    this.#settings = settings;
    this.#stopper = new CallStopper(settings.control.signal);
    this.#requests = this.#openingRequests();
    this.#settled = new RecentSettlements(this.#settlementsKept());
    this.#resubscription = new Resubscription(
      settings.resubscribe,
      context,
      this.#stopper.signal,
      isTransientConsumerFailure,
    );
    this.#batcher = new AckBatcher(this.#send, {
      maxBatchSize: settings.maxAckBatchSize,
      maxDelay: settings.maxAckDelay,
    });
    this.#events = new ResumableEvents(() => this.#run());
    context.subscriptions.add(this);
  }

  /** The events, for `readResp`. */
  get events(): ResumableEvents<PersistentRecordedEvent> {
    return this.#events;
  }

  /** `<stream>::<group>` from the server's confirmation (§3.14, Read step 2), once it has arrived. */
  get subscriptionId(): string | undefined {
    return this.#subscriptionId;
  }

  /**
   * Queues an acknowledgement of `eventId`. An event delivered through a link is acknowledged by the link's id
   * (§3.14, Read step 4). While the reader calls again, it waits for the new call. Ignored once the reader is
   * closed or has ended: the group then gives the event to a consumer again.
   */
  acknowledge(action: AckAction, eventId: string): void {
    if (this.#closed || this.#callEnded) return;
    const linkId = this.#linkIds.get(eventId);
    if (linkId !== undefined) this.#linkIds.delete(eventId);
    this.#settled.note(action, linkId ?? eventId);
    this.#batcher.add(action, linkId ?? eventId);
  }

  /** Sends the waiting acknowledgements, half-closes, waits out the grace period, then cancels the call. */
  close(): Promise<void> {
    this.#closed = true;
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    if (this.#events.started && !this.#callEnded) {
      this.#batcher.flush();
      this.#requests.end();
      // Cancelling resets the HTTP/2 stream, and the server drops what it has not read yet (its request pump
      // stops, PersistentSubscriptions.Read.cs): leave it time to read the last batches, as PY does
      // (`stopping_grace`).
      const wait = this.#lastSentAt + this.#settings.stoppingGrace - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    } else {
      this.#batcher.discard();
      this.#requests.end();
    }
    this.#stopper.stop();
    await this.#events.end();
    this.#context.subscriptions.delete(this);
  }

  readonly #send = (action: AckAction, ids: readonly string[]): void => {
    this.#requests.push(acknowledgementMessage(action, ids));
    this.#lastSentAt = performance.now();
  };

  /** A request stream that opens a call with the consumer's options; acknowledgements follow them. */
  #openingRequests(): RequestQueue<ReadReq> {
    const { source, groupName, bufferSize } = this.#settings;
    return new RequestQueue(persistentReadOptionsMessage(source, groupName, bufferSize));
  }

  async *#run(): AsyncGenerator<PersistentRecordedEvent, void, undefined> {
    const deadline = deadlineOf(this.#settings.control.timeout);
    try {
      for (;;) {
        let node: NodeClients | undefined;
        try {
          node = await this.#context.connection.ready();
          yield* this.#read(node, remainingUntil(deadline));
          return;
        } catch (error) {
          // Stopped by close(): the loops just end.
          if (this.#closed) return;
          this.#prepareNextCall();
          await this.#resubscription.retryAfter(error, node);
          this.#redeliveriesToCheck = this.#settlementsKept();
        }
      }
    } catch (error) {
      if (this.#closed) return;
      throw error;
    } finally {
      this.#callEnded = true;
      this.#batcher.discard();
      // nice-grpc may still be waiting for the next request message: let it finish.
      this.#requests.end();
      this.#stopper.dispose();
      if (!this.#closed) this.#context.subscriptions.delete(this);
    }
  }

  /** The events of one call on `node`. */
  async *#read(
    node: NodeClients,
    timeout: number | undefined,
  ): AsyncGenerator<PersistentRecordedEvent, void, undefined> {
    const options = { timeout, signal: this.#stopper.signal };
    for await (const message of node.persistentReads.read(this.#requests, options)) {
      this.#resubscription.succeeded();
      if (message instanceof PersistentRecordedEvent) {
        if (this.#redeliveriesToCheck > 0) {
          this.#redeliveriesToCheck -= 1;
          if (this.#settleAgain(message.ackId)) continue;
        }
        if (message.ackId !== message.id) this.#linkIds.set(message.id, message.ackId);
        yield message;
      } else if (message.kind === 'subscription-confirmation') {
        this.#subscriptionId = message.subscriptionId;
      }
    }
  }

  /**
   * The settlements kept, and the events checked after calling again: more than the server can have had in
   * flight to this consumer, with room for the acknowledgements that were still waiting to be sent.
   */
  #settlementsKept(): number {
    return 2 * this.#settings.bufferSize + this.#settings.maxAckBatchSize;
  }

  /**
   * Settles again an event the server delivers again after the reader called again although this consumer had
   * settled it: the acknowledgement was lost with the call (the server retries a dropped consumer's in-flight
   * events, with a higher retryCount), or a restarted node resumed the group from its last checkpoint (with
   * retryCount 0; §3.14.3). The event is not given to the loop twice.
   */
  #settleAgain(ackId: string): boolean {
    const action = this.#settled.actionOf(ackId);
    if (action === undefined) return false;
    this.#batcher.add(action, ackId);
    return true;
  }

  /**
   * Ends the failed call's request stream and opens the next one, so that acknowledgements given meanwhile,
   * and those still waiting in the batcher, go on the next call (acks are by event id on the group, §3.14.3).
   * Waiting `retry` nacks are dropped: the server retries a dropped consumer's messages anyway, and a second
   * retry would deliver them twice.
   */
  #prepareNextCall(): void {
    this.#requests.end();
    if (this.#batcher.action === 'retry') this.#batcher.discard();
    this.#requests = this.#openingRequests();
  }
}

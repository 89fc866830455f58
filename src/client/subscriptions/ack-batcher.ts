/**
 * Batches a persistent-subscription consumer's acks and nacks: the server takes many ids per message (§2.5,
 * `ids` is repeated; §3.14 Read step 4), so ids are collected and sent together, as PY does
 * (`SubscriptionReadReqs` in `esdbclient/persistent.py`). A batch is sent when it is full, when its first id
 * has waited `maxDelay` milliseconds, when the action changes (so the server sees the consumer's decisions in
 * the order they were made), and when the reader is flushed on close.
 */
import type { AckAction } from '../wire/persistent-requests.js';

/** Sends one batch. */
export type SendBatch = (action: AckAction, ids: readonly string[]) => void;

/** The limits of a batch. */
export interface AckBatchLimits {
  /** The most ids in one message. */
  readonly maxBatchSize: number;
  /** The longest an id waits before its batch is sent, in milliseconds. */
  readonly maxDelay: number;
}

/** One consumer's batches of acknowledgements. */
export class AckBatcher {
  readonly #send: SendBatch;
  readonly #limits: AckBatchLimits;
  #action: AckAction = 'ack';
  #ids: string[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** @param send sends one batch; it is called from `add`, `flush` and the delay timer. */
  constructor(send: SendBatch, limits: AckBatchLimits) {
    this.#send = send;
    this.#limits = limits;
  }

  /** The action of the ids waiting to be sent. */
  get action(): AckAction {
    return this.#action;
  }

  /** How many ids wait to be sent. */
  get pending(): number {
    return this.#ids.length;
  }

  /** Adds an id to the batch of `action`. */
  add(action: AckAction, id: string): void {
    if (this.#ids.length > 0 && action !== this.#action) this.flush();
    this.#action = action;
    this.#ids.push(id);
    if (this.#ids.length >= this.#limits.maxBatchSize) {
      this.flush();
    } else {
      this.#timer ??= setTimeout(this.#onDelay, this.#limits.maxDelay);
    }
  }

  /** Sends the waiting ids now, if there are any. */
  flush(): void {
    this.#clearTimer();
    if (this.#ids.length === 0) return;
    const ids = this.#ids;
    this.#ids = [];
    this.#send(this.#action, ids);
  }

  /** Drops the waiting ids and stops the timer: the call they were for has ended. */
  discard(): void {
    this.#clearTimer();
    this.#ids = [];
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  readonly #onDelay = (): void => {
    this.#timer = undefined;
    this.flush();
  };
}

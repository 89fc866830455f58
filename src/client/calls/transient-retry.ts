/**
 * Retrying an idempotent call after a transient failure: its node could not be reached or the connection
 * dropped (UNAVAILABLE, which also ends a call whose connection failed its keepalive), or it moved to another
 * node (fail-over). The call is made again after a short exponential backoff with jitter, for as long as its
 * deadline allows: its `timeout`, or the client's `defaultDeadline` when it gives none, so that a server that
 * stays down is reported within that time. Its `signal` and the client's `close()` stop the waiting.
 *
 * Only calls that read are retried this way. A write (append, delete, metadata, group management) is made at
 * most once more, and only on another node (fail-over): UNAVAILABLE does not say whether the server acted
 * on the request before the connection dropped, and the caller is the one to decide whether to repeat it.
 */
import { CancelledError, DeadlineExceededError, ServiceUnavailableError } from '../errors/esdb-errors.js';
import { backoffDelay, sleep } from './backoff.js';
import type { CallControl } from './call-control.js';

/** The first backoff is 50 ms; each retry doubles it, up to 1 s. */
const BACKOFF = { initialDelay: 50, maxDelay: 1000 };

/** What a retry needs from the client. */
export interface RetrySettings {
  /** The client's deadline of calls that give no `timeout`, in milliseconds. */
  readonly defaultDeadline: number;
  /** Aborted when the client is closed. */
  readonly closed: AbortSignal;
}

/**
 * grpc-js also reports a server certificate the client does not trust as UNAVAILABLE, with Node's reason in
 * the message (`unable to verify the first certificate`, `certificate has expired`, `... certificate's
 * altnames`, §4.2): that does not get better by trying again.
 */
const UNTRUSTED_CERTIFICATE = /certificate/i;

/** Whether a failure is one an idempotent call is retried after: the node was unreachable or went away. */
export function isTransient(error: unknown): boolean {
  return error instanceof ServiceUnavailableError && !UNTRUSTED_CERTIFICATE.test(error.message);
}

/** The retries of one call. */
export class TransientRetry {
  readonly #control: CallControl;
  readonly #closed: AbortSignal;
  readonly #endsAt: number;
  readonly #boundAttempts: boolean;
  #attempts = 0;
  #moves = 0;
  #waits = 0;
  #lastTransient: unknown;

  /**
   * @param control the call's own call control
   * @param settings the client's deadline and close signal
   * @param boundAttempts whether a later attempt gets the time left as its `timeout` even when the call gave
   *   none: true for calls with one answer; false for reads, which have no deadline once they run.
   */
  constructor(control: CallControl, settings: RetrySettings, boundAttempts: boolean) {
    this.#control = control;
    this.#closed = settings.closed;
    this.#boundAttempts = boundAttempts || control.timeout !== undefined;
    const timeout = control.timeout ?? Infinity;
    this.#endsAt = performance.now() + (Number.isFinite(timeout) ? timeout : settings.defaultDeadline);
  }

  /** The call control of the next attempt: the call's own, then the same with the time left as `timeout`. */
  nextControl(): CallControl {
    this.#attempts += 1;
    if (this.#attempts === 1 || !this.#boundAttempts) return this.#control;
    return { ...this.#control, timeout: Math.max(1, this.#endsAt - performance.now()) };
  }

  /**
   * Whether to make the call again after it failed with `error`, waiting the backoff first. The first move to
   * another node is retried at once.
   * @param moved whether the connection moved to another node after the failure
   * @throws CancelledError when the signal aborts or the client closes during the wait.
   */
  async again(error: unknown, moved: boolean): Promise<boolean> {
    if (!moved && !isTransient(error)) return false;
    this.#lastTransient = error;
    if (this.#closed.aborted || this.#control.signal?.aborted === true) return false;
    this.#moves += moved ? 1 : 0;
    const delay = moved && this.#moves === 1 ? 0 : backoffDelay((this.#waits += 1), BACKOFF);
    if (performance.now() + delay >= this.#endsAt) return false;
    await this.#sleep(delay);
    return true;
  }

  /**
   * The error to give the caller for the last attempt's `error`. When the deadline cut short an attempt made
   * after a transient failure, the failure that led to it is given instead: the node was unreachable, and
   * the caller learns that rather than only that time ran out.
   */
  failure(error: unknown): unknown {
    return error instanceof DeadlineExceededError && this.#lastTransient !== undefined
      ? this.#lastTransient
      : error;
  }

  /** Waits `delay`, unless the call's signal aborts or the client closes first. */
  async #sleep(delay: number): Promise<void> {
    const signal = this.#control.signal;
    await sleep(delay, ...(signal === undefined ? [] : [signal]), this.#closed);
    if (signal?.aborted === true) {
      throw new CancelledError('The call was cancelled by its signal.', { cause: signal.reason });
    }
    if (this.#closed.aborted) throw new CancelledError('The client is closed.');
  }
}

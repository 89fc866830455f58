/**
 * One gRPC call's deadline, cancellation and error translation, used by the call pipeline. The call runs under
 * a signal that aborts when the deadline passes, when the caller's `signal` aborts, or when the client is
 * closed; nice-grpc cancels the call when that signal aborts. Failures are turned into the client's errors:
 * which of the three aborted decides between DeadlineExceededError and CancelledError, and a server status
 * becomes the matching error through the trailers captured here.
 */
import { ClientError, type Metadata } from 'nice-grpc';
import { errorFromStatus } from '../errors/error-from-status.js';
import { EsdbError } from '../errors/esdb-error.js';
import { CancelledError, DeadlineExceededError } from '../errors/esdb-errors.js';
import { protocolErrorOfUnknownStatus } from '../errors/protocol-violation.js';

/** setTimeout cannot wait longer than 2^31-1 ms; longer deadlines are treated as none. */
const MAX_TIMER_MS = 2 ** 31 - 1;

type Outcome = 'deadline' | 'signal' | 'closed';

/** The deadline, cancellation and error translation of one call. Dispose it when the call has ended. */
export class CallGuard {
  /** The signal to run the call under. */
  readonly signal: AbortSignal;
  /** Captures the trailers of the call, which carry the server's error details (§3.1). */
  readonly onTrailer = (trailers: Metadata): void => {
    this.#trailers = trailers;
  };

  readonly #controller = new AbortController();
  readonly #timeoutMs: number | undefined;
  readonly #callerSignal: AbortSignal | undefined;
  readonly #closed: AbortSignal;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #trailers: Metadata | undefined;
  #outcome: Outcome | undefined;

  /**
   * @param timeoutMs the deadline in milliseconds, or undefined for none
   * @param callerSignal the caller's signal, if any
   * @param closed aborts when the client is closed
   */
  constructor(timeoutMs: number | undefined, callerSignal: AbortSignal | undefined, closed: AbortSignal) {
    this.signal = this.#controller.signal;
    this.#timeoutMs = timeoutMs;
    this.#callerSignal = callerSignal;
    this.#closed = closed;
    if (closed.aborted) {
      this.#abort('closed');
    } else if (callerSignal?.aborted === true) {
      this.#abort('signal');
    } else {
      closed.addEventListener('abort', this.#onClosed);
      callerSignal?.addEventListener('abort', this.#onCallerAbort);
      if (timeoutMs !== undefined && timeoutMs <= MAX_TIMER_MS) {
        this.#timer = setTimeout(this.#onDeadline, timeoutMs);
        // The call itself keeps the process alive while it runs; the timer need not.
        this.#timer.unref();
      }
    }
  }

  /** Stops the deadline timer and lets go of the signals; call it once the call has ended, however it ended. */
  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#closed.removeEventListener('abort', this.#onClosed);
    this.#callerSignal?.removeEventListener('abort', this.#onCallerAbort);
  }

  /**
   * The client's error for a failure of the call. A failure grpc-js reports without a status code is a
   * ProtocolError (§4.1); errors that are not about the call pass through unchanged.
   */
  translate(error: unknown): unknown {
    switch (this.#outcome) {
      case 'deadline':
        return new DeadlineExceededError(`The call did not complete within ${this.#timeoutMs} ms.`, {
          cause: error,
        });
      case 'signal':
        return new CancelledError('The call was cancelled by its signal.', {
          cause: this.#callerSignal?.reason ?? error,
        });
      case 'closed':
        return new CancelledError('The client is closed.', { cause: error });
      case undefined:
        break;
    }
    if (error instanceof EsdbError) return error;
    if (error instanceof ClientError) {
      return errorFromStatus(
        { code: error.code, details: error.details, trailers: trailersOf(this.#trailers) },
        error,
      );
    }
    return protocolErrorOfUnknownStatus(error) ?? error;
  }

  #abort(outcome: Outcome): void {
    if (this.#outcome !== undefined) return;
    this.#outcome = outcome;
    this.dispose();
    this.#controller.abort();
  }

  readonly #onDeadline = (): void => {
    this.#abort('deadline');
  };

  readonly #onCallerAbort = (): void => {
    this.#abort('signal');
  };

  readonly #onClosed = (): void => {
    this.#abort('closed');
  };
}

/** The text trailers as a plain record (binary `-bin` values are left out). */
function trailersOf(metadata: Metadata | undefined): Record<string, string> {
  const trailers: [string, string][] = [];
  if (metadata !== undefined) {
    for (const [key, values] of metadata) {
      const value = values.find((item): item is string => typeof item === 'string');
      if (value !== undefined) trailers.push([key, value]);
    }
  }
  return Object.fromEntries(trailers);
}

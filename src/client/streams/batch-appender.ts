/**
 * The appends of one node over one long-lived `Streams.BatchAppend` call (docs/protocol.md §3.5), shared by
 * every concurrent `appendEvents` on that node: each append sends its messages under a correlation id of its
 * own and waits for the response carrying it. The call is opened on the first append, and again on the next
 * append after it ended or broke; a call that ends fails the appends still waiting on it with its error (the
 * pipeline's typed error: UNAVAILABLE, not-leader, cancelled by close, ...), which the caller may retry.
 *
 * An append's `timeout` and `signal` abandon that append alone: its promise rejects, the call and the other
 * appends go on, and a late answer for it is dropped. The server may still write an abandoned append.
 */
import { randomUUID } from 'node:crypto';
import { Status } from 'nice-grpc';
import type { ExpectedState } from '../arguments/checks.js';
import type { CallControl } from '../calls/call-control.js';
import { RequestQueue } from '../calls/request-queue.js';
import {
  CancelledError,
  DeadlineExceededError,
  GrpcError,
  ServiceUnavailableError,
} from '../errors/esdb-errors.js';
import type { NewEvent } from '../events/new-event.js';
import { batchAppendMessages, type BatchDeadline } from '../wire/batch-append-request.js';
import { type BatchAppendAnswer, commitPositionOfBatch } from '../wire/batch-append-response.js';

/**
 * Opens a BatchAppend call on the node's channel, through the call pipeline, with no deadline of its own; it
 * takes encoded requests and gives decoded answers (the client's own codecs, wire/batch-append-definition.ts).
 */
export type OpenBatchAppend = (requests: AsyncIterable<Uint8Array>) => AsyncIterable<BatchAppendAnswer>;

/** One append, as checked by `appendEvents`. */
export interface BatchAppend {
  readonly streamName: string;
  readonly expected: ExpectedState;
  readonly events: readonly NewEvent[];
  /** Whether the server reads the relative `deadline` field (feature `deadline_duration`, §3.16). */
  readonly durationDeadline: boolean;
}

/** setTimeout cannot wait longer than 2^31-1 ms; longer deadlines are treated as none. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Settles the promise of one append waiting for its response. */
interface Waiter {
  answer(response: BatchAppendAnswer): void;
  fail(error: unknown): void;
}

/**
 * A call with no append waiting for this long is half-closed, so that an open call does not keep the process
 * alive after the application's last append (gRPC keeps its connection referenced while a call runs); the next
 * append opens another. Long enough that steady appends keep one call.
 */
const IDLE_MS = 1000;

/** One BatchAppend call and the appends waiting for their answers on it. */
interface Session {
  readonly requests: RequestQueue<Uint8Array>;
  readonly waiting: Map<string, Waiter>;
  /** When the last append was sent on it (`performance.now()`). */
  lastSent: number;
}

/** The appends of one node over its shared BatchAppend call. */
export class BatchAppender {
  readonly #open: OpenBatchAppend;
  readonly #defaultDeadline: number;
  #session: Session | undefined;
  #unimplemented = false;

  /**
   * @param open opens the call on the node's channel
   * @param defaultDeadline the client's deadline of an append that gives no `timeout`, in milliseconds
   */
  constructor(open: OpenBatchAppend, defaultDeadline: number) {
    this.#open = open;
    this.#defaultDeadline = defaultDeadline;
  }

  /** Whether the node answered BatchAppend with UNIMPLEMENTED: its appends then go through Append. */
  get unimplemented(): boolean {
    return this.#unimplemented;
  }

  /**
   * Appends the events and returns the commit position of the last one.
   * @throws the typed error of the append's failure, or of the call's when the call ended first.
   */
  async append(append: BatchAppend, control: CallControl): Promise<bigint> {
    const timeout = control.timeout ?? this.#defaultDeadline;
    const timeoutMs = timeout > MAX_TIMER_MS ? undefined : timeout;
    const deadline: BatchDeadline =
      timeoutMs === undefined
        ? { kind: 'none' }
        : { kind: append.durationDeadline ? 'duration' : 'timestamp', milliseconds: timeoutMs };
    const correlationId = randomUUID();
    const messages = batchAppendMessages({ ...append, correlationId, deadline });
    const response = await this.#send(correlationId, messages, timeoutMs, control.signal);
    const { streamName, expected } = append;
    const expectedPosition =
      expected.kind === 'position' ? expected.position : expected.kind === 'any' ? -1n : null;
    return commitPositionOfBatch(response, { streamName, expectedPosition });
  }

  /** Queues the messages on the call (opening it if need be) and waits for the answer to `correlationId`. */
  #send(
    correlationId: string,
    messages: readonly Uint8Array[],
    timeoutMs: number | undefined,
    signal: AbortSignal | undefined,
  ): Promise<BatchAppendAnswer> {
    if (signal?.aborted === true) return Promise.reject(cancelled(signal));
    return new Promise((resolve, reject) => {
      const session = this.#session ?? this.#start();
      session.lastSent = performance.now();
      session.waiting.set(
        correlationId,
        waiterOf(session, correlationId, resolve, reject, timeoutMs, signal),
      );
      for (const message of messages) session.requests.push(message);
    });
  }

  /** Opens a call and reads its responses until it ends. */
  #start(): Session {
    const session: Session = {
      requests: new RequestQueue<Uint8Array>(),
      waiting: new Map(),
      lastSent: performance.now(),
    };
    this.#session = session;
    void this.#read(session);
    this.#closeWhenIdle(session, IDLE_MS);
    return session;
  }

  /** Half-closes the session's call once it has been idle for {@link IDLE_MS}; checked every so often. */
  #closeWhenIdle(session: Session, delay: number): void {
    const timer = setTimeout(() => {
      if (this.#session !== session) return;
      const idle = performance.now() - session.lastSent;
      if (session.waiting.size > 0) {
        this.#closeWhenIdle(session, IDLE_MS);
      } else if (idle < IDLE_MS) {
        this.#closeWhenIdle(session, IDLE_MS - idle);
      } else {
        // Later appends open a new call; this one ends with nobody waiting on it.
        this.#session = undefined;
        session.requests.end();
      }
    }, delay);
    timer.unref();
  }

  async #read(session: Session): Promise<void> {
    let failure: unknown;
    try {
      for await (const response of this.#open(session.requests)) {
        session.waiting.get(response.correlationId)?.answer(response);
      }
      failure = new ServiceUnavailableError('The server ended the BatchAppend call before answering.');
    } catch (error) {
      failure = error;
      if (error instanceof GrpcError && error.code === (Status.UNIMPLEMENTED as number))
        this.#unimplemented = true;
    }
    if (this.#session === session) this.#session = undefined;
    session.requests.end();
    for (const waiter of [...session.waiting.values()]) waiter.fail(failure);
  }
}

/**
 * The waiter of one append: answered by its response, failed by the call's end, by its own deadline or by its
 * signal; whichever comes first removes it, so that a late answer finds nobody.
 */
function waiterOf(
  session: Session,
  correlationId: string,
  resolve: (response: BatchAppendAnswer) => void,
  reject: (error: unknown) => void,
  timeoutMs: number | undefined,
  signal: AbortSignal | undefined,
): Waiter {
  const done = (): void => {
    session.waiting.delete(correlationId);
    if (timer !== undefined) clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  };
  const onAbort = (): void => {
    done();
    reject(cancelled(signal));
  };
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          done();
          reject(new DeadlineExceededError(`The call did not complete within ${timeoutMs} ms.`));
        }, timeoutMs);
  // The call keeps the process alive while appends wait; the timer need not.
  timer?.unref();
  signal?.addEventListener('abort', onAbort);
  return {
    answer: (response) => {
      done();
      resolve(response);
    },
    fail: (error) => {
      done();
      reject(error);
    },
  };
}

function cancelled(signal: AbortSignal | undefined): CancelledError {
  return new CancelledError('The call was cancelled by its signal.', { cause: signal?.reason });
}

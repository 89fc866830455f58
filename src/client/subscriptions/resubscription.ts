/**
 * The decision a self-healing subscription makes after its call failed: end with the error, or wait a backoff
 * delay and call again. One instance per subscription; it counts the attempts in a row.
 */
import type { ClientContext } from '../calls/client-context.js';
import type { NodeClients } from '../connection/node-clients.js';
import { DiscoveryError } from '../discovery/discovery-error.js';
import { EsdbError } from '../errors/esdb-error.js';
import {
  CancelledError,
  DeadlineExceededError,
  NotLeaderError,
  ServiceUnavailableError,
  SubscriptionDroppedError,
} from '../errors/esdb-errors.js';
import { ProtocolError } from '../errors/protocol-error.js';
import { ENDED_WITHOUT_STATUS } from '../wire/checked-channel.js';
import { backoffDelay, sleep } from '../calls/backoff.js';
import type { ResubscribePolicy } from './resubscribe-options.js';

/** gRPC ABORTED: the server timed the operation out (§3.1.2), as opposed to the caller's own deadline. */
const ABORTED = 10;

/**
 * Whether a catch-up subscription's failure is worth another call: the node went away or could not be reached
 * (ServiceUnavailableError: a dropped connection, a refused one, a keepalive timeout, a node not ready), the
 * leader moved (NotLeaderError), discovery found no member for now (DiscoveryError), the server cancelled the
 * call (CancelledError that the caller did not cause: a node shutting down), or the server timed it out
 * (ABORTED, such as older servers' "consumer too slow", §3.8), or the server ended the call's stream without
 * a status. Anything else, such as AccessDeniedError, StreamDeletedError or another ProtocolError, would fail
 * again.
 *
 * The last case is needed although a dropped connection now shows as ServiceUnavailableError
 * (wire/checked-channel.ts waits for grpc-js's report): a node that shuts down while calls are open may reset
 * each open stream with RST_STREAM NO_ERROR before it closes the connection (Node's HTTP/2 server does so when
 * the emulator restarts or stops under load). grpc-js then reports INTERNAL "Received RST_STREAM with code 0
 * (Call ended without gRPC status)", or the channel's own check reports the bare end of the stream in the same
 * words, and no connection error follows: a ProtocolError, §4.1. test/client/resubscribe-failures.test.ts
 * injects both; test/client/resubscribe.test.ts (two restarts) fails without this case.
 */
export function isTransientFailure(error: EsdbError): boolean {
  return (
    error instanceof ServiceUnavailableError ||
    (error instanceof ProtocolError && error.grpcStatus?.details.startsWith(ENDED_WITHOUT_STATUS) === true) ||
    error instanceof NotLeaderError ||
    error instanceof DiscoveryError ||
    error instanceof CancelledError ||
    (error instanceof DeadlineExceededError && error.grpcStatus?.code === ABORTED)
  );
}

/**
 * Whether a persistent-subscription consumer's failure is worth another call: the failures of
 * {@link isTransientFailure}, and the server dropping the consumer (SubscriptionDroppedError), which it does
 * alike when the group is updated, deleted or restarted (§3.14 Read step 8): the next call finds out which,
 * and a deleted group then ends the consumer with SubscriptionNotFoundError.
 */
export function isTransientConsumerFailure(error: EsdbError): boolean {
  return error instanceof SubscriptionDroppedError || isTransientFailure(error);
}

/** A subscription's attempts to call again. */
export class Resubscription {
  readonly #policy: ResubscribePolicy | undefined;
  readonly #context: ClientContext;
  readonly #stop: AbortSignal;
  readonly #isTransient: (error: EsdbError) => boolean;
  #attempt = 0;

  /**
   * @param policy the checked `resubscribe` option; undefined for `false`.
   * @param stop aborted when the subscription is closed or its caller's signal aborts.
   */
  constructor(
    policy: ResubscribePolicy | undefined,
    context: ClientContext,
    stop: AbortSignal,
    isTransient: (error: EsdbError) => boolean,
  ) {
    this.#policy = policy;
    this.#context = context;
    this.#stop = stop;
    this.#isTransient = isTransient;
  }

  /** The call reached the server: the next failure starts counting attempts from 1 again. */
  succeeded(): void {
    this.#attempt = 0;
  }

  /**
   * After the call on `node` failed with `error`: tells the observer, waits the backoff delay, and lets the
   * connection move (another node, the leader) if the error says so.
   * @throws `error` when it is not transient, resubscribing is off, the attempts are used up or the client is
   * closed; CancelledError when the caller's signal aborts while waiting.
   */
  async retryAfter(error: unknown, node: NodeClients | undefined): Promise<void> {
    const policy = this.#policy;
    if (
      policy === undefined ||
      this.#stopped() ||
      !(error instanceof EsdbError) ||
      !this.#isTransient(error)
    ) {
      throw error;
    }
    this.#attempt += 1;
    if (this.#attempt > policy.maxAttempts) throw error;
    const delay = backoffDelay(this.#attempt, policy);
    try {
      policy.onReconnect?.({ attempt: this.#attempt, delay, error });
    } catch {
      // An observer's failure must not end the subscription it observes.
    }
    await sleep(delay, this.#stop, this.#context.closed);
    if (this.#stopped())
      throw new CancelledError('Cancelled: the subscription was stopped while resubscribing');
    if (node !== undefined) await this.#context.connection.reconnect(node, error).catch(() => false);
  }

  #stopped(): boolean {
    return this.#stop.aborted || this.#context.closed.aborted;
  }
}

/** When a subscription's `timeout`, counted from its first call, passes: undefined for none. */
export function deadlineOf(timeout: number | undefined): number | undefined {
  return timeout === undefined ? undefined : performance.now() + timeout;
}

/**
 * The milliseconds left until `deadline`, for the next call (undefined for none): a subscription's `timeout`
 * covers its resubscriptions.
 * @throws DeadlineExceededError when none are left.
 */
export function remainingUntil(deadline: number | undefined): number | undefined {
  if (deadline === undefined) return undefined;
  const left = deadline - performance.now();
  if (left <= 0) throw new DeadlineExceededError("Deadline exceeded: the subscription's timeout has passed");
  return left;
}

/**
 * The path every gRPC call of the client takes, as a nice-grpc client middleware on each node's clients: the
 * call's headers, its deadline, the link between the caller's signal, the client's close and the call, and the
 * translation of whatever the call fails with into the client's typed errors, which the node's connection is
 * also told (it stops using a channel that failed with UNAVAILABLE). Methods pass their checked
 * {@link CallControl} as the call options and get typed errors back. Repeating a call (fail-over to another
 * node, retries of idempotent calls) is not done here, since the next attempt may need another channel than
 * the one these clients are bound to: see `failover.ts`.
 */
import type { CallOptions, ClientMiddleware, ClientMiddlewareCall, Metadata } from 'nice-grpc';
import { CallGuard } from './call-guard.js';
import type { CallControl } from './call-control.js';

/** The options a call through the pipeline takes besides nice-grpc's own. */
export interface PipelineCallOptions extends CallControl {
  /**
   * Whether the caller reads the answer at its own pace (reads, subscriptions), so that no default deadline
   * applies: only an explicit `timeout`. Default: whether the method streams its responses.
   */
  readonly longLived?: boolean | undefined;
}

/** What the pipeline of one node's clients needs from the client. */
export interface CallPipelineSettings {
  /** Deadline of calls that are not long-lived, in milliseconds, unless the call gives its own `timeout`. */
  readonly defaultDeadline: number;
  /** Aborted when the client is closed: every call still running is then cancelled. */
  readonly closed: AbortSignal;
  /** The headers of a call to the method at this path (`/package.Service/Method`). */
  readonly metadataOf: (methodPath: string) => Metadata;
  /** A last look at a failure, for what only the connection can tell (a TLS mismatch). */
  readonly diagnose: (error: unknown) => Promise<unknown>;
  /** Told the typed error of every failed call, so that a channel that lost its server is not used again. */
  readonly failed: (error: unknown) => void;
}

/** The middleware that runs every call of one node's clients. */
export function callPipeline(settings: CallPipelineSettings): ClientMiddleware<PipelineCallOptions> {
  return async function* pipeline<Request, Response>(
    call: ClientMiddlewareCall<Request, Response>,
    options: CallOptions & Partial<PipelineCallOptions>,
  ) {
    const { timeout, longLived, signal, ...rest } = options;
    const deadline = timeout ?? ((longLived ?? call.responseStream) ? undefined : settings.defaultDeadline);
    const guard = new CallGuard(deadline === Infinity ? undefined : deadline, signal, settings.closed);
    try {
      return yield* call.next(call.request, {
        ...rest,
        metadata: settings.metadataOf(call.method.path),
        signal: guard.signal,
        onTrailer: guard.onTrailer,
      });
    } catch (error) {
      const failure = await settings.diagnose(guard.translate(error));
      settings.failed(failure);
      throw failure;
    } finally {
      guard.dispose();
    }
  };
}

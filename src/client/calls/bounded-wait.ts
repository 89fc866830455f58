/**
 * Waiting for something shared, such as a node's answer to ServerFeatures that every append of the node awaits,
 * within one call's own limits: the shared work goes on for the others, but this call gives up when its
 * `timeout` passes or its `signal` aborts, with the same errors its gRPC call would have given.
 */
import { CancelledError, DeadlineExceededError } from '../errors/esdb-errors.js';
import type { CallControl } from './call-control.js';

/** `promise`, or the call's DeadlineExceededError or CancelledError if that comes first. */
export function withinCallControl<T>(promise: Promise<T>, control: CallControl): Promise<T> {
  const { timeout, signal } = control;
  if (timeout === undefined && signal === undefined) return promise;
  if (signal?.aborted === true) return Promise.reject(cancelledBy(signal));
  return new Promise<T>((resolve, reject) => {
    const settle = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      settle();
      reject(cancelledBy(signal));
    };
    const timer =
      timeout === undefined
        ? undefined
        : setTimeout(() => {
            settle();
            reject(new DeadlineExceededError(`The call did not complete within ${timeout} ms.`));
          }, timeout);
    signal?.addEventListener('abort', onAbort, { once: true });
    // A late outcome after the timeout or the abort settles nothing, and is not left unhandled.
    promise.finally(settle).then(resolve, reject);
  });
}

function cancelledBy(signal: AbortSignal | undefined): CancelledError {
  return new CancelledError('The call was cancelled by its signal.', { cause: signal?.reason });
}

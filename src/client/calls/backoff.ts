/**
 * The waits between attempts, shared by the retries of idempotent calls and by resubscriptions: exponential
 * backoff with jitter, and a sleep that ends early when the caller stops waiting.
 */

/** The delay limits of a backoff, in milliseconds. */
export interface BackoffLimits {
  readonly initialDelay: number;
  readonly maxDelay: number;
}

/**
 * The delay before attempt `attempt` (1, 2, ...): `initialDelay` doubled per attempt up to `maxDelay`, less a
 * random part of up to half of it ("equal jitter"), so that calls or subscriptions that failed together spread
 * out while each still backs off.
 * @param random a number in [0, 1), `Math.random()` by default.
 */
export function backoffDelay(attempt: number, limits: BackoffLimits, random = Math.random()): number {
  // 2^30 is far past any maxDelay a timer can wait (2^31-1 ms), and keeps the power finite.
  const ceiling = Math.min(limits.maxDelay, limits.initialDelay * 2 ** Math.min(attempt - 1, 30));
  return Math.round(ceiling - (ceiling / 2) * random);
}

/** Resolves after `ms` milliseconds, or as soon as one of `signals` aborts. Never rejects. */
export function sleep(ms: number, ...signals: readonly AbortSignal[]): Promise<void> {
  if (signals.some((signal) => signal.aborted)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      for (const signal of signals) signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    for (const signal of signals) signal.addEventListener('abort', done, { once: true });
  });
}

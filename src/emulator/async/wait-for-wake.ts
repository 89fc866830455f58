/**
 * Waits until the waker handed to `register` is called or `signal` aborts, whichever comes first; either way the
 * waker is unregistered (set to undefined) and the abort listener removed, so nothing leaks across waits.
 */
export function waitForWake(
  signal: AbortSignal,
  register: (wake: (() => void) | undefined) => void,
): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      signal.removeEventListener('abort', done);
      register(undefined);
      resolve();
    };
    register(done);
    signal.addEventListener('abort', done, { once: true });
  });
}

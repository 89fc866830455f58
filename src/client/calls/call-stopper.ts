/**
 * A signal for a long-lived call that its owner can stop (a subscription's `close()`) and that also follows the
 * caller's own `signal`. It is handed to the call's guard as the caller's signal; the owner tells the two apart
 * by remembering that it stopped the call itself.
 */
export class CallStopper {
  readonly #controller = new AbortController();
  readonly #callerSignal: AbortSignal | undefined;

  /** @param callerSignal the caller's signal, if any: aborting it stops the call too. */
  constructor(callerSignal: AbortSignal | undefined) {
    this.#callerSignal = callerSignal;
    if (callerSignal?.aborted === true) {
      this.#controller.abort(callerSignal.reason);
    } else {
      callerSignal?.addEventListener('abort', this.#onCallerAbort);
    }
  }

  /** Aborts when the call is stopped, by its owner or by the caller's signal. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Stops the call. */
  stop(): void {
    this.dispose();
    this.#controller.abort();
  }

  /** Lets go of the caller's signal; call it once the call has ended. */
  dispose(): void {
    this.#callerSignal?.removeEventListener('abort', this.#onCallerAbort);
  }

  readonly #onCallerAbort = (): void => {
    this.dispose();
    this.#controller.abort(this.#callerSignal?.reason);
  };
}

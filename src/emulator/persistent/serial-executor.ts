/**
 * Runs the subsystem's work one piece at a time, like the server's single queue for persistent subscriptions
 * (PersistentSubscriptionService.cs runs behind one queued handler). Work posted while another piece runs (for
 * instance the commit notification of a checkpoint the running piece writes) waits until that piece is done.
 */
export class SerialExecutor {
  private running = false;
  private readonly pending: (() => void)[] = [];

  /** Runs `work` now and returns its result; then runs whatever was posted meanwhile. */
  execute<T>(work: () => T): T {
    if (this.running) throw new Error('persistent-subscription work must not start other work synchronously');
    this.running = true;
    try {
      return work();
    } finally {
      this.running = false;
      this.drain();
    }
  }

  /** Runs `work` now if nothing is running, otherwise as soon as the running piece is done. */
  post(work: () => void): void {
    if (this.running) {
      this.pending.push(work);
      return;
    }
    this.execute(work);
  }

  private drain(): void {
    while (!this.running) {
      const next = this.pending.shift();
      if (next === undefined) return;
      this.running = true;
      try {
        next();
      } catch {
        // The server's queue logs a failed message and carries on with the next one.
      } finally {
        this.running = false;
      }
    }
  }
}

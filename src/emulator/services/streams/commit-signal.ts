import { waitForWake } from '../../async/wait-for-wake.js';
import type { EventStore } from '../../store/event-store.js';

let openSignals = 0;

/**
 * How many {@link CommitSignal}s are open in this process: one per live catch-up subscription. Tests read it to
 * check that cancelled subscriptions let go of the store.
 */
export function openCommitSignalCount(): number {
  return openSignals;
}

/**
 * Wakes a subscription when the store commits. The subscription itself reads the records from the log with its
 * own cursor, so a commit can never be missed between catching up and waiting: the store's listeners run
 * synchronously inside every write, and a commit that happened since the last wait makes the next wait return
 * at once.
 */
export class CommitSignal {
  private pending = false;
  private wake: (() => void) | undefined;
  private stopListening: (() => void) | undefined;

  constructor(store: EventStore) {
    this.stopListening = store.onCommit(() => {
      this.pending = true;
      this.wake?.();
    });
    openSignals += 1;
  }

  /** Resolves true after the next commit (or at once if one happened since the last call), false on abort. */
  async next(signal: AbortSignal): Promise<boolean> {
    if (!this.pending && !signal.aborted) {
      await waitForWake(signal, (wake) => (this.wake = wake));
    }
    this.pending = false;
    return !signal.aborted;
  }

  /** Stops listening; idempotent. */
  close(): void {
    if (this.stopListening === undefined) return;
    this.stopListening();
    this.stopListening = undefined;
    this.wake?.();
    openSignals -= 1;
  }
}

/**
 * The acknowledgements a persistent-subscription consumer gave lately, kept so that it can tell, after it
 * connected again, which redelivered events it has already dealt with. When a consumer's call ends, the server
 * retries every message it had in flight, acknowledged or not if the acknowledgement had not reached it, and a
 * restarted node resumes each group from its last checkpoint; acknowledgements are by event id on the group,
 * from any connection, so sending them again on the new call settles those events (docs/protocol.md §3.14.3).
 */
import type { AckAction } from '../wire/persistent-requests.js';

/** The last settlements of a consumer, oldest dropped first beyond a limit. */
export class RecentSettlements {
  readonly #limit: number;
  readonly #actions = new Map<string, AckAction>();

  /**
   * @param limit how many to keep: more than the server can have in flight to the consumer (its buffer size),
   * with room for the acknowledgements still waiting to be sent.
   */
  constructor(limit: number) {
    this.#limit = limit;
  }

  /**
   * Notes that `id` was settled with `action`. A `retry` is not kept: the server retries in-flight messages of
   * a dropped consumer anyway, so its redelivery is what the consumer asked for.
   */
  note(action: AckAction, id: string): void {
    if (action === 'retry') return;
    this.#actions.delete(id);
    this.#actions.set(id, action);
    if (this.#actions.size > this.#limit) {
      const oldest = this.#actions.keys().next();
      if (oldest.done !== true) this.#actions.delete(oldest.value);
    }
  }

  /**
   * The action `id` was settled with; undefined if it was not settled lately. It is kept: a node that
   * restarts twice may give the same events again twice.
   */
  actionOf(id: string): AckAction | undefined {
    return this.#actions.get(id);
  }
}

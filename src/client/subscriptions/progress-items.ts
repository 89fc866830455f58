/**
 * The progress items a catch-up subscription delivers among its events when asked to (`includeCaughtUp`,
 * `includeCheckpoints`), and the item type that a subscription's options select (docs/protocol.md §3.8, §3.9).
 */
import type { RecordedEvent } from '../events/recorded-event.js';

/**
 * The subscription has delivered every event recorded when it started: what follows is live. Servers 23.10 and
 * later say so (§3.8); a server that falls behind its live events catches up again and says so once more.
 */
export class CaughtUp {
  // A private member makes the type nominal: without one, every object (a RecordedEvent too) would pass for a
  // CaughtUp, and narrowing a subscription's items with `instanceof` would go wrong.
  declare private readonly caughtUpBrand: never;

  /** Made by subscriptions; public so that tests can make their own. */
  constructor() {
    Object.freeze(this);
  }
}

/**
 * How far a filtered subscription to all streams has looked, sent while events are rare or none match the
 * filter (§3.9). Storing its commit position as progress is safe: a subscription resumed from it with
 * `subscribeAllEvents({ commitPosition })` neither repeats nor skips an event.
 */
export class Checkpoint {
  /**
   * The commit position up to which the subscription has delivered every matching event: the position of the
   * last event delivered, of a record the server looked at that did not match, or of the subscription's start
   * (§3.9.1).
   */
  readonly commitPosition: bigint;
  // Nominal, as for CaughtUp: a RecordedEvent has a commitPosition too, and must not pass for a Checkpoint.
  declare private readonly checkpointBrand: never;

  /** Made by subscriptions; public so that tests can make their own. */
  constructor(commitPosition: bigint) {
    this.commitPosition = commitPosition;
    Object.freeze(this);
  }
}

/**
 * What a catch-up subscription yields: recorded events, with CaughtUp items when `includeCaughtUp` is `true` and
 * Checkpoint items when `includeCheckpoints` is `true`. A flag typed `boolean` (not known until run time) adds
 * its item type.
 */
export type CatchUpItem<
  WithCaughtUp extends boolean | undefined = false,
  WithCheckpoints extends boolean | undefined = false,
> =
  | RecordedEvent
  | (true extends WithCaughtUp ? CaughtUp : never)
  | (true extends WithCheckpoints ? Checkpoint : never);

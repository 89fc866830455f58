/**
 * An event as a persistent subscription delivers it: a {@link RecordedEvent} plus what the group says about
 * this delivery.
 */
import { RecordedEvent, type RecordedEventInit } from './recorded-event.js';

/**
 * A recorded event received from a persistent subscription. Immutable, like every {@link RecordedEvent}.
 */
export class PersistentRecordedEvent extends RecordedEvent {
  /**
   * How many times the group has delivered this event before: 0 on the first delivery, then 1, 2, ... each time
   * it is sent again after a `retry` nack or a message timeout (docs/protocol.md §3.14, Read step 3).
   */
  readonly retryCount: number;
  /**
   * The id to acknowledge the delivery with: the id of {@link RecordedEvent.link} when the group delivered a
   * resolved link, otherwise {@link RecordedEvent.id} (§3.14, Read step 4). `ack(event.id)` is translated to it
   * too.
   */
  readonly ackId: string;

  /** @internal Made by the subscription reader from each delivered message. */
  constructor(init: RecordedEventInit, retryCount: number, ackId: string) {
    super(init);
    this.retryCount = retryCount;
    this.ackId = ackId;
    Object.freeze(this);
  }
}

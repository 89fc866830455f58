import { LinkedList, type ListNode } from './linked-list.js';
import type { OutstandingMessage } from './outstanding-message.js';
import { comparePositions, type SubscriptionPosition } from './subscription-position.js';

/** A message met while scanning the buffer; `markSent` takes it out once a consumer has it. */
export interface BufferedMessage {
  readonly message: OutstandingMessage;
  markSent(): void;
}

/**
 * What a group holds before handing messages out (server: StreamBuffer.cs): the retry queue, read first, then
 * the buffer of events read from history or received live; plus a bounded queue of the latest live events,
 * kept so the group can tell where its history reads meet the live stream.
 */
export class StreamBuffer {
  private readonly retry = new LinkedList<OutstandingMessage>();
  private readonly buffer = new LinkedList<OutstandingMessage>();
  private readonly liveBuffer: OutstandingMessage[] = [];
  private isLive: boolean;

  constructor(
    private readonly maxBufferSize: number,
    private readonly maxLiveBufferSize: number,
    /** Events at or before this position are already done (the loaded checkpoint). */
    private readonly initialPosition: SubscriptionPosition | undefined,
    startInHistory: boolean,
  ) {
    this.isLive = !startInHistory;
  }

  /** A method rather than a getter: the answer changes as messages are added. */
  live(): boolean {
    return this.isLive;
  }

  get liveBufferCount(): number {
    return this.liveBuffer.length;
  }

  get retryBufferCount(): number {
    return this.retry.count;
  }

  get readBufferCount(): number {
    return this.buffer.count;
  }

  /** Room for more than `count` messages. */
  canAccept(count: number): boolean {
    return this.maxBufferSize - (this.retry.count + this.buffer.count) > count;
  }

  /**
   * Queues a message for another attempt. Replayed parked messages go last; others go before the first retry
   * that sits later in the source, so retries leave in source order.
   */
  addRetry(message: OutstandingMessage): void {
    const position = message.position;
    if (message.isReplayed || position === undefined) {
      this.retry.addLast(message);
      return;
    }
    for (const node of this.retry.nodes()) {
      const other = node.value.position;
      if (other !== undefined && comparePositions(position, other) < 0) {
        this.retry.addBefore(node, message);
        return;
      }
    }
    this.retry.addLast(message);
  }

  /** A newly committed event: straight into the buffer while live and not full; always into the live queue. */
  addLiveMessage(message: OutstandingMessage): void {
    if (this.isLive) {
      if (this.buffer.count < this.maxBufferSize) this.buffer.addLast(message);
      else this.isLive = false;
    }
    this.enqueueLive(message);
  }

  /**
   * An event read from history. Once reading reaches the oldest event still in the live queue, the queue's
   * events move into the buffer and the group is live again.
   */
  addReadMessage(message: OutstandingMessage): void {
    if (this.isLive) return;
    const position = message.position;
    if (position === undefined) return;
    if (this.initialPosition !== undefined && comparePositions(position, this.initialPosition) <= 0) return;
    const oldestLive = this.liveBuffer[0]?.position;
    if (oldestLive === undefined || comparePositions(position, oldestLive) < 0) {
      this.buffer.addLast(message);
    } else if (comparePositions(oldestLive, position) < 0) {
      this.drainLiveBefore(position);
      this.switchToLive();
    } else {
      this.switchToLive();
    }
  }

  /** History reads reached the end: live if no live event is waiting to be reconciled. */
  tryMoveToLive(): boolean {
    if (this.liveBuffer.length === 0) {
      this.isLive = true;
      return true;
    }
    return false;
  }

  /** The retry queue, then the buffer, in order. */
  *scan(): Generator<BufferedMessage> {
    for (const list of [this.retry, this.buffer]) {
      for (const node of list.nodes()) yield pointer(list, node);
    }
  }

  /** The queued retry with the lowest sequence number: it holds back checkpoints. */
  lowestRetry(): OutstandingMessage | undefined {
    let lowest: OutstandingMessage | undefined;
    for (const message of this.retry.values()) {
      if (message.isReplayed || message.sequenceNumber === undefined) continue;
      if (lowest?.sequenceNumber === undefined || message.sequenceNumber < lowest.sequenceNumber)
        lowest = message;
    }
    return lowest;
  }

  private enqueueLive(message: OutstandingMessage): void {
    // .NET BoundedQueue dequeues before it enqueues when full; with a capacity of 0 that dequeue throws, after
    // the message already went into the buffer (the group then pushes it on its next clock tick).
    if (this.maxLiveBufferSize <= 0) throw new RangeError('Queue empty.');
    if (this.liveBuffer.length >= this.maxLiveBufferSize) this.liveBuffer.shift();
    this.liveBuffer.push(message);
  }

  private switchToLive(): void {
    for (const message of this.liveBuffer.splice(0)) this.buffer.addLast(message);
    this.isLive = true;
  }

  private drainLiveBefore(position: SubscriptionPosition): void {
    for (;;) {
      const oldest = this.liveBuffer[0]?.position;
      if (oldest === undefined || comparePositions(oldest, position) >= 0) return;
      this.liveBuffer.shift();
    }
  }
}

function pointer(list: LinkedList<OutstandingMessage>, node: ListNode<OutstandingMessage>): BufferedMessage {
  return {
    message: node.value,
    markSent: () => {
      if (!list.remove(node)) throw new Error('The message can only be accepted once.');
    },
  };
}

import type { Consumer } from './consumer.js';

/** The server keeps 1024 buckets (PinnedState/PinnedConsumerState.cs). */
export const BUCKET_COUNT = 1024;

interface Node {
  readonly consumer: Consumer;
  connected: boolean;
  assignmentCount: number;
}

interface Bucket {
  state: 'unassigned' | 'assigned' | 'disconnected';
  node: Node | undefined;
  inFlight: number;
}

/**
 * Which consumer owns which bucket of a pinned group (server: PinnedState/PinnedConsumerState.cs): a bucket is
 * given to the connected consumer with the fewest buckets when first needed, a new consumer takes buckets from
 * consumers above the balanced share, and a leaving consumer's buckets are handed out again on demand.
 */
export class PinnedConsumerState {
  private readonly nodes: Node[] = [];
  readonly buckets: Bucket[] = Array.from({ length: BUCKET_COUNT }, () => ({
    state: 'unassigned' as const,
    node: undefined,
    inFlight: 0,
  }));
  private assignmentCount = 0;

  /** Free slots across connected consumers. */
  get availableCapacity(): number {
    let capacity = 0;
    for (const node of this.nodes) {
      if (node.connected) capacity += node.consumer.maxInFlight - node.consumer.inFlightMessages;
    }
    return capacity;
  }

  addNode(consumer: Consumer): void {
    const added: Node = { consumer, connected: true, assignmentCount: 0 };
    this.nodes.push(added);
    const connected = this.nodes.filter((node) => node.connected).length;
    const balanced = Math.ceil(this.assignmentCount / connected);
    const moves: number[] = [];
    for (const node of this.nodes) {
      if (node === added || !node.connected || node.assignmentCount <= balanced) continue;
      // Buckets with the fewest messages in flight move first; ties keep bucket order (a stable sort).
      const owned = this.buckets
        .map((bucket, index) => ({ bucket, index }))
        .filter(({ bucket }) => bucket.node === node && bucket.state === 'assigned')
        .sort((a, b) => a.bucket.inFlight - b.bucket.inFlight)
        .slice(0, node.assignmentCount - balanced);
      for (const { index } of owned) moves.push(index);
    }
    for (const index of moves) this.assign(index, added);
    this.clean();
  }

  disconnect(consumer: Consumer): void {
    const node = this.nodes.find((candidate) => candidate.consumer === consumer);
    if (node === undefined)
      throw new Error("ClientRemoved was called for a client the consumer strategy didn't have.");
    node.connected = false;
    this.assignmentCount -= node.assignmentCount;
    for (const bucket of this.buckets) {
      if (bucket.node === node) {
        bucket.state = 'disconnected';
        bucket.inFlight = 0;
      }
    }
  }

  /** Gives `bucket` to the connected consumer with the fewest buckets (the first of them). */
  assignToLeastLoaded(bucket: number): void {
    let chosen: Node | undefined;
    for (const node of this.nodes) {
      if (node.connected && (chosen === undefined || node.assignmentCount < chosen.assignmentCount))
        chosen = node;
    }
    if (chosen !== undefined) this.assign(bucket, chosen);
  }

  eventSent(bucket: number): void {
    const entry = this.buckets[bucket];
    if (entry !== undefined) entry.inFlight += 1;
  }

  eventRemoved(consumer: Consumer, bucket: number): void {
    const entry = this.buckets[bucket];
    if (entry?.node?.consumer === consumer) entry.inFlight -= 1;
  }

  private assign(index: number, node: Node): void {
    const bucket = this.buckets[index];
    if (bucket === undefined) return;
    if (bucket.state !== 'assigned') this.assignmentCount += 1;
    if (bucket.state !== 'unassigned' && bucket.node !== undefined) bucket.node.assignmentCount -= 1;
    bucket.state = 'assigned';
    bucket.node = node;
    node.assignmentCount += 1;
  }

  private clean(): void {
    for (let index = this.nodes.length - 1; index >= 0; index -= 1) {
      const node = this.nodes[index];
      if (node !== undefined && !node.connected && node.assignmentCount === 0) this.nodes.splice(index, 1);
    }
  }
}

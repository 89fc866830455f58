/**
 * The shared state of a partitioned bi-state query (`$initShared`, or the `biState` option), kept as the server
 * keeps it (24.10, Services/Processing/Phases/EventProcessingProjectionProcessingPhase.cs
 * `InitOrLoadHandlerState`, `InternalProcessCommittedEvent`): in the root partition `''`, so that it is the
 * root checkpoint's state and what State answers for partition `''`. The handler gets it when it first handles
 * an event, not before: from the root partition if that has a state (taken up from a checkpoint), else from
 * `$initShared` (§3.17.8).
 */
import type { CheckpointTag } from './checkpoint-tag.js';
import type { ProjectionSandbox } from './js-sandbox.js';
import type { PartitionState } from './user-projection-checkpoint.js';

export class SharedState {
  private handedOver = false;

  /**
   * @param inRoot whether it lives in the root partition: for a partitioned query only (an unpartitioned one has
   * its own state there; its shared state is only started)
   */
  constructor(
    private readonly sandbox: ProjectionSandbox,
    private readonly partitions: Map<string, PartitionState>,
    private readonly inRoot: boolean,
  ) {}

  /** The shared state found in the projection's checkpoint (its root state). */
  restore(state: string | null, tag: CheckpointTag): void {
    this.partitions.set('', { state, result: null, causedBy: tag });
  }

  /** Before a handler runs: the handler gets the shared state if it does not have it yet. */
  prepare(): void {
    if (this.handedOver) return;
    const root = this.inRoot ? this.partitions.get('')?.state : undefined;
    if (root !== undefined && root !== null && root !== '') this.sandbox.loadShared(root);
    else this.sandbox.initShared();
    this.handedOver = true;
  }

  /** After it: the shared state it left is the root partition's. */
  record(shared: string | null, tag: CheckpointTag): void {
    if (!this.inRoot || shared === null || this.partitions.get('')?.state === shared) return;
    this.partitions.set('', { state: shared, result: null, causedBy: tag });
  }
}

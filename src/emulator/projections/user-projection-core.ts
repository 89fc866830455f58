/**
 * One user projection at work: its query's handlers applied to the log in order, after commits and never
 * inside an append, as the server's core projection does (24.10, Services/Processing/CoreProjection.cs and
 * Phases/EventProcessingProjectionProcessingPhase.cs). It keeps each partition's state and result, writes
 * what the handlers emit and its results and checkpoints (projection-writes.ts), faults with the server's
 * message when a handler throws, and completes a one-time or transient projection once it has read the log.
 */
import type { EventStore } from '../store/event-store.js';
import type { StoredEvent } from '../store/stored-event.js';
import { advance, isAtOrBefore, zeroTag, type CheckpointTag } from './checkpoint-tag.js';
import { recoverCheckpoint } from './checkpoint-recovery.js';
import { EmittedStreamsTracker } from './emitted-streams.js';
import { ProjectionSandbox, ScriptError, type HandlerOutput, type QueryDefinition } from './js-sandbox.js';
import { correlationIdToCarry } from './metadata-values.js';
import type { CoreConfig, CoreListener } from './user-projection-config.js';
import { ProjectionWriter, type WriteContext } from './projection-writes.js';
import { EMIT_NOT_ALLOWED, faultOf } from './projection-faults.js';
import { writeCheckpoint, type PartitionState } from './user-projection-checkpoint.js';
import {
  deletedStreamOf,
  envelopeFieldsOf,
  sourceEventOf,
  type SourceEvent,
} from './user-projection-input.js';
import { ResultPublisher } from './user-projection-results.js';
import { RootCheckpointWriter } from './root-checkpoint-writer.js';
import { BatchScheduler } from './batch-scheduler.js';
import { SharedState } from './shared-state.js';

/** ProjectionConsts.CheckpointHandledThreshold: events handled between two checkpoints. */
const CHECKPOINT_HANDLED_THRESHOLD = 4000;

/**
 * The root partition of an unpartitioned projection before its first event: cached, as the server caches it when
 * its checkpoint is loaded, but with no state, for `$init` runs only when the first event is handled
 * (KurrentDB 24.10 CoreProjection.cs, Handle(CheckpointLoaded); EventProcessingProjectionProcessingPhase.cs,
 * InitOrLoadHandlerState). So State and Result answer `{}` until then.
 */
const UNINITIALISED_ROOT: PartitionState = Object.freeze({ state: null, result: null });

/** Runs one user projection's query over the log. */
export class UserProjectionCore {
  readonly partitions = new Map<string, PartitionState>();
  tag: CheckpointTag;
  lastCheckpoint: CheckpointTag | undefined;
  eventsProcessed = 0n;
  processingMs = 0;
  /** What the compiled query declared about its sources (source-definition.ts). */
  readonly definition: QueryDefinition;
  private readonly sandbox: ProjectionSandbox;
  private readonly writer: ProjectionWriter;
  private readonly rootCheckpoints: RootCheckpointWriter;
  private readonly results: ResultPublisher;
  private readonly tracker: EmittedStreamsTracker | undefined;
  private readonly sources: readonly string[] | undefined;
  private dirty = new Set<string>();
  /** Partitions started with `$init` whose `$created` handlers have yet to run (on their first event). */
  private readonly createdDue = new Set<string>();
  private handledSinceCheckpoint = 0;
  private readonly batches: BatchScheduler;
  private readonly shared: SharedState | undefined;

  /** Compiles the query; a query that does not compile throws {@link ScriptError}. */
  constructor(
    private readonly store: EventStore,
    private readonly config: CoreConfig,
    private readonly listener: CoreListener,
  ) {
    this.sandbox = new ProjectionSandbox(config.query);
    const definition = (this.definition = this.sandbox.definition);
    this.sources = definition.allStreams
      ? undefined
      : [...definition.streams, ...definition.categories.map((category) => `$ce-${category}`)];
    this.tag = zeroTag(this.sources);
    this.writer = new ProjectionWriter(store);
    this.rootCheckpoints = new RootCheckpointWriter(store, config.name);
    this.results = new ResultPublisher(this.writer, config.name, definition);
    if (definition.biState) this.shared = new SharedState(this.sandbox, this.partitions, this.partitioned);
    if (config.emitEnabled && config.trackEmittedStreams)
      this.tracker = new EmittedStreamsTracker(store, config.name);
    this.batches = new BatchScheduler(store, {
      processBatch: (records) => {
        this.processBatch(records);
      },
      caughtUp: () => {
        if (!this.checkpointsEnabled) this.complete();
      },
    });
  }

  private get checkpointsEnabled(): boolean {
    return this.config.mode === 'Continuous';
  }

  private get partitioned(): boolean {
    return this.sandbox.definition.byStream || this.sandbox.definition.byCustomPartitions;
  }

  /** Takes up the last checkpoint (continuous mode) and sets up the unpartitioned state; throws ScriptError. */
  load(): void {
    const recovered = this.checkpointsEnabled
      ? recoverCheckpoint(this.store, this.config.name, this.config.version.epoch)
      : undefined;
    if (recovered !== undefined) {
      this.tag = recovered.tag;
      this.lastCheckpoint = recovered.tag;
      for (const [partition, state] of recovered.states) {
        if (partition === '' && this.partitioned) {
          this.shared?.restore(state, recovered.tag);
          continue;
        }
        this.sandbox.load(partition, state);
        const causedBy = recovered.tag;
        this.partitions.set(partition, { state, result: this.resultOf(partition, state), causedBy });
      }
    }
    if (!this.partitioned && !this.partitions.has('')) this.partitions.set('', UNINITIALISED_ROOT);
  }

  /** Follows the log from where {@link load} left it. */
  run(): void {
    this.batches.start();
  }

  /** Stops following the log; `writeCheckpoint` writes where it got to (the server's Disable, not Abort). */
  stop(writeCheckpoint: boolean): void {
    const wasRunning = this.batches.running;
    this.batches.stop();
    if (wasRunning && writeCheckpoint) this.writeCheckpoint();
  }

  private processBatch(records: Iterable<StoredEvent>): void {
    const started = performance.now();
    try {
      for (const record of records) this.handleRecord(record);
    } catch (error) {
      // Anything else that fails (a write the store refuses, say) faults the projection too, as on the server.
      this.fault(error instanceof Error ? error.message : String(error));
      return;
    } finally {
      this.processingMs += performance.now() - started;
    }
    if (this.batches.running && this.handledSinceCheckpoint >= CHECKPOINT_HANDLED_THRESHOLD) {
      this.writeCheckpoint();
    }
  }

  private handleRecord(record: StoredEvent): void {
    if (isAtOrBefore(this.tag, record.position, record.streamName, record.eventNumber)) return;
    const tag = advance(this.tag, record.position, record.streamName, record.eventNumber);
    const deleted = deletedStreamOf(record, this.sandbox.definition, this.sources);
    if (deleted !== undefined) this.partitionDeleted(deleted, tag);
    const source = sourceEventOf(this.store, record, this.sandbox.definition, this.sources);
    if (source === undefined) return;
    let handled: { partition: string; output: HandlerOutput } | undefined;
    try {
      handled = this.process(source);
    } catch (error) {
      throw faultOf(error, `The ${this.config.name} projection failed to process an event.`, tag);
    }
    if (handled !== undefined) {
      const { input } = source;
      const correlationId = correlationIdToCarry(input.isJson, input.metadata);
      const context = { version: this.config.version, tag, causedBy: input.eventId, correlationId };
      this.apply(handled.partition, handled.output, context);
    }
    this.tag = tag;
  }

  /** The `$deleted` handler gets the partition's state; what it does to it is the new state (ProcessPartitionDeleted). */
  private partitionDeleted(partition: string, tag: CheckpointTag): void {
    let output: HandlerOutput;
    try {
      if (this.needsInit(partition)) this.initPartition(partition);
      this.shared?.prepare();
      this.createdDue.delete(partition);
      output = this.sandbox.deleted(partition, false);
    } catch (error) {
      throw faultOf(
        error,
        `The ${this.config.name} projection failed to process a delete partition notification.`,
        tag,
      );
    }
    this.apply(partition, output, this.contextAt(tag));
  }

  /** Runs the handler: the partition and what it returned, or undefined when no handler ran. */
  private process(source: SourceEvent): { partition: string; output: HandlerOutput } | undefined {
    const definition = this.sandbox.definition;
    const partition = definition.byStream
      ? source.input.eventStream
      : definition.byCustomPartitions
        ? this.sandbox.partitionOf(envelopeFieldsOf(source, '', definition))
        : '';
    if (partition === null) return undefined;
    if (this.needsInit(partition)) this.initPartition(partition);
    this.shared?.prepare();
    this.eventsProcessed += 1n;
    this.handledSinceCheckpoint += 1;
    const fields = envelopeFieldsOf(source, partition, definition);
    // ProcessPartitionCreated: with the event's envelope, but no category; what it emits goes first.
    const created = this.createdDue.delete(partition)
      ? this.sandbox.created(partition, { ...fields, category: '' })
      : undefined;
    if (source.emptyData) return undefined;
    const output = this.sandbox.handle(partition, fields);
    return { partition, output: { ...output, emitted: [...(created?.emitted ?? []), ...output.emitted] } };
  }

  /** Takes the handler's output: a projection that may not emit faults with the server's own reason. */
  private apply(partition: string, output: HandlerOutput, context: WriteContext): void {
    if (output.emitted.length > 0 && !this.config.emitEnabled) throw new ScriptError(EMIT_NOT_ALLOWED);
    const previous = this.partitions.get(partition);
    const result = this.resultOf(partition, output.state);
    // Only a change is kept for the next checkpoint (EventSubscriptionBasedProjectionProcessingPhase.cs); a
    // partition only initialised here counts as empty there, so its first state is always one.
    const changed = previous?.causedBy === undefined || previous.state !== output.state;
    if (changed || previous.result !== result) {
      this.partitions.set(partition, { state: output.state, result, causedBy: context.tag });
      this.dirty.add(partition);
    }
    this.shared?.record(output.shared, context.tag);
    this.tracker?.track(output.emitted.map((emission) => emission.stream));
    for (const emission of output.emitted) this.writer.emit(emission, context);
    if (this.checkpointsEnabled && previous?.result !== result)
      this.results.publish(partition, result, context);
  }

  /** Whether the handler has yet to run `$init` for the partition (InitOrLoadHandlerState: no state yet). */
  private needsInit(partition: string): boolean {
    const cached = this.partitions.get(partition);
    return cached === undefined || cached === UNINITIALISED_ROOT;
  }

  private initPartition(partition: string): void {
    const state = this.sandbox.init(partition);
    this.createdDue.add(partition);
    this.partitions.set(partition, { state, result: this.resultOf(partition, state) });
  }

  /** Writes at `tag` caused by no event: checkpoints, results, a partition's deletion. */
  private contextAt(tag: CheckpointTag): WriteContext {
    return { version: this.config.version, tag, causedBy: undefined, correlationId: undefined };
  }

  private resultOf(partition: string, state: string | null): string | null {
    return this.sandbox.definition.definesStateTransform ? this.sandbox.result(partition) : state;
  }

  private writeCheckpoint(): void {
    if (!this.checkpointsEnabled || this.handledSinceCheckpoint === 0) return;
    const context = this.contextAt(this.tag);
    const writers = { partitions: this.writer, root: this.rootCheckpoints };
    const outcome = writeCheckpoint(writers, this.config.name, this.partitions, this.dirty, {
      context,
      withResults: this.sandbox.definition.definesStateTransform,
    });
    if (typeof outcome === 'object') {
      this.fault(outcome.fault);
      return;
    }
    this.dirty = new Set();
    this.handledSinceCheckpoint = 0;
    if (outcome) this.lastCheckpoint = this.tag;
  }

  private fault(reason: string): void {
    this.stop(false);
    this.listener.faulted(reason);
  }

  /** The end of a one-time or transient run: its results are written (WriteQueryResultProjectionProcessingPhase). */
  private complete(): void {
    this.stop(false);
    if (this.config.mode === 'OneTime' && this.sandbox.definition.producesResults) {
      const context = this.contextAt(this.tag);
      for (const [partition, entry] of this.partitions)
        this.results.publish(partition, entry.result, context);
    }
    this.listener.completed();
  }
}

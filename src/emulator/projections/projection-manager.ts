/**
 * A node's projection manager: the standard projections and the user projections, with the operations and
 * rules of the server's Services/Management/ProjectionManager.cs (24.10). User projections are registered in
 * `$projections-$all` (`$ProjectionCreated`, whose event number is the projection's id; `$ProjectionDeleted`)
 * and defined in `$projections-<name>`, so a node started again on a durable log finds them there and
 * resumes each from its checkpoint. `runProjections` `system` runs only projections whose names start with
 * `$`: user projections are created and kept, but do not run (`IsProjectionEnabledToRunByMode`).
 */
import { randomUUID } from 'node:crypto';

import type { EventStore } from '../store/event-store.js';
import type { StoredEvent } from '../store/stored-event.js';
import { ManagedProjection } from './managed-projection.js';
import { parsePersistedState, PROJECTION_UPDATED_EVENT_TYPE } from './persisted-state.js';
import {
  ProjectionManagementError,
  type DeleteOptions,
  type ProjectionDefinition,
  type ProjectionManagement,
  type ProjectionMode,
  type ProjectionStatistics,
  type RunAsUser,
  type StatisticsSelector,
} from './projection-management.js';
import { definitionStreamOf } from './projection-names.js';
import {
  checkProjectionOptions,
  PROJECTIONS_REGISTRATION_STREAM,
  registerStandardProjections,
  type ProjectionOptions,
  type ProjectionSubsystem,
  type RunProjections,
} from './projection-options.js';
import { mayChangeProjection, serializeRunAs } from './run-as.js';
import { STANDARD_PROJECTIONS } from './standard-handlers.js';
import { StandardProjections } from './standard-projections.js';

/** A running manager: the operations of the Projections service, and `stop` for the node's shutdown. */
export type ProjectionManager = ProjectionManagement & ProjectionSubsystem;

const PROJECTION_CREATED = '$ProjectionCreated';
const PROJECTION_DELETED = '$ProjectionDeleted';
const SYSTEM_PROJECTION_DELETE = "We currently don't allow for the deletion of System Projections.";

/** Runs an operation as a promise: what it throws becomes the rejection. */
function answer<T>(work: () => T): Promise<T> {
  return new Promise((resolve) => {
    resolve(work());
  });
}

/** `ValidateRunAs` refused: the manager answers NotAuthorized (§3.17.4). */
function checkMayChange(mode: ProjectionMode, runAs: RunAsUser | undefined): void {
  if (!mayChangeProjection(mode, runAs))
    throw new ProjectionManagementError('access-denied', 'Not authorized');
}

const utf8 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

/**
 * Starts the projection subsystem `options` asks for on `store`: registers the standard projections (running
 * them with `startStandardProjections`) and takes up the user projections already in the log. Undefined when
 * `runProjections` is `none`. This is what `startProjectionSubsystem` starts: a node has one.
 */
export function createProjectionManager(
  store: EventStore,
  options: ProjectionOptions,
): ProjectionManager | undefined {
  checkProjectionOptions(options);
  const runProjections = options.runProjections ?? 'none';
  if (runProjections === 'none') return undefined;
  return new NodeProjectionManager(store, runProjections, options.startStandardProjections === true);
}

class NodeProjectionManager implements ProjectionManager {
  private standard: StandardProjections;
  private user = new Map<string, ManagedProjection>();

  constructor(
    private readonly store: EventStore,
    private readonly runProjections: Exclude<RunProjections, 'none'>,
    startStandard: boolean,
  ) {
    this.standard = new StandardProjections(store);
    registerStandardProjections(store);
    this.standard.start(startStandard);
    this.loadUserProjections();
  }

  /** ProjectionManager `ReadProjectionsList` and ManagedProjection `InitializeExisting`, from the log. */
  private loadUserProjections(): void {
    const registered = new Map<string, number>();
    const definitions = new Map<string, StoredEvent>();
    for (const record of this.store.log) {
      if (record.streamName === PROJECTIONS_REGISTRATION_STREAM) {
        const name = text(record.data);
        if (record.eventType === PROJECTION_CREATED && !registered.has(name)) {
          registered.set(name, Number(record.eventNumber));
        }
        if (record.eventType === PROJECTION_DELETED) registered.delete(name);
      } else if (record.eventType === PROJECTION_UPDATED_EVENT_TYPE) {
        definitions.set(record.streamName, record);
      }
    }
    for (const [name, id] of registered) {
      if (this.standard.has(name)) continue;
      const record = definitions.get(definitionStreamOf(name));
      const persisted = record === undefined ? undefined : parsePersistedState(text(record.data));
      if (persisted === undefined || persisted.deleted) continue;
      const projection = new ManagedProjection(this.store, name, id, persisted, this.enabledToRun(name));
      this.user.set(name, projection);
      projection.initializeExisting();
    }
  }

  stop(): void {
    this.standard.stop();
    for (const projection of this.user.values()) projection.shutDown();
  }

  private enabledToRun(name: string): boolean {
    return this.runProjections === 'all' || name.startsWith('$');
  }

  create(definition: ProjectionDefinition, runAs: RunAsUser | undefined): Promise<void> {
    return answer(() => {
      const { name, mode } = definition;
      checkMayChange(mode, runAs);
      if (name.trim() === '') throw new ProjectionManagementError('invalid', 'Projection name is required');
      if (mode !== 'Continuous' && definition.emitEnabled) {
        throw new ProjectionManagementError('invalid', 'Emit requires checkpoints');
      }
      if (this.standard.has(name) || this.user.has(name)) {
        throw new ProjectionManagementError('conflict', `Duplicate projection names : ${name}`);
      }
      const id = mode === 'Transient' ? 0 : this.register(name);
      const projection = new ManagedProjection(
        this.store,
        name,
        id,
        {
          query: definition.query,
          mode,
          enabled: true,
          deleted: false,
          emitEnabled: definition.emitEnabled,
          trackEmittedStreams: definition.trackEmittedStreams,
          epoch: -1,
          version: -1,
          runAs: serializeRunAs(runAs),
        },
        this.enabledToRun(name),
      );
      this.user.set(name, projection);
      projection.initializeNew();
    });
  }

  /** Writes `$ProjectionCreated` (data: the name); its event number is the projection's id. */
  private register(name: string): number {
    return this.writeRegistration(PROJECTION_CREATED, name);
  }

  private writeRegistration(eventType: string, name: string): number {
    const outcome = this.store.append(PROJECTIONS_REGISTRATION_STREAM, { kind: 'any' }, [
      { eventId: randomUUID(), eventType, isJson: false, data: utf8(name), metadata: new Uint8Array(0) },
    ]);
    return outcome.kind === 'success' ? Number(outcome.lastEventNumber) : -1;
  }

  update(
    name: string,
    query: string,
    emitEnabled: boolean | undefined,
    runAs: RunAsUser | undefined,
  ): Promise<void> {
    return answer(() => {
      this.checkMayChange(name, runAs);
      if (this.standard.has(name)) this.standard.update(name, query, emitEnabled);
      else this.userProjection(name).update(query, emitEnabled);
    });
  }

  delete(name: string, options: DeleteOptions, runAs: RunAsUser | undefined): Promise<void> {
    return answer(() => {
      if (this.standard.has(name)) throw new ProjectionManagementError('invalid', SYSTEM_PROJECTION_DELETE);
      const projection = this.userProjection(name);
      checkMayChange(projection.mode, runAs);
      projection.delete(options);
      this.user.delete(name);
      if (projection.mode !== 'Transient') this.writeRegistration(PROJECTION_DELETED, name);
    });
  }

  statistics(selector: StatisticsSelector): Promise<readonly ProjectionStatistics[]> {
    return answer(() => {
      if ('name' in selector) {
        const standard = STANDARD_PROJECTIONS.find((projection) => projection.name === selector.name);
        if (standard !== undefined) return [this.standard.statisticsOf(standard)];
        return [this.userProjection(selector.name).statistics()];
      }
      const all = [
        ...this.standard.statistics(),
        ...[...this.user.values()].map((projection) => projection.statistics()),
      ];
      return 'mode' in selector ? all.filter((s) => s.mode === selector.mode) : all;
    });
  }

  enable(name: string, runAs: RunAsUser | undefined): Promise<void> {
    return answer(() => {
      this.checkMayChange(name, runAs);
      if (this.standard.has(name)) this.standard.setEnabled(name, true);
      else this.userProjection(name).enable();
    });
  }

  disable(name: string, writeCheckpoint: boolean, runAs: RunAsUser | undefined): Promise<void> {
    return answer(() => {
      this.checkMayChange(name, runAs);
      if (this.standard.has(name)) this.standard.setEnabled(name, false, writeCheckpoint);
      else this.userProjection(name).disable(writeCheckpoint);
    });
  }

  /** A new epoch, for a standard projection as for a user one (standard-projections.ts). */
  reset(name: string, writeCheckpoint: boolean, runAs: RunAsUser | undefined): Promise<void> {
    return answer(() => {
      this.checkMayChange(name, runAs);
      if (this.standard.has(name)) this.standard.reset(name, writeCheckpoint);
      else this.userProjection(name).reset(writeCheckpoint);
    });
  }

  state(name: string, partition: string): Promise<string | undefined> {
    return answer(() => {
      return this.standard.has(name) ? undefined : this.userProjection(name).stateOf(partition);
    });
  }

  result(name: string, partition: string): Promise<string | undefined> {
    return answer(() => {
      return this.standard.has(name) ? undefined : this.userProjection(name).resultOf(partition);
    });
  }

  /**
   * The subsystem stops (suspending each projection, without a checkpoint) and starts again from the log;
   * the standard projections run as their definitions say (`startStandardProjections` acts only at node
   * start).
   */
  restartSubsystem(): Promise<void> {
    return answer(() => {
      this.stop();
      this.standard = new StandardProjections(this.store);
      this.standard.start(false);
      this.user = new Map();
      this.loadUserProjections();
    });
  }

  /** ProjectionManager.cs: an unknown name is NotFound before `ValidateRunAs` is asked (§3.17.4). */
  private checkMayChange(name: string, runAs: RunAsUser | undefined): void {
    checkMayChange(this.standard.has(name) ? 'Continuous' : this.userProjection(name).mode, runAs);
  }

  private userProjection(name: string): ManagedProjection {
    const projection = this.user.get(name);
    if (projection === undefined)
      throw new ProjectionManagementError('not-found', `Projection '${name}' not found`);
    return projection;
  }
}

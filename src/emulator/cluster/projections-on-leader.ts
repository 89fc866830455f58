import type { ProjectionOptions } from '../projections/projection-options.js';
import {
  type DeleteOptions,
  type ProjectionDefinition,
  type ProjectionManagement,
  ProjectionManagementError,
  type ProjectionStatistics,
  type RunAsUser,
  type StatisticsSelector,
} from '../projections/projection-management.js';
import { createProjectionManager, type ProjectionManager } from '../projections/projection-manager.js';
import type { EventStore } from '../store/event-store.js';

/**
 * The projection subsystem of one cluster node (one run of it: a restarted node has a new one), which runs its
 * manager only while the node leads (§3.17.1; ProjectionsSubsystem.cs starts its components when the node state
 * becomes Leader and stops them on any other state). Every node serves the Projections service over it:
 * - on the leader, each call reaches the running manager;
 * - elsewhere the manager is stopped and drops every request (ProjectionManager.cs: `if (!_projectionsStarted)
 *   return;`), so the call is never answered, and RestartSubsystem fails with the subsystem's state: `Ready` on
 *   a node that has not led, `Stopped` on one that has.
 *
 * A node that becomes leader starts a manager over the shared log, which takes the projections up from their
 * definitions, checkpoints and emitted events, as a durable node started again does (projection-manager.ts).
 */
export class LeaderOnlyProjections implements ProjectionManagement {
  private manager: ProjectionManager | undefined;
  private hasLed = false;

  constructor(
    private readonly store: EventStore,
    private readonly options: ProjectionOptions,
  ) {}

  /**
   * Starts the manager when the node becomes leader, stops it when the node stops leading. The node enables the
   * stopped standard projections (with `startStandardProjections`) only the first time it leads: the server's
   * subsystem keeps the list of those still to enable for the life of the process.
   */
  leading(isLeader: boolean): void {
    if (isLeader && this.manager === undefined) {
      this.manager = createProjectionManager(this.store, {
        runProjections: this.options.runProjections,
        startStandardProjections: this.options.startStandardProjections === true && !this.hasLed,
      });
      this.hasLed = true;
    } else if (!isLeader && this.manager !== undefined) {
      this.manager.stop();
      this.manager = undefined;
    }
  }

  /** The node stops: so does its manager, if it leads. */
  stop(): void {
    this.leading(false);
  }

  create(definition: ProjectionDefinition, runAs: RunAsUser | undefined): Promise<void> {
    return this.manager?.create(definition, runAs) ?? dropped();
  }

  update(
    name: string,
    query: string,
    emitEnabled: boolean | undefined,
    runAs: RunAsUser | undefined,
  ): Promise<void> {
    return this.manager?.update(name, query, emitEnabled, runAs) ?? dropped();
  }

  delete(name: string, options: DeleteOptions, runAs: RunAsUser | undefined): Promise<void> {
    return this.manager?.delete(name, options, runAs) ?? dropped();
  }

  statistics(selector: StatisticsSelector): Promise<readonly ProjectionStatistics[]> {
    return this.manager?.statistics(selector) ?? dropped();
  }

  enable(name: string, runAs: RunAsUser | undefined): Promise<void> {
    return this.manager?.enable(name, runAs) ?? dropped();
  }

  disable(name: string, writeCheckpoint: boolean, runAs: RunAsUser | undefined): Promise<void> {
    return this.manager?.disable(name, writeCheckpoint, runAs) ?? dropped();
  }

  reset(name: string, writeCheckpoint: boolean, runAs: RunAsUser | undefined): Promise<void> {
    return this.manager?.reset(name, writeCheckpoint, runAs) ?? dropped();
  }

  state(name: string, partition: string): Promise<string | undefined> {
    return this.manager?.state(name, partition) ?? dropped();
  }

  result(name: string, partition: string): Promise<string | undefined> {
    return this.manager?.result(name, partition) ?? dropped();
  }

  /** ProjectionsSubsystem.cs `Handle(RestartSubsystem)`: refused unless the subsystem is started. */
  restartSubsystem(): Promise<void> {
    if (this.manager !== undefined) return this.manager.restartSubsystem();
    const state = this.hasLed ? 'Stopped' : 'Ready';
    return Promise.reject(
      new ProjectionManagementError(
        'not-running',
        `Projection Subsystem cannot be restarted as it is in the wrong state: ${state}`,
      ),
    );
  }
}

/** A request the stopped manager drops: the service leaves the call unanswered (management-errors.ts). */
function dropped(): Promise<never> {
  return Promise.reject(
    new ProjectionManagementError('not-running', 'the projection manager is not started'),
  );
}

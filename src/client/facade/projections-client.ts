/**
 * The projection methods of the facade: creating and managing the server's JavaScript projections, and
 * reading their state and result (docs/protocol.md §3.17.1).
 */
import { createProjection, type CreateProjectionOptions } from '../projections/create-projection.js';
import { deleteProjection, type DeleteProjectionOptions } from '../projections/delete-projection.js';
import { disableProjection, type DisableProjectionOptions } from '../projections/disable-projection.js';
import { enableProjection, type EnableProjectionOptions } from '../projections/enable-projection.js';
import {
  getProjectionResult,
  type GetProjectionResultOptions,
} from '../projections/get-projection-result.js';
import { getProjectionState, type GetProjectionStateOptions } from '../projections/get-projection-state.js';
import {
  getProjectionStatistics,
  type GetProjectionStatisticsOptions,
} from '../projections/get-projection-statistics.js';
import type { ProjectionStatistics } from '../projections/projection-statistics.js';
import { resetProjection, type ResetProjectionOptions } from '../projections/reset-projection.js';
import {
  restartProjectionsSubsystem,
  type RestartProjectionsSubsystemOptions,
} from '../projections/restart-projections-subsystem.js';
import { updateProjection, type UpdateProjectionOptions } from '../projections/update-projection.js';
import { contextOf } from './client-core.js';
import { SubscriptionsClient } from './subscriptions-client.js';

/**
 * The projection methods of an {@link EsdbClient}; see there. They need a server that runs projections
 * (`--run-projections=all`; one started with `none` answers UNIMPLEMENTED, a GrpcError with code 12). On a
 * secure server every one needs an authenticated user, and `deleteProjection` and
 * `restartProjectionsSubsystem` an admin or operations user.
 */
export class ProjectionsClient extends SubscriptionsClient {
  /**
   * Creates a continuous projection and starts it: it processes every event its query selects, from the
   * beginning of the log, and then new events as they are written.
   *
   * ```ts
   * await client.createProjection({ name: 'order-count', query: "fromCategory('order').when({ ... })" });
   * ```
   * @throws ProjectionExistsError when a projection by that name exists.
   */
  createProjection(options: CreateProjectionOptions): Promise<void> {
    return createProjection(contextOf(this), options);
  }

  /**
   * Replaces a projection's query. `emitEnabled` is always sent, `false` unless given (as esdbclient), so an
   * update of a projection that emits must say `emitEnabled: true` to keep it emitting.
   * @throws ProjectionNotFoundError when there is no projection by that name.
   */
  updateProjection(options: UpdateProjectionOptions): Promise<void> {
    return updateProjection(contextOf(this), options);
  }

  /**
   * Deletes a stopped projection ({@link ProjectionsClient.disableProjection} it first) and, if asked, the
   * streams it emitted to, its state stream and its checkpoint stream.
   * @throws ProjectionNotFoundError when there is no projection by that name.
   * @throws ProjectionOperationFailedError when the server refuses, e.g. for a system projection.
   */
  deleteProjection(options: DeleteProjectionOptions): Promise<void> {
    return deleteProjection(contextOf(this), options);
  }

  /**
   * A projection's statistics: its status (`Running`, `Stopped`, `Faulted`…), why (a faulted projection's
   * error), its position and progress, and its counters.
   * @throws ProjectionNotFoundError when there is no projection by that name.
   */
  getProjectionStatistics(options: GetProjectionStatisticsOptions): Promise<ProjectionStatistics> {
    return getProjectionStatistics(contextOf(this), options);
  }

  /**
   * A projection's state, the JSON value its handlers build, for the unpartitioned state or one `partition`
   * (`{}` when there is none yet). `T` is the caller's word for its shape; nothing checks it.
   *
   * ```ts
   * const state = await client.getProjectionState<{ count: number }>({ name: 'order-count' });
   * ```
   * @throws ProjectionNotFoundError when there is no projection by that name.
   */
  getProjectionState<T = unknown>(options: GetProjectionStateOptions): Promise<T> {
    return getProjectionState<T>(contextOf(this), options);
  }

  /**
   * A projection's result (its state as `transformBy` / `outputState` make it), for the unpartitioned
   * result or one `partition` (`{}` when there is none). `T` is the caller's word for its shape.
   * @throws ProjectionNotFoundError when there is no projection by that name.
   */
  getProjectionResult<T = unknown>(options: GetProjectionResultOptions): Promise<T> {
    return getProjectionResult<T>(contextOf(this), options);
  }

  /**
   * Starts a stopped projection from its last checkpoint.
   * @throws ProjectionNotFoundError when there is no projection by that name.
   */
  enableProjection(options: EnableProjectionOptions): Promise<void> {
    return enableProjection(contextOf(this), options);
  }

  /**
   * Stops a projection after writing a checkpoint, so that enabling it carries on from there.
   * @throws ProjectionNotFoundError when there is no projection by that name.
   */
  disableProjection(options: DisableProjectionOptions): Promise<void> {
    return disableProjection(contextOf(this), options);
  }

  /**
   * Makes a projection start over from the beginning of its input, its state discarded.
   * @throws ProjectionNotFoundError when there is no projection by that name.
   */
  resetProjection(options: ResetProjectionOptions): Promise<void> {
    return resetProjection(contextOf(this), options);
  }

  /** Restarts the server's projection subsystem: every projection stops and resumes from its checkpoint. */
  restartProjectionsSubsystem(options?: RestartProjectionsSubsystemOptions): Promise<void> {
    return restartProjectionsSubsystem(contextOf(this), options);
  }
}

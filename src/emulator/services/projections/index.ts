import type { ProjectionManagement } from '../../projections/projection-management.js';
import { createCreate } from './create.js';
import { createDelete } from './delete.js';
import { createDisable } from './disable.js';
import { createEnable } from './enable.js';
import { createReset } from './reset.js';
import { createRestartSubsystem } from './restart-subsystem.js';
import { createResult } from './result.js';
import { createState } from './state.js';
import { createStatistics } from './statistics.js';
import { createUpdate } from './update.js';

/**
 * The `event_store.client.projections.Projections` service (§3.17.1), one module per method, over a node's
 * projection manager. A node serves it only when it runs projections (ProjectionsSubsystem.cs maps it).
 */
export function createProjectionsService(manager: ProjectionManagement) {
  return {
    create: createCreate(manager),
    update: createUpdate(manager),
    delete: createDelete(manager),
    statistics: createStatistics(manager),
    disable: createDisable(manager),
    enable: createEnable(manager),
    reset: createReset(manager),
    state: createState(manager),
    result: createResult(manager),
    restartSubsystem: createRestartSubsystem(manager),
  };
}

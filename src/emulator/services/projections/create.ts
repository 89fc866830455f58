import { randomUUID } from 'node:crypto';
import type { CallContext } from 'nice-grpc';
import type { CreateReq, CreateResp } from '../../../generated/projections.js';
import type { ProjectionDefinition, ProjectionManagement } from '../../projections/projection-management.js';
import type { EmulatorCallContext } from '../../server/call-context.js';
import { checkAuthenticatedAccess, runAsOf } from './access.js';
import { answerOf } from './management-errors.js';

/**
 * `Projections.Create` (§3.17.1; server: ProjectionManagement.Create.cs). A one-time projection is named by a
 * new UUID; only a continuous one may emit, and asking it to track emitted streams without emitting throws in
 * the handler (UNKNOWN, "Exception was thrown by handler.").
 */
export function createCreate(manager: ProjectionManagement) {
  return async function create(
    request: CreateReq,
    context: EmulatorCallContext & CallContext,
  ): Promise<CreateResp> {
    checkAuthenticatedAccess(context.user);
    const options = request.options;
    if (options === undefined) throw new TypeError('the create request has no options');
    const definition = definitionOf(options);
    await answerOf(manager.create(definition, runAsOf(context.user)), {
      expected: 'Updated',
      notFoundName: undefined,
      signal: context.signal,
    });
    return {};
  };
}

function definitionOf(options: NonNullable<CreateReq['options']>): ProjectionDefinition {
  const mode = options.mode;
  const query = options.query;
  switch (mode?.$case) {
    case 'continuous': {
      const { name, emitEnabled, trackEmittedStreams } = mode.value;
      if (trackEmittedStreams && !emitEnabled) {
        throw new Error('EmitEnabled must be set to true to track emitted streams.');
      }
      return { name, mode: 'Continuous', query, emitEnabled, trackEmittedStreams };
    }
    case 'transient':
      return {
        name: mode.value.name,
        mode: 'Transient',
        query,
        emitEnabled: false,
        trackEmittedStreams: false,
      };
    case 'oneTime':
      return { name: randomUUID(), mode: 'OneTime', query, emitEnabled: false, trackEmittedStreams: false };
    case undefined:
      throw new TypeError('the create request has no mode');
  }
}

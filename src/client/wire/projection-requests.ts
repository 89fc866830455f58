/**
 * The requests of the projection methods (docs/protocol.md §2.8), from checked arguments.
 */
import type {
  CreateReq,
  DeleteReq,
  DisableReq,
  EnableReq,
  ResetReq,
  ResultReq,
  StateReq,
  StatisticsReq,
  UpdateReq,
} from '../../generated/projections.js';

/** A continuous projection, the only kind the client creates (as PY). */
export function createContinuousRequest(
  name: string,
  query: string,
  emitEnabled: boolean,
  trackEmittedStreams: boolean,
): CreateReq {
  return {
    options: { mode: { $case: 'continuous', value: { name, emitEnabled, trackEmittedStreams } }, query },
  };
}

/** A new query and emit setting; `emit_enabled` is always sent, so false is on the wire (§2.8). */
export function updateRequest(name: string, query: string, emitEnabled: boolean): UpdateReq {
  return { options: { name, query, emitOption: { $case: 'emitEnabled', value: emitEnabled } } };
}

/** What Delete removes besides the projection. */
export interface DeleteFlags {
  readonly deleteEmittedStreams: boolean;
  readonly deleteStateStream: boolean;
  readonly deleteCheckpointStream: boolean;
}

export function deleteRequest(name: string, flags: DeleteFlags): DeleteReq {
  return { options: { name, ...flags } };
}

/** Statistics of one projection, by name. */
export function statisticsRequest(name: string): StatisticsReq {
  return { options: { mode: { $case: 'name', value: name } } };
}

export function enableRequest(name: string): EnableReq {
  return { options: { name } };
}

/** `writeCheckpoint` true is the server's Disable; false its Abort. */
export function disableRequest(name: string, writeCheckpoint: boolean): DisableReq {
  return { options: { name, writeCheckpoint } };
}

export function resetRequest(name: string, writeCheckpoint: boolean): ResetReq {
  return { options: { name, writeCheckpoint } };
}

export function stateRequest(name: string, partition: string): StateReq {
  return { options: { name, partition } };
}

export function resultRequest(name: string, partition: string): ResultReq {
  return { options: { name, partition } };
}

/**
 * The reasons the server gives when a user projection faults (24.10, Services/Processing/Phases/
 * EventProcessingProjectionProcessingPhase.cs `SafeProcessEventByHandler`,
 * `SafeProcessPartitionDeletedByHandler`; EventSubscriptionBasedProjectionProcessingPhase.cs
 * `ValidateEmittedEvents`).
 */
import { tagText, type CheckpointTag } from './checkpoint-tag.js';
import { ScriptError } from './js-sandbox.js';

/** The handler type the server names in its fault messages. */
const HANDLER_TYPE = 'EventStore.Projections.Core.Services.Interpreted.JintProjectionStateHandler';

/** A projection that is not allowed to emit tried to. */
export const EMIT_NOT_ALLOWED = "'emit' is not allowed by the projection/configuration/mode";

/**
 * A script error as the server's fault reason: what failed, the handler type, the event's checkpoint tag and
 * the error's message. Anything else is returned as it is.
 */
export function faultOf(error: unknown, what: string, tag: CheckpointTag): unknown {
  if (!(error instanceof ScriptError)) return error;
  return new ScriptError(
    `${what}\r\nHandler: ${HANDLER_TYPE}\r\nEvent Position: ${tagText(tag)}\r\n\r\nMessage:\r\n\r\n${error.message}`,
  );
}

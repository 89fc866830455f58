import type { WriteOutcome } from '../store/write-plan.js';

/**
 * The `success` of an Append or BatchAppend response (§3.3 step 5, §3.5): the last event number, or `no_stream`
 * while the stream is still empty, and the position of the last event (or of the event-less record an empty
 * write puts down) with commit == prepare (§3.12), or `no_position` when there is no position to give.
 * Both services declare the same fields, so one shape serves both.
 */
export function writeSuccess(outcome: Extract<WriteOutcome, { kind: 'success' }>) {
  return {
    currentRevisionOption:
      outcome.lastEventNumber < 0n
        ? { $case: 'noStream' as const, value: {} }
        : { $case: 'currentRevision' as const, value: outcome.lastEventNumber },
    positionOption:
      outcome.position === undefined
        ? { $case: 'noPosition' as const, value: {} }
        : {
            $case: 'position' as const,
            value: { commitPosition: outcome.position, preparePosition: outcome.position },
          },
  };
}

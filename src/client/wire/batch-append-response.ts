/**
 * Reads a `BatchAppendResp` (docs/protocol.md §3.5): which append it answers (its correlation id, in the string
 * form the client sent or in the structured form of the server's timer replies, §3.11), and the outcome: the
 * commit position of the last event, or the error of §3.5's table.
 */
import type { UUID } from '../../generated/shared.js';
import type { BatchAppendResp } from '../../generated/streams.js';
import { errorFromBatchStatus, type FailedAppend } from '../errors/error-from-batch-status.js';
import { ProtocolError } from '../errors/protocol-error.js';
import { uuidTextOfHalves } from './uuid.js';

/** The correlation id of a response as lower-case UUID text; undefined when it has none. */
export function correlationIdOf(response: BatchAppendResp): string | undefined {
  return uuidText(response.correlationId);
}

function uuidText(id: UUID | undefined): string | undefined {
  const value = id?.value;
  if (value?.$case === 'string') return value.value.toLowerCase();
  if (value?.$case === 'structured') {
    return uuidTextOfHalves(value.value.mostSignificantBits, value.value.leastSignificantBits);
  }
  return undefined;
}

/**
 * The commit position of the append's last event.
 * @throws the append's typed error when the response is an `error` (see `errorFromBatchStatus`).
 */
export function commitPositionOfBatch(response: BatchAppendResp, append: FailedAppend): bigint {
  const result = response.result;
  if (result?.$case === 'error') throw errorFromBatchStatus(result.value, append);
  if (result?.$case === 'success') {
    const position = result.value.positionOption;
    if (position?.$case === 'position') return position.value.commitPosition;
  }
  // A success without a position happens only for empty writes (§3.5), which are not sent.
  throw new ProtocolError(
    'the BatchAppend response has no commit position, which only an empty append may lack (§3.5).',
  );
}

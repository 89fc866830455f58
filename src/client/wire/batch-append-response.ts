/**
 * Decodes a `BatchAppendResp` (docs/protocol.md §3.5) into what the client reads of it: which append it answers
 * (its correlation id, in the string form the client sent or in the structured form of the server's timer
 * replies, §3.11), and the outcome: the commit position of the last event, or the error of §3.5's table. Only
 * the rare error is decoded with the generated codec; a success costs one small object.
 *
 * Field numbers, from streams.proto: BatchAppendResp 1 correlation_id, 2 error (google.rpc.Status), 3 success;
 * Success 3 position (AllStreamPosition: 1 commit_position), 4 no_position. Fields 4 to 8 of the response are
 * never populated by the server and are skipped, as are Success's revision fields.
 */
import { Status } from '../../generated/status.js';
import { errorFromBatchStatus, type FailedAppend } from '../errors/error-from-batch-status.js';
import { ProtocolError } from '../errors/protocol-error.js';
import { decodeUuid } from './recorded-event-decoder.js';
import { WireReader, WireType } from './wire-reader.js';

/** One decoded BatchAppendResp. */
export interface BatchAppendAnswer {
  /** The correlation id as lower-case UUID text; empty when the response has none. */
  readonly correlationId: string;
  /** The `error` member of the result; undefined for a success. */
  readonly error: Status | undefined;
  /** The commit position of a success that carries one. */
  readonly commitPosition: bigint | undefined;
}

/** Decodes the bytes of one BatchAppendResp. */
export function decodeBatchAppendResponse(bytes: Uint8Array): BatchAppendAnswer {
  const reader = new WireReader(bytes);
  const end = reader.buf.length;
  let correlationId = '';
  let error: Status | undefined;
  let commitPosition: bigint | undefined;
  while (reader.pos < end) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    if ((tag & 7) !== WireType.LengthDelimited || field < 1 || field > 3) {
      reader.skip(tag & 7);
    } else if (field === 1) {
      correlationId = decodeUuid(reader, reader.delimitedEnd());
    } else if (field === 2) {
      // The result is a oneof: the member read last wins.
      error = Status.decode(reader.bytes());
      commitPosition = undefined;
    } else {
      commitPosition = decodeSuccess(reader, reader.delimitedEnd());
      error = undefined;
    }
  }
  return { correlationId, error, commitPosition };
}

/** The commit position of a Success, undefined when it says `no_position` (or nothing). */
function decodeSuccess(reader: WireReader, end: number): bigint | undefined {
  let commitPosition: bigint | undefined;
  while (reader.pos < end) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    if (field === 3 && (tag & 7) === WireType.LengthDelimited) {
      commitPosition = decodeCommitPosition(reader, reader.delimitedEnd());
    } else {
      if (field === 4) commitPosition = undefined;
      reader.skip(tag & 7);
    }
  }
  return commitPosition;
}

function decodeCommitPosition(reader: WireReader, end: number): bigint {
  let commitPosition = 0n;
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (tag >>> 3 === 1 && (tag & 7) === WireType.Varint) commitPosition = reader.uint64();
    else reader.skip(tag & 7);
  }
  return commitPosition;
}

/**
 * The commit position of the append's last event.
 * @throws the append's typed error when the response is an `error` (see `errorFromBatchStatus`).
 */
export function commitPositionOfBatch(answer: BatchAppendAnswer, append: FailedAppend): bigint {
  if (answer.error !== undefined) throw errorFromBatchStatus(answer.error, append);
  if (answer.commitPosition !== undefined) return answer.commitPosition;
  // A success without a position happens only for empty writes (§3.5), which are not sent.
  throw new ProtocolError(
    'the BatchAppend response has no commit position, which only an empty append may lack (§3.5).',
  );
}

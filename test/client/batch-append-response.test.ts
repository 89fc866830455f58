// The client's BatchAppendResp decoder (docs/protocol.md §3.5) against messages the generated encoder writes.
import { ExpectedPositionError, ProtocolError } from '../../src/client/index.js';
import {
  commitPositionOfBatch,
  decodeBatchAppendResponse,
} from '../../src/client/wire/batch-append-response.js';
import { Code } from '../../src/generated/code.js';
import { WrongExpectedVersion } from '../../src/generated/shared.js';
import { BatchAppendResp } from '../../src/generated/streams.js';

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const stringId = { value: { $case: 'string' as const, value: ID } };
const position = { commitPosition: 2n ** 40n + 7n, preparePosition: 2n ** 40n + 7n };

const decode = (message: Parameters<typeof BatchAppendResp.fromPartial>[0]) =>
  decodeBatchAppendResponse(BatchAppendResp.encode(BatchAppendResp.fromPartial(message)).finish());

const append = { streamName: 'orders-1', expectedPosition: 3n };

describe('decodeBatchAppendResponse', () => {
  test('a success: the correlation id and the commit position', () => {
    const answer = decode({
      correlationId: stringId,
      result: { $case: 'success', value: { positionOption: { $case: 'position', value: position } } },
    });
    expect(answer).toEqual({ correlationId: ID, error: undefined, commitPosition: position.commitPosition });
    expect(commitPositionOfBatch(answer, append)).toBe(position.commitPosition);
  });

  test('the fields the server never fills and the revision are skipped', () => {
    const answer = decode({
      correlationId: stringId,
      result: {
        $case: 'success',
        value: {
          currentRevisionOption: { $case: 'currentRevision', value: 12n },
          positionOption: { $case: 'position', value: position },
        },
      },
      streamIdentifier: { streamName: Buffer.from('orders-1') },
      expectedStreamPosition: { $case: 'streamPosition', value: 11n },
    });
    expect(answer.commitPosition).toBe(position.commitPosition);
  });

  test('a structured or upper-case correlation id reads as lower-case text; a missing one as empty', () => {
    const structured = decode({
      correlationId: {
        value: {
          $case: 'structured',
          value: {
            mostSignificantBits: 0x0f8fad5bd9cb469fn,
            leastSignificantBits: BigInt.asIntN(64, 0xa16570867728950en),
          },
        },
      },
    });
    expect(structured.correlationId).toBe(ID);
    expect(
      decode({ correlationId: { value: { $case: 'string', value: ID.toUpperCase() } } }).correlationId,
    ).toBe(ID);
    expect(decode({}).correlationId).toBe('');
  });

  test('an error: its Status, turned into the typed error of the append', () => {
    const detail = WrongExpectedVersion.encode({
      currentStreamRevisionOption: { $case: 'currentStreamRevision', value: 5n },
      expectedStreamPositionOption: { $case: 'expectedStreamPosition', value: 3n },
    }).finish();
    const answer = decode({
      correlationId: stringId,
      result: {
        $case: 'error',
        value: {
          code: Code.FAILED_PRECONDITION,
          message: 'wrong expected version',
          details: { typeUrl: 'type.googleapis.com/event_store.client.WrongExpectedVersion', value: detail },
        },
      },
    });
    expect(answer.error?.code).toBe(Code.FAILED_PRECONDITION);
    expect(answer.commitPosition).toBeUndefined();
    expect(() => commitPositionOfBatch(answer, append)).toThrow(ExpectedPositionError);
  });

  test('a success without a position is refused', () => {
    const answer = decode({
      correlationId: stringId,
      result: { $case: 'success', value: { positionOption: { $case: 'noPosition', value: {} } } },
    });
    expect(answer.commitPosition).toBeUndefined();
    expect(() => commitPositionOfBatch(answer, append)).toThrow(ProtocolError);
  });

  test('of two results, the later one counts, as for any oneof', () => {
    const ok = BatchAppendResp.encode(
      BatchAppendResp.fromPartial({
        result: { $case: 'success', value: { positionOption: { $case: 'position', value: position } } },
      }),
    ).finish();
    const failed = BatchAppendResp.encode(
      BatchAppendResp.fromPartial({
        result: { $case: 'error', value: { code: Code.INTERNAL, message: 'x' } },
      }),
    ).finish();
    expect(decodeBatchAppendResponse(Buffer.concat([ok, failed]))).toMatchObject({
      error: { code: Code.INTERNAL },
      commitPosition: undefined,
    });
    expect(decodeBatchAppendResponse(Buffer.concat([failed, ok]))).toMatchObject({
      error: undefined,
      commitPosition: position.commitPosition,
    });
  });
});

// Golden wire tests of proto/projections.proto: each byte sequence was put together by hand from the field
// numbers and wire types in docs/protocol.md §2.8 (tag = field number << 3 | wire type; 0 = varint,
// 1 = fixed 8 bytes, 2 = length-delimited, 5 = fixed 4 bytes). The generated codec must write exactly these
// bytes and read them back into the same message.
import {
  CreateReq,
  DisableReq,
  StateResp,
  StatisticsReq,
  StatisticsResp,
  UpdateReq,
} from '../../src/generated/projections.js';
import { bytes, hex, text, toHex } from '../support/bytes.js';

interface Codec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
  fromPartial(object: object): T;
}

function expectWire<T>(codec: Codec<T>, partial: object, golden: Uint8Array): void {
  const message = codec.fromPartial(partial);
  expect(toHex(codec.encode(message).finish())).toBe(toHex(golden));
  expect(codec.decode(golden)).toEqual(message);
}

describe('event_store.client.projections wire format', () => {
  test('CreateReq: continuous (3) with name, emit_enabled and track_emitted_streams, then query (4)', () => {
    expectWire(
      CreateReq,
      {
        options: {
          mode: {
            $case: 'continuous',
            value: { name: 'p', emitEnabled: true, trackEmittedStreams: true },
          },
          query: 'q',
        },
      },
      bytes(hex('0a 0c'), hex('1a 07'), hex('0a 01'), text('p'), hex('10 01 18 01'), hex('22 01'), text('q')),
    );
  });

  test('CreateReq: one_time (1) is an empty marker', () => {
    expectWire(
      CreateReq,
      { options: { mode: { $case: 'oneTime', value: {} }, query: 'q' } },
      bytes(hex('0a 05'), hex('0a 00'), hex('22 01'), text('q')),
    );
  });

  test('UpdateReq: emit_enabled (3) false is on the wire (oneof presence)', () => {
    expectWire(
      UpdateReq,
      { options: { name: 'p', query: 'q', emitOption: { $case: 'emitEnabled', value: false } } },
      bytes(hex('0a 08'), hex('0a 01'), text('p'), hex('12 01'), text('q'), hex('18 00')),
    );
  });

  test('UpdateReq: no_emit_options (4)', () => {
    expectWire(
      UpdateReq,
      { options: { name: 'p', query: 'q', emitOption: { $case: 'noEmitOptions', value: {} } } },
      bytes(hex('0a 08'), hex('0a 01'), text('p'), hex('12 01'), text('q'), hex('22 00')),
    );
  });

  test('StatisticsReq: name (1) and all (2) are members of one oneof', () => {
    expectWire(
      StatisticsReq,
      { options: { mode: { $case: 'name', value: 'p' } } },
      bytes(hex('0a 03'), hex('0a 01'), text('p')),
    );
    expectWire(StatisticsReq, { options: { mode: { $case: 'all', value: {} } } }, hex2('0a 02 12 00'));
  });

  test('StatisticsResp: int64, string, float and a two-byte tag (field 17)', () => {
    expectWire(
      StatisticsResp,
      { details: { coreProcessingTime: 5n, name: 'p', progress: 100, bufferedEvents: 3n } },
      bytes(hex('0a 0d'), hex('08 05'), hex('52 01'), text('p'), hex('6d 00 00 c8 42'), hex('88 01 03')),
    );
  });

  test('StateResp: a JSON object becomes a Value with a struct_value (5) of map entries', () => {
    expectWire(
      StateResp,
      { state: { count: 2 } },
      bytes(
        hex('0a 16'),
        hex('2a 14'),
        hex('0a 12'),
        hex('0a 05'),
        text('count'),
        hex('12 09'),
        hex('11 00 00 00 00 00 00 00 40'),
      ),
    );
  });

  test('StateResp: an empty state is an empty struct_value', () => {
    expectWire(StateResp, { state: {} }, hex2('0a 02 2a 00'));
  });

  test('DisableReq: write_checkpoint (2)', () => {
    expectWire(
      DisableReq,
      { options: { name: 'p', writeCheckpoint: true } },
      bytes(hex('0a 05'), hex('0a 01'), text('p'), hex('10 01')),
    );
  });
});

function hex2(pairs: string): Uint8Array {
  return bytes(hex(pairs));
}

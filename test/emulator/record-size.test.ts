// Sizes of transaction-log records as a KurrentDB / EventStoreDB 24.10 node writes them, worked out by hand.
// A prepare record takes 88 fixed bytes (framing 4+4, type 1, version 1, position 8, flags 2, transaction
// position 8, transaction offset 4, expected version 8, event id 16, correlation id 16, timestamp 8, data length
// 4, metadata length 4) plus the two strings (7-bit length prefix + UTF-8 bytes) plus data and metadata.
import {
  CHUNK_SIZE,
  dotnetStringSize,
  groupStartPosition,
  prepareRecordSize,
  sevenBitLengthBytes,
  systemRecordSize,
} from '../../src/emulator/log/record-size.js';
import { epochRecordJson, formatNewtonsoftUtc } from '../../src/emulator/log/newtonsoft-json.js';
import { emptyAppendRecordSize, softDeleteRecordSize, tombstoneRecordSize } from './record-sizes.js';

const INSTANCE_ID = '3F2504E0-4F89-11D3-9A0C-0305E82C3301';
const EPOCH_ID = 'a1b2c3d4-e5f6-4789-8abc-def012345678';

describe('BinaryWriter strings', () => {
  it('uses one length byte up to 127 bytes and two from 128', () => {
    expect(sevenBitLengthBytes(0)).toBe(1);
    expect(sevenBitLengthBytes(127)).toBe(1);
    expect(sevenBitLengthBytes(128)).toBe(2);
    expect(sevenBitLengthBytes(16383)).toBe(2);
    expect(sevenBitLengthBytes(16384)).toBe(3);
    // "é" is 2 UTF-8 bytes and "€" 3: 1 + 2 + 3 = 6 bytes, plus 1 length byte.
    expect(dotnetStringSize('aé€')).toBe(7);
  });
});

describe('prepareRecordSize', () => {
  it('sizes an ASCII event', () => {
    // 88 + ("orders-1": 8 + 1) + ("OrderPlaced": 11 + 1) + 25 data + 0 metadata = 134
    expect(
      prepareRecordSize({
        streamName: 'orders-1',
        eventType: 'OrderPlaced',
        dataLength: 25,
        metadataLength: 0,
      }),
    ).toBe(134);
  });

  it('counts UTF-8 bytes, not characters', () => {
    // "café-€" = c a f (3) + é (2) + - (1) + € (3) = 9 bytes -> 10; "Ünïcode" = Ü (2) + n (1) + ï (2) + code (4) = 9 -> 10
    // 88 + 10 + 10 + 100 data + 20 metadata = 228
    expect(
      prepareRecordSize({ streamName: 'café-€', eventType: 'Ünïcode', dataLength: 100, metadataLength: 20 }),
    ).toBe(228);
  });

  it('needs a two-byte length prefix for a 200-byte stream name', () => {
    // 88 + (200 + 2) + ("x": 1 + 1) + 0 + 0 = 292
    expect(
      prepareRecordSize({ streamName: 'a'.repeat(200), eventType: 'x', dataLength: 0, metadataLength: 0 }),
    ).toBe(292);
    // 127 vs 128 bytes crosses the prefix boundary: 88 + 128 + 2 = 218, then 88 + 130 + 2 = 220
    expect(
      prepareRecordSize({ streamName: 'a'.repeat(127), eventType: 'x', dataLength: 0, metadataLength: 0 }),
    ).toBe(218);
    expect(
      prepareRecordSize({ streamName: 'a'.repeat(128), eventType: 'x', dataLength: 0, metadataLength: 0 }),
    ).toBe(220);
  });

  it('rejects negative or fractional lengths', () => {
    expect(() =>
      prepareRecordSize({ streamName: 's', eventType: 't', dataLength: -1, metadataLength: 0 }),
    ).toThrow(RangeError);
    expect(() =>
      prepareRecordSize({ streamName: 's', eventType: 't', dataLength: 0, metadataLength: 1.5 }),
    ).toThrow(RangeError);
  });

  it('gives the gap between consecutive events of one append', () => {
    // Two events in one append are back to back: the second starts 134 bytes after the first.
    const first = 548;
    const size = prepareRecordSize({
      streamName: 'orders-1',
      eventType: 'OrderPlaced',
      dataLength: 25,
      metadataLength: 0,
    });
    expect(first + size).toBe(682);
  });
});

describe('delete and empty-append records', () => {
  it('sizes a tombstone', () => {
    // 88 + ("orders-1": 9) + ("$streamDeleted": 14 + 1) = 112
    expect(tombstoneRecordSize('orders-1')).toBe(112);
  });

  it('sizes a soft delete', () => {
    // 88 + ("$$orders-1": 10 + 1) + ("$metadata": 9 + 1) + '{"$tb":9223372036854775807}' (27) = 136
    expect(softDeleteRecordSize('orders-1')).toBe(136);
  });

  it('sizes an append with no events', () => {
    // 88 + ("orders-1": 9) + (empty type: 0 + 1) = 98
    expect(emptyAppendRecordSize('orders-1')).toBe(98);
  });

  it('sizes a system record', () => {
    // 4 + 1 + 1 + 8 + 8 + 1 + 1 + 8 + 4 + 4 = 40 fixed, plus the payload
    expect(systemRecordSize(191)).toBe(231);
  });
});

describe('groupStartPosition', () => {
  it('keeps a write that fits and moves one that does not to the next chunk', () => {
    expect(groupStartPosition(1000, 500)).toBe(1000);
    expect(groupStartPosition(CHUNK_SIZE - 100, 100)).toBe(CHUNK_SIZE - 100);
    expect(groupStartPosition(CHUNK_SIZE - 100, 101)).toBe(CHUNK_SIZE);
    expect(groupStartPosition(3 * CHUNK_SIZE - 1, 2)).toBe(3 * CHUNK_SIZE);
    expect(groupStartPosition(CHUNK_SIZE, 10)).toBe(CHUNK_SIZE);
    expect(() => groupStartPosition(0, CHUNK_SIZE + 1)).toThrow(RangeError);
  });
});

describe('epoch JSON', () => {
  it('formats time stamps like Newtonsoft', () => {
    const time = new Date('2024-11-20T10:11:12.345Z');
    expect(formatNewtonsoftUtc(time, 6789)).toBe('2024-11-20T10:11:12.3456789Z');
    expect(formatNewtonsoftUtc(time, 0)).toBe('2024-11-20T10:11:12.345Z');
    expect(formatNewtonsoftUtc(new Date('2024-11-20T10:11:12.300Z'), 0)).toBe('2024-11-20T10:11:12.3Z');
    expect(formatNewtonsoftUtc(new Date('2024-11-20T10:11:12.000Z'), 0)).toBe('2024-11-20T10:11:12Z');
    expect(formatNewtonsoftUtc(new Date('2024-01-02T03:04:05.000Z'), 10)).toBe('2024-01-02T03:04:05.000001Z');
  });

  it('leaves out zero members and keeps -1', () => {
    const json = epochRecordJson({
      epochPosition: 0,
      epochNumber: 0,
      epochId: EPOCH_ID,
      prevEpochPosition: -1,
      timeStamp: '2024-11-20T10:11:12.3456789Z',
      leaderInstanceId: INSTANCE_ID,
    });
    expect(json).toBe(
      '{\n' +
        '  "epochId": "a1b2c3d4-e5f6-4789-8abc-def012345678",\n' +
        '  "prevEpochPosition": -1,\n' +
        '  "timeStamp": "2024-11-20T10:11:12.3456789Z",\n' +
        '  "leaderInstanceId": "3f2504e0-4f89-11d3-9a0c-0305e82c3301"\n' +
        '}',
    );
    // 2 + 53 + 27 + 47 + 61 + 1 = 191 bytes
    expect(Buffer.byteLength(json)).toBe(191);
  });

  it('writes later epochs with position and number', () => {
    const json = epochRecordJson({
      epochPosition: 1234,
      epochNumber: 2,
      epochId: EPOCH_ID,
      prevEpochPosition: 500,
      timeStamp: '2024-11-20T10:11:12Z',
      leaderInstanceId: INSTANCE_ID,
    });
    expect(JSON.parse(json)).toEqual({
      epochPosition: 1234,
      epochNumber: 2,
      epochId: EPOCH_ID,
      prevEpochPosition: 500,
      timeStamp: '2024-11-20T10:11:12Z',
      leaderInstanceId: INSTANCE_ID.toLowerCase(),
    });
    expect(Object.keys(JSON.parse(json) as object)[0]).toBe('epochPosition');
  });

  it('uses CRLF when asked', () => {
    const json = epochRecordJson(
      {
        epochPosition: 0,
        epochNumber: 0,
        epochId: EPOCH_ID,
        prevEpochPosition: -1,
        timeStamp: '2024-11-20T10:11:12.3456789Z',
        leaderInstanceId: INSTANCE_ID,
      },
      '\r\n',
    );
    expect(Buffer.byteLength(json)).toBe(196);
  });
});

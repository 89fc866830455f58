// The durable log: each write is one unit on disk, whole or absent after a crash; a torn last write is cut with a
// warning; damage followed by intact writes is refused, or cut on request, saying what goes (issue 12, §3).
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from '../../src/emulator/store/crc32.js';
import { DamagedLogError } from '../../src/emulator/store/damaged-log-error.js';
import { DurableLog } from '../../src/emulator/store/durable-log.js';
import type { LogEntry } from '../../src/emulator/store/log-frame.js';
import type { StoredEvent } from '../../src/emulator/store/stored-event.js';

let dir: string;
let path: string;
let warnings: string[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'durable-log-'));
  path = join(dir, 'events.log');
  warnings = [];
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const warn = (message: string): void => {
  warnings.push(message);
};
const open = (truncateDamagedLog = false) => DurableLog.open(dir, { warn, truncateDamagedLog });

function stored(position: bigint, eventNumber: bigint): StoredEvent {
  return {
    position,
    endPosition: position + 120n,
    streamName: 'orders-1',
    eventNumber,
    eventId: crypto.randomUUID(),
    eventType: 'OrderPlaced',
    isJson: true,
    data: new TextEncoder().encode('{"n":1}'),
    metadata: new Uint8Array([1, 2, 3]),
    createdMs: 1_700_000_000_123,
    created: (1_700_000_000_123n * 10_000n).toString(),
  };
}

const eventEntries = (first: number, count: number): LogEntry[] =>
  Array.from({ length: count }, (_, i) => ({
    kind: 'event',
    event: stored(BigInt((first + i) * 120), BigInt(first + i)),
  }));

/** Writes `appends` as separate writes and returns the file offset where each one starts, and the end. */
function writeLog(appends: LogEntry[][]): number[] {
  const { log } = open();
  const offsets = [statSync(path).size];
  for (const entries of appends) {
    log.append(entries);
    offsets.push(statSync(path).size);
  }
  log.close();
  return offsets;
}

function flipByteAt(offset: number): void {
  const bytes = readFileSync(path);
  bytes.writeUInt8(bytes.readUInt8(offset) ^ 0x40, offset);
  writeFileSync(path, bytes);
}

test('entries written before a restart come back exactly, in order, with no warning', () => {
  const events = eventEntries(0, 2);
  writeLog([[{ kind: 'gap', endPosition: 548n }], events]);
  const second = open();
  expect(second.entries).toEqual([{ kind: 'gap', endPosition: 548n }, ...events]);
  expect(warnings).toEqual([]);
  second.log.close();
});

test('a torn 5-event append, cut at any byte, comes back whole or not at all', () => {
  const offsets = writeLog([eventEntries(0, 1), eventEntries(1, 5)]);
  const whole = readFileSync(path);
  const [, start = 0, end = 0] = offsets;
  const counts = new Set<number>();
  for (let cut = start; cut <= end; cut++) {
    writeFileSync(path, whole.subarray(0, cut));
    const reopened = open();
    reopened.log.close();
    counts.add(reopened.entries.length - 1);
    // Only a cut inside the append leaves bytes to drop, and then it says so.
    expect(warnings.splice(0).length).toBe(cut === start || cut === end ? 0 : 1);
  }
  expect([...counts].sort()).toEqual([0, 5]);
});

test('a torn last write is cut from the file with a warning, and writing continues after the good ones', () => {
  const [, goodLength = 0] = writeLog([eventEntries(0, 1)]);
  // A crash in the middle of a write leaves part of a frame behind.
  appendFileSync(path, readFileSync(path).subarray(0, goodLength - 7));

  const second = open();
  expect(second.entries).toHaveLength(1);
  expect(statSync(path).size).toBe(goodLength);
  expect(warnings).toEqual([
    `${path}: cut ${goodLength - 7} bytes at byte ${goodLength}, after the last whole write: a write torn by a crash, never acknowledged.`,
  ]);
  second.log.append(eventEntries(1, 1));
  second.log.close();
  expect(open().entries).toHaveLength(2);
});

test('a last write whose checksum fails is a damaged tail: cut, with a warning', () => {
  const offsets = writeLog([eventEntries(0, 1), eventEntries(1, 2)]);
  const end = offsets.at(-1) ?? 0;
  flipByteAt(end - 10);
  const reopened = open();
  reopened.log.close();
  expect(reopened.entries).toHaveLength(1);
  expect(statSync(path).size).toBe(offsets[1]);
  expect(warnings).toHaveLength(1);
});

test('a flipped byte followed by intact writes refuses to open, naming the file, the offset and what follows', () => {
  const offsets = writeLog([eventEntries(0, 2), eventEntries(2, 3), eventEntries(5, 1), eventEntries(6, 4)]);
  const [, damaged = 0, next = 0] = offsets;
  const end = offsets.at(-1) ?? 0;
  flipByteAt(damaged + 40);

  let error: unknown;
  try {
    open();
  } catch (thrown) {
    error = thrown;
  }
  expect(error).toBeInstanceOf(DamagedLogError);
  expect(error).toMatchObject({
    path,
    offset: damaged,
    bytesAfter: end - damaged,
    appendsAfter: 2,
    eventsAfter: 5,
  });
  expect((error as Error).message).toBe(
    `The durable log ${path} is damaged at byte ${damaged}: ${end - damaged} bytes follow, holding 2 intact ` +
      `writes (5 events). Restore it from a backup, or start with truncateDamagedLog: true ` +
      `(--truncate-damaged-log) to cut the log at byte ${damaged} and drop them.`,
  );
  // Nothing was cut: the file is as it was, for the user to decide.
  expect(statSync(path).size).toBe(end);
  expect(next).toBeGreaterThan(damaged);
});

test('damage in the length of a write is found too, since intact writes follow it', () => {
  const offsets = writeLog([eventEntries(0, 1), eventEntries(1, 1), eventEntries(2, 1)]);
  flipByteAt(offsets[1] ?? 0);
  expect(open).toThrow(DamagedLogError);
});

test('truncateDamagedLog cuts the log at the damage, warns what it dropped, and keeps what came before', () => {
  const before = eventEntries(0, 2);
  const offsets = writeLog([before, eventEntries(2, 3), eventEntries(5, 1), eventEntries(6, 4)]);
  const damaged = offsets[1] ?? 0;
  const end = offsets.at(-1) ?? 0;
  flipByteAt(damaged + 40);

  const reopened = open(true);
  expect(reopened.entries).toEqual(before);
  expect(statSync(path).size).toBe(damaged);
  expect(warnings).toEqual([
    `${path}: damaged at byte ${damaged}; truncateDamagedLog cut the log there, dropping ${end - damaged} ` +
      'bytes that held 2 intact writes (5 events).',
  ]);
  reopened.log.append(eventEntries(2, 1));
  reopened.log.close();
  expect(open().entries).toHaveLength(3);
});

test('a log written one frame per entry, as before appends became one unit, is still read', () => {
  // [u32 body length - 1][u8 kind 2 = gap][u64 end position][u32 crc32 of kind and body]
  const body = Buffer.alloc(9);
  body.writeUInt8(2, 0);
  body.writeBigUInt64BE(548n, 1);
  const frame = Buffer.alloc(4 + body.length + 4);
  frame.writeUInt32BE(body.length - 1, 0);
  body.copy(frame, 4);
  frame.writeUInt32BE(crc32(body), 4 + body.length);
  writeFileSync(path, frame);
  const reopened = open();
  reopened.log.close();
  expect(reopened.entries).toEqual([{ kind: 'gap', endPosition: 548n }]);
});

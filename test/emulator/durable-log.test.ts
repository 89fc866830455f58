// The durable log: whole frames survive, a frame torn by a crash is cut off (the durable mode of issue 3).
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DurableLog } from '../../src/emulator/store/durable-log.js';
import type { StoredEvent } from '../../src/emulator/store/stored-event.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'durable-log-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

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

test('entries written before a restart come back exactly, in order', () => {
  const first = DurableLog.open(dir);
  expect(first.entries).toEqual([]);
  const events = [stored(548n, 0n), stored(668n, 1n)];
  first.log.append([{ kind: 'gap', endPosition: 548n }]);
  first.log.append(events.map((event) => ({ kind: 'event' as const, event })));
  first.log.close();

  const second = DurableLog.open(dir);
  expect(second.entries).toEqual([
    { kind: 'gap', endPosition: 548n },
    ...events.map((event) => ({ kind: 'event', event })),
  ]);
  second.log.close();
});

test('a torn last frame is dropped and cut from the file, and writing continues after the good ones', () => {
  const first = DurableLog.open(dir);
  first.log.append([{ kind: 'event', event: stored(0n, 0n) }]);
  first.log.close();
  const path = join(dir, 'events.log');
  const goodLength = statSync(path).size;
  // A crash in the middle of a write leaves part of a frame behind.
  appendFileSync(path, readFileSync(path).subarray(0, goodLength - 7));

  const second = DurableLog.open(dir);
  expect(second.entries).toHaveLength(1);
  expect(statSync(path).size).toBe(goodLength);
  second.log.append([{ kind: 'event', event: stored(120n, 1n) }]);
  second.log.close();
  expect(DurableLog.open(dir).entries).toHaveLength(2);
});

test('a frame whose checksum fails ends the log', () => {
  const first = DurableLog.open(dir);
  first.log.append([{ kind: 'event', event: stored(0n, 0n) }]);
  first.log.append([{ kind: 'event', event: stored(120n, 1n) }]);
  first.log.close();
  const path = join(dir, 'events.log');
  const bytes = readFileSync(path);
  bytes.writeUInt8(bytes.readUInt8(bytes.length - 10) ^ 0xff, bytes.length - 10);
  rmSync(path);
  appendFileSync(path, bytes);
  const reopened = DurableLog.open(dir);
  expect(reopened.entries).toHaveLength(1);
  reopened.log.close();
});

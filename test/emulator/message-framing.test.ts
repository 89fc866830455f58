// gRPC's length-prefixed message framing, as the emulator's HTTP/2 server reads and writes it.
import { Status } from 'nice-grpc';
import { frameMessage, MessageReader } from '../../src/emulator/grpc/message-framing.js';
import { RpcError } from '../../src/emulator/server/rpc-error.js';

const message = (size: number, fill: number): Buffer => Buffer.alloc(size, fill);

test('messages split across chunks, and several in one chunk, come out whole and in order', () => {
  const framed = Buffer.concat([
    frameMessage(message(10, 1)),
    frameMessage(message(0, 0)),
    frameMessage(message(70_000, 3)),
  ]);
  const reader = new MessageReader(1_000_000);
  const out: Buffer[] = [];
  for (let offset = 0; offset < framed.length; offset += 7)
    out.push(...reader.push(framed.subarray(offset, offset + 7)));
  expect(out.map((item) => [item.length, item[0]])).toEqual([
    [10, 1],
    [0, undefined],
    [70_000, 3],
  ]);
  expect(reader.incomplete).toBe(false);
});

test('a stream that stops inside a message is incomplete', () => {
  const reader = new MessageReader(100);
  expect(reader.push(frameMessage(message(10, 1)).subarray(0, 8))).toEqual([]);
  expect(reader.incomplete).toBe(true);
});

test('a message over the limit is RESOURCE_EXHAUSTED as soon as its prefix arrives', () => {
  const reader = new MessageReader(100);
  const attempt = (): Buffer[] => reader.push(frameMessage(message(101, 1)).subarray(0, 5));
  expect(attempt).toThrow(RpcError);
  try {
    attempt();
  } catch (error) {
    expect((error as RpcError).code).toBe(Status.RESOURCE_EXHAUSTED);
  }
});

test('a message at the Streams cap, in HTTP/2-sized chunks, comes out whole', () => {
  const framed = frameMessage(message(16 * 1024 * 1024 - 10_000, 5));
  const reader = new MessageReader(16 * 1024 * 1024);
  let out: Buffer[] = [];
  for (let offset = 0; offset < framed.length; offset += 16_384)
    out = out.concat(reader.push(framed.subarray(offset, offset + 16_384)));
  expect(out).toHaveLength(1);
  expect(out[0]?.length).toBe(16 * 1024 * 1024 - 10_000);
});

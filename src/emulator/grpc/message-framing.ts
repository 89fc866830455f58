import { Status } from 'nice-grpc';
import { RpcError } from '../server/rpc-error.js';

/*
 * gRPC's length-prefixed messages on an HTTP/2 stream: one flag byte (1 = compressed), a big-endian uint32
 * length, then the message bytes.
 */

const PREFIX = 5;

/** A message with its five-byte prefix, ready to write to the stream. */
export function frameMessage(message: Uint8Array): Buffer {
  const framed = Buffer.allocUnsafe(PREFIX + message.length);
  framed.writeUInt8(0, 0);
  framed.writeUInt32BE(message.length, 1);
  framed.set(message, PREFIX);
  return framed;
}

/**
 * Cuts DATA chunks into whole messages. A message over the receive limit is refused with RESOURCE_EXHAUSTED
 * before it is read, as gRPC itself refuses it in front of the server's code (§3.18); compressed messages are
 * refused because the emulator, like the server's defaults, negotiates no compression.
 */
export class MessageReader {
  /** Received bytes not yet cut into messages; joined only once a whole message is there. */
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly maxMessageSize: number) {}

  /** Adds a chunk and returns the messages it completes. */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const messages: Buffer[] = [];
    while (this.buffered >= PREFIX) {
      const head = this.peek(PREFIX);
      const length = head.readUInt32BE(1);
      if (head.readUInt8(0) !== 0) {
        throw new RpcError(Status.INTERNAL, 'Compressed message received without a negotiated grpc-encoding');
      }
      if (length > this.maxMessageSize) {
        throw new RpcError(
          Status.RESOURCE_EXHAUSTED,
          `Received message larger than max (${length} vs. ${this.maxMessageSize})`,
        );
      }
      if (this.buffered < PREFIX + length) break;
      const whole = this.take(PREFIX + length);
      messages.push(whole.subarray(PREFIX));
    }
    return messages;
  }

  /** True when the stream ended in the middle of a message. */
  get incomplete(): boolean {
    return this.buffered > 0;
  }

  /** The first `size` buffered bytes, without consuming them. */
  private peek(size: number): Buffer {
    const first = this.chunks[0];
    if (first !== undefined && first.length >= size) return first;
    const joined = Buffer.concat(this.chunks);
    this.chunks = [joined];
    return joined;
  }

  /** Removes and returns the first `size` buffered bytes. */
  private take(size: number): Buffer {
    const first = this.peek(size);
    const rest = first.subarray(size);
    if (rest.length === 0) this.chunks.shift();
    else this.chunks[0] = rest;
    this.buffered -= size;
    return first.subarray(0, size);
  }
}

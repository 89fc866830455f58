import type { ServerHttp2Stream } from 'node:http2';
import { ServerError, Status } from 'nice-grpc';
import { MessageReader } from './message-framing.js';
import { RequestQueue } from './request-queue.js';

/** How a method reads its request messages: its size limit and its decoder. */
export interface RequestFormat {
  readonly maxReceiveMessageSize: number;
  decode(bytes: Uint8Array): unknown;
}

/** The requests of a client- or bidi-streaming call, decoded as they arrive (see {@link RequestQueue}). */
export function requestStream(stream: ServerHttp2Stream, format: RequestFormat): AsyncIterable<unknown> {
  const reader = new MessageReader(format.maxReceiveMessageSize);
  const queue = new RequestQueue<unknown>(
    () => stream.pause(),
    () => stream.resume(),
  );
  stream.on('data', (chunk: Buffer) => {
    try {
      for (const message of reader.push(chunk)) queue.push(format.decode(message));
    } catch (error: unknown) {
      queue.fail(error);
      stream.pause();
    }
  });
  stream.once('end', () => {
    queue.end();
  });
  return queue;
}

/** The one request of a unary or server-streaming call, once the client half-closed. */
export function singleRequest(stream: ServerHttp2Stream, format: RequestFormat): Promise<unknown> {
  const reader = new MessageReader(format.maxReceiveMessageSize);
  const messages: Buffer[] = [];
  return new Promise((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => {
      try {
        messages.push(...reader.push(chunk));
      } catch (error: unknown) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    stream.once('end', () => {
      const [message] = messages;
      if (message === undefined || messages.length > 1 || reader.incomplete) {
        reject(new ServerError(Status.INTERNAL, 'Expected exactly one request message'));
      } else {
        try {
          resolve(format.decode(message));
        } catch (error: unknown) {
          reject(new ServerError(Status.INTERNAL, `Error deserializing request: ${String(error)}`));
        }
      }
    });
  });
}

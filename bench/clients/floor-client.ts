/**
 * The floor (scenario 7): a stream read done with raw `@grpc/grpc-js` and the generated codec, no facade —
 * the least work a Node client can do to get every event decoded from this server.
 */
import { Client, credentials } from '@grpc/grpc-js';
import { ReadReq, ReadResp } from '../../src/generated/streams.js';
import { READ_METHOD, streamReadRequest } from '../raw-requests.js';
import { type BenchClient, type EventSink, NotSupportedError } from './bench-client.js';

const serialize = (request: ReadReq): Buffer => Buffer.from(ReadReq.encode(request).finish());
const deserialize = (bytes: Buffer): ReadResp => ReadResp.decode(bytes);

/** Raw grpc-js on the emulator's address (`host:port`). */
export class FloorBenchClient implements BenchClient {
  readonly #client: Client;

  constructor(address: string) {
    this.#client = new Client(address, credentials.createInsecure());
  }

  append(): Promise<void> {
    return Promise.reject(new NotSupportedError('the floor only reads a stream (scenario 7)'));
  }

  readStream(stream: string, limit: number, sink: EventSink): Promise<void> {
    return new Promise((resolve, reject) => {
      const call = this.#client.makeServerStreamRequest(
        READ_METHOD,
        serialize,
        deserialize,
        streamReadRequest(stream, limit),
      );
      let stopped = false;
      const stop = (): void => {
        stopped = true;
        call.cancel();
        resolve();
      };
      call.on('data', (response: ReadResp) => {
        if (stopped || response.content?.$case !== 'event') return;
        const data = response.content.value.event?.data ?? new Uint8Array(0);
        const more = sink(data);
        if (more === false) stop();
        else if (more !== true) {
          call.pause();
          more.then(
            (go) => {
              if (go) call.resume();
              else stop();
            },
            (error: unknown) => {
              call.cancel();
              reject(error instanceof Error ? error : new Error(String(error)));
            },
          );
        }
      });
      call.on('error', (error) => {
        if (!stopped) reject(error);
      });
      call.on('end', resolve);
    });
  }

  readEvent(): Promise<Uint8Array | undefined> {
    return Promise.reject(new NotSupportedError('the floor only reads a stream (scenario 7)'));
  }

  readAll(): Promise<void> {
    return Promise.reject(new NotSupportedError('the floor only reads a stream (scenario 7)'));
  }

  subscribeAll(): Promise<void> {
    return Promise.reject(new NotSupportedError('the floor only reads a stream (scenario 7)'));
  }

  close(): Promise<void> {
    this.#client.close();
    return Promise.resolve();
  }
}

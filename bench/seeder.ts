/**
 * The harness's own writer: seeds the emulator with the events the read scenarios read, and appends the live
 * events of the catch-up subscription scenario. It runs in the harness process, on raw grpc-js with messages
 * encoded once by the generated codec, so that seeding a million events is quick and none of its work is
 * counted as a client's.
 */
import { Client, credentials, type ServiceError } from '@grpc/grpc-js';
import { AppendResp, ReadReq, ReadResp } from '../src/generated/streams.js';
import {
  allReadRequest,
  APPEND_METHOD,
  type AllPosition,
  encodedAppendOptions,
  eventData,
  lastEventOfAllRequest,
  proposedEventEncoder,
  READ_METHOD,
  streamReadRequest,
} from './raw-requests.js';

/** Events per seeding Append: well under the 1 MiB MaxAppendSize for 200-byte events. */
const SEED_CHUNK = 2_000;

const passThrough = (message: Buffer): Buffer => message;

/** Appends benchmark events to an emulator. */
export class Seeder {
  readonly #client: Client;
  readonly #nextEvent: () => Buffer;

  constructor(address: string, eventBytes: number) {
    this.#client = new Client(address, credentials.createInsecure());
    this.#nextEvent = proposedEventEncoder(eventData(eventBytes));
  }

  /** Appends `count` events to `stream` in one Append call; returns the position of the last one. */
  append(stream: string, count: number): Promise<AllPosition> {
    return new Promise((resolve, reject) => {
      const call = this.#client.makeClientStreamRequest(
        APPEND_METHOD,
        passThrough,
        (bytes: Buffer) => AppendResp.decode(bytes),
        (error: ServiceError | null, response?: AppendResp) => {
          if (error !== null) {
            reject(error);
            return;
          }
          const result = response?.result;
          if (result?.$case === 'success' && result.value.positionOption?.$case === 'position') {
            const position = result.value.positionOption.value;
            resolve({ commit: position.commitPosition, prepare: position.preparePosition });
          } else {
            reject(new Error(`append to ${stream} failed: ${result?.$case ?? 'no result'}`));
          }
        },
      );
      call.write(encodedAppendOptions(stream));
      for (let i = 0; i < count; i += 1) call.write(this.#nextEvent());
      call.end();
    });
  }

  /** Appends `total` events to `stream`, {@link SEED_CHUNK} per call. */
  async seed(stream: string, total: number): Promise<void> {
    for (let done = 0; done < total; done += SEED_CHUNK) {
      await this.append(stream, Math.min(SEED_CHUNK, total - done));
    }
  }

  /** The position of the last event in `$all` (system events included), or `undefined` when it is empty. */
  async lastPosition(): Promise<AllPosition | undefined> {
    let found: AllPosition | undefined;
    await this.read(lastEventOfAllRequest(), (response) => {
      if (response.content?.$case === 'event' && response.content.value.event !== undefined) {
        const event = response.content.value.event;
        found = { commit: event.commitPosition, prepare: event.preparePosition };
      }
    });
    return found;
  }

  /**
   * Warms the emulator's code paths up before the first measured run, so that the client that happens to
   * run first does not pay for the emulator's JIT compilation: single and batch appends, or full reads of the
   * read corpus (stream and `$all`).
   */
  async warmUp(kind: 'writes' | 'reads', readCorpus?: { stream: string; events: number }): Promise<void> {
    if (kind === 'writes') {
      for (let i = 0; i < 1_000; i += 1) await this.append('bench-warm-up', 1);
      for (let i = 0; i < 100; i += 1) await this.append('bench-warm-up', 100);
    } else if (readCorpus !== undefined) {
      await this.read(streamReadRequest(readCorpus.stream, readCorpus.events), () => undefined);
      await this.read(allReadRequest(readCorpus.events), () => undefined);
    }
  }

  /** Runs a read to its end, handing each response to `onResponse`. */
  read(request: ReadReq, onResponse: (response: ReadResp) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      const call = this.#client.makeServerStreamRequest(
        READ_METHOD,
        (message: ReadReq) => Buffer.from(ReadReq.encode(message).finish()),
        (bytes: Buffer) => ReadResp.decode(bytes),
        request,
      );
      call.on('data', onResponse);
      call.on('error', reject);
      call.on('end', resolve);
    });
  }

  close(): void {
    this.#client.close();
  }
}

/**
 * The official Node client, `@kurrent/kurrentdb-client`. Its reads go through its native Rust bridge; its
 * appends use BatchAppend when the server offers it; its subscriptions use grpc-js and google-protobuf.
 */
import {
  ANY,
  type AppendStreamState,
  binaryEvent,
  FORWARDS,
  KurrentDBClient,
  NO_STREAM,
  START,
} from '@kurrent/kurrentdb-client';
import type { AllPosition } from '../raw-requests.js';
import { BENCH_EVENT_TYPE } from '../raw-requests.js';
import type { BenchClient, EventSink, ExpectedPosition } from './bench-client.js';

/** Events as the official client returns them: data is bytes for events that are not JSON. */
interface OfficialResolved {
  readonly event?: { readonly data: unknown } | undefined;
}

function bytesOf(resolved: OfficialResolved): Uint8Array {
  const data = resolved.event?.data;
  return data instanceof Uint8Array ? data : new Uint8Array(0);
}

function streamStateOf(expected: ExpectedPosition): AppendStreamState {
  if (expected === 'any') return ANY;
  return expected === 'no-stream' ? NO_STREAM : expected;
}

async function drain(events: AsyncIterable<OfficialResolved>, sink: EventSink): Promise<void> {
  for await (const resolved of events) {
    let more = sink(bytesOf(resolved));
    if (typeof more !== 'boolean') more = await more;
    if (!more) break;
  }
}

/** The official client on a connection string of the emulator. */
export class OfficialBenchClient implements BenchClient {
  readonly #client: KurrentDBClient;

  constructor(uri: string) {
    // The `kurrentdb` scheme: the client accepts `esdb` too but warns that it is deprecated.
    this.#client = KurrentDBClient.connectionString(uri.replace(/^esdb:\/\//, 'kurrentdb://'));
  }

  async append(
    stream: string,
    data: readonly Uint8Array[],
    expected: ExpectedPosition = 'any',
  ): Promise<void> {
    const events = data.map((bytes) => binaryEvent({ type: BENCH_EVENT_TYPE, data: bytes }));
    await this.#client.appendToStream(stream, events, { streamState: streamStateOf(expected) });
  }

  async readEvent(stream: string, position: bigint): Promise<Uint8Array | undefined> {
    const events = this.#client.readStream(stream, {
      fromRevision: position,
      direction: FORWARDS,
      maxCount: 1,
    });
    let data: Uint8Array | undefined;
    // To the read's own end (one event), not broken off, which would cancel the call (see bench-client.ts).
    for await (const resolved of events) data = bytesOf(resolved);
    return data;
  }

  readStream(stream: string, limit: number, sink: EventSink): Promise<void> {
    return drain(
      this.#client.readStream(stream, { fromRevision: START, direction: FORWARDS, maxCount: limit }),
      sink,
    );
  }

  readAll(limit: number, sink: EventSink): Promise<void> {
    return drain(this.#client.readAll({ fromPosition: START, direction: FORWARDS, maxCount: limit }), sink);
  }

  async subscribeAll(after: AllPosition | undefined, sink: EventSink): Promise<void> {
    const subscription = this.#client.subscribeToAll({ fromPosition: after ?? START });
    try {
      await drain(subscription, sink);
    } finally {
      await subscription.unsubscribe();
    }
  }

  close(): Promise<void> {
    return this.#client.dispose();
  }
}

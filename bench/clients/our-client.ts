/**
 * This repository's client, `EsdbClient` from `src/client/` (loaded lazily by the worker: if it does not
 * load, its scenarios are reported "n/a").
 */
import { EsdbClient, NewEvent } from '../../src/client/index.js';
import type { AllPosition } from '../raw-requests.js';
import { BENCH_EVENT_TYPE } from '../raw-requests.js';
import type { BenchClient, EventSink, ExpectedPosition } from './bench-client.js';

/** The shape of an event as our client yields it, as far as the benchmark touches it. */
interface HasData {
  readonly data: Uint8Array;
}

/** Our `expectedPosition`: a negative number for "any", `null` for "no stream", else the position. */
function positionOf(expected: ExpectedPosition): number | bigint | null {
  if (expected === 'any') return -1;
  return expected === 'no-stream' ? null : expected;
}

async function drain(events: AsyncIterable<HasData>, sink: EventSink): Promise<void> {
  for await (const event of events) {
    let more = sink(event.data);
    if (typeof more !== 'boolean') more = await more;
    if (!more) break;
  }
}

/** Our client on a connection string of the emulator. */
export class OurBenchClient implements BenchClient {
  readonly #client: EsdbClient;

  constructor(uri: string) {
    this.#client = new EsdbClient({ uri });
  }

  async append(
    stream: string,
    data: readonly Uint8Array[],
    expected: ExpectedPosition = 'any',
  ): Promise<void> {
    const events = data.map((bytes) => new NewEvent({ type: BENCH_EVENT_TYPE, data: bytes }));
    await this.#client.appendEvents({ streamName: stream, expectedPosition: positionOf(expected), events });
  }

  async readEvent(stream: string, position: bigint): Promise<Uint8Array | undefined> {
    let data: Uint8Array | undefined;
    // To the read's own end (one event), not broken off, which would cancel the call (see bench-client.ts).
    for await (const event of this.#client.readStreamEvents({ streamName: stream, position, limit: 1 })) {
      data = event.data;
    }
    return data;
  }

  readStream(stream: string, limit: number, sink: EventSink): Promise<void> {
    return drain(this.#client.readStreamEvents({ streamName: stream, limit }), sink);
  }

  readAll(limit: number, sink: EventSink): Promise<void> {
    // No filter, like the official client's readAll: system events included.
    return drain(this.#client.readAllEvents({ limit, filterExclude: [] }), sink);
  }

  async subscribeAll(after: AllPosition | undefined, sink: EventSink): Promise<void> {
    // No filter, like the official client's subscribeToAll: system events included.
    const subscription = this.#client.subscribeAllEvents({
      commitPosition: after?.commit,
      filterExclude: [],
    });
    try {
      await drain(subscription, sink);
    } finally {
      await subscription.close();
    }
  }

  close(): Promise<void> {
    return this.#client.close();
  }
}

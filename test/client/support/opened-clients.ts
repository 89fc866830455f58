import { EsdbClient } from '../../../src/client/index.js';

/** The clients a test opens, so that its `afterEach` can close them all, whichever node they went to. */
export class OpenedClients {
  readonly #clients: EsdbClient[] = [];

  /** A new client on `uri`, closed by the next {@link closeAll}. */
  open(uri: string): EsdbClient {
    const client = new EsdbClient({ uri });
    this.#clients.push(client);
    return client;
  }

  /** Closes every client opened since the last call. */
  async closeAll(): Promise<void> {
    await Promise.all(this.#clients.splice(0).map((client) => client.close()));
  }
}

/** A counting projection's state once it has counted `count` events, or as it is after 10 s. */
export async function countOf(client: EsdbClient, name: string, count: number): Promise<unknown> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const state = await client.getProjectionState<{ count: number }>({ name });
    if (state.count === count || Date.now() > deadline) return state;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

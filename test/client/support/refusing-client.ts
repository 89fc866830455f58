/**
 * A client for the suites of bad input, which must be refused before anything is sent: it talks to a scripted
 * server that serves nothing, and a test after which that server saw a Streams call fails.
 */
import { EsdbClient } from '../../../src/client/index.js';
import { type FakeStreamsServer, startFakeStreamsServer } from './fake-streams-server.js';

/** Registers the enclosing describe's hooks; returns an accessor of the client, valid inside tests. */
export function useRefusingClient(): () => EsdbClient {
  let server: FakeStreamsServer | undefined;
  let client: EsdbClient | undefined;

  beforeAll(async () => {
    server = await startFakeStreamsServer({});
    client = new EsdbClient({ host: server.host, port: server.port, tls: false });
  });

  afterAll(async () => {
    await client?.close();
    await server?.stop();
  });

  afterEach(() => {
    expect(server?.calls).toEqual([]);
  });

  return () => {
    if (client === undefined) throw new Error('the client is only available inside tests');
    return client;
  };
}

/**
 * A scripted Streams server whose successive Read calls follow a script each (messages, then an error), for the
 * tests of subscriptions that resubscribe: what each call was asked, and a client of it.
 */
import { ServerError, Status } from 'nice-grpc';
import { EsdbClient, RecordedEvent } from '../../../src/client/index.js';
import type { DeepPartial, ReadReq, ReadResp } from '../../../src/generated/streams.js';
import { type FakeStreamsServer, startFakeStreamsServer } from './fake-streams-server.js';

/** The confirmation that opens a subscription (§3.8). */
export const CONFIRMATION: DeepPartial<ReadResp> = {
  content: { $case: 'confirmation', value: { subscriptionId: 'x' } },
};
/** A caught-up message (§3.8). */
export const CAUGHT_UP: DeepPartial<ReadResp> = { content: { $case: 'caughtUp', value: {} } };
/** A checkpoint message at `position` (§3.9.1). */
export const checkpoint = (position: bigint): DeepPartial<ReadResp> => ({
  content: { $case: 'checkpoint', value: { commitPosition: position, preparePosition: position } },
});
/** Backoff delays short enough for tests. */
export const FAST = { initialDelay: 1, maxDelay: 5 };

/** A script per call: the messages it sends, then the error it fails with (undefined: it stays open). */
export interface CallScript {
  readonly messages: readonly DeepPartial<ReadResp>[];
  readonly error?: ServerError | undefined;
  /** Trailers sent with the error (the `exception` key, §3.1.1). */
  readonly trailers?: Readonly<Record<string, string>>;
}

/** What a node going away answers. */
export const unavailable = (): ServerError => new ServerError(Status.UNAVAILABLE, 'node going away');

/** A fake whose n-th Read call follows `scripts[n]` (the last one for later calls), recording the requests. */
export async function scriptedServer(
  scripts: readonly CallScript[],
): Promise<{ server: FakeStreamsServer; requests: ReadReq[]; client: EsdbClient }> {
  const requests: ReadReq[] = [];
  const server = await startFakeStreamsServer({
    async *read(request, context) {
      const script = scripts[Math.min(requests.length, scripts.length - 1)];
      requests.push(request);
      for (const message of script?.messages ?? []) yield message;
      for (const [key, value] of Object.entries(script?.trailers ?? {})) context.trailer.set(key, value);
      if (script?.error !== undefined) throw script.error;
      await new Promise((resolve) => {
        context.signal.addEventListener('abort', resolve);
      });
    },
  });
  return { server, requests, client: new EsdbClient({ host: server.host, port: server.port, tls: false }) };
}

/** Closes the client and stops the server. */
export async function stopAll(setup: { server: FakeStreamsServer; client: EsdbClient }): Promise<void> {
  await setup.client.close();
  await setup.server.stop();
}

/** The stream positions of the events among `items`. */
export const revisionsOf = (items: readonly unknown[]): bigint[] =>
  items.filter((item) => item instanceof RecordedEvent).map((event) => event.streamPosition);

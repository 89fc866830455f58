// appendEvents over the shared BatchAppend call (docs/protocol.md §3.5), against a scripted server: what one
// call carries, and the failures a real server cannot be made to show on demand (a call that breaks, a late
// answer, not-leader, UNIMPLEMENTED, an idle call, close() with appends in flight).
import { ServerError, Status } from 'nice-grpc';
import {
  CancelledError,
  DeadlineExceededError,
  EsdbClient,
  NewEvent,
  ServiceUnavailableError,
} from '../../src/client/index.js';
import type { UUID } from '../../src/generated/shared.js';
import type { BatchAppendReq, BatchAppendResp, DeepPartial } from '../../src/generated/streams.js';
import {
  type FakeHandlers,
  type FakeStreamsServer,
  startFakeStreamsServer,
  untilAborted,
} from './support/fake-streams-server.js';
import { rejectionOf, utf8 } from './support/target.js';

const anEvent = (): NewEvent => new NewEvent({ type: 'T', data: utf8('x') });
const streamOf = (request: BatchAppendReq): string =>
  Buffer.from(request.options?.streamIdentifier?.streamName ?? []).toString();

const running: FakeStreamsServer[] = [];
const clients: EsdbClient[] = [];

async function fake(handlers: FakeHandlers): Promise<FakeStreamsServer> {
  const server = await startFakeStreamsServer(handlers);
  running.push(server);
  return server;
}

function clientOf(server: FakeStreamsServer): EsdbClient {
  const client = new EsdbClient({ host: server.host, port: server.port, tls: false });
  clients.push(client);
  return client;
}

const batchCalls = (server: FakeStreamsServer): number =>
  server.calls.filter((call) => call.method === 'batchAppend').length;

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(running.splice(0).map((server) => server.stop()));
});

function success(correlationId: UUID | undefined, position: bigint): DeepPartial<BatchAppendResp> {
  return {
    correlationId,
    result: {
      $case: 'success',
      value: {
        currentRevisionOption: { $case: 'currentRevision', value: 0n },
        positionOption: { $case: 'position', value: { commitPosition: position, preparePosition: position } },
      },
    },
  };
}

/** Answers every complete append with success at positions 100, 101, ...; keeps every request in `seen`. */
function answeringAll(seen: BatchAppendReq[] = []): FakeHandlers {
  let position = 100n;
  return {
    async *batchAppend(requests) {
      for await (const request of requests) {
        seen.push(request);
        if (request.isFinal) yield success(request.correlationId, position++);
      }
    },
  };
}

const append = (
  client: EsdbClient,
  streamName: string,
  options: { timeout?: number; signal?: AbortSignal } = {},
) => client.appendEvents({ streamName, expectedPosition: -1, events: [anEvent()], ...options });

test('appends share one call, each with its own correlation id, options, deadline and is_final', async () => {
  const seen: BatchAppendReq[] = [];
  const server = await fake(answeringAll(seen));
  const client = clientOf(server);
  const first = await client.appendEvents({
    streamName: 'a',
    expectedPosition: null,
    events: [anEvent(), anEvent()],
    timeout: 1500,
  });
  const second = await client.appendEvents({ streamName: 'b', expectedPosition: 4, events: [anEvent()] });
  expect([first, second]).toEqual([100n, 101n]);
  expect(batchCalls(server)).toBe(1);
  expect(server.calls.filter((call) => call.method === 'append')).toHaveLength(0);
  expect(seen).toHaveLength(2);
  const [one, two] = seen;
  expect(one?.correlationId).not.toEqual(two?.correlationId);
  expect(one).toMatchObject({ isFinal: true, proposedMessages: [{}, {}] });
  expect(one?.options).toMatchObject({
    expectedStreamPosition: { $case: 'noStream' },
    deadlineOption: { $case: 'deadline', value: { seconds: 1n, nanos: 500_000_000 } },
  });
  expect(streamOf(one as BatchAppendReq)).toBe('a');
  // Without a timeout, the client's default deadline (10 s) travels in the request.
  expect(two?.options).toMatchObject({
    expectedStreamPosition: { $case: 'streamPosition', value: 4n },
    deadlineOption: { $case: 'deadline', value: { seconds: 10n, nanos: 0 } },
  });
});

test('a call that breaks fails the appends in flight on it, and the next append opens a new call', async () => {
  let calls = 0;
  const server = await fake({
    async *batchAppend(requests) {
      calls += 1;
      let finals = 0;
      for await (const request of requests) {
        if (calls > 1) yield success(request.correlationId, 7n);
        else if (request.isFinal && ++finals === 2) throw new ServerError(Status.UNAVAILABLE, 'going away');
      }
    },
  });
  const client = clientOf(server);
  const failures = await Promise.all([rejectionOf(append(client, 'a')), rejectionOf(append(client, 'b'))]);
  expect(failures.map((error) => error instanceof ServiceUnavailableError)).toEqual([true, true]);
  expect(await append(client, 'c')).toBe(7n);
  expect(batchCalls(server)).toBe(2);
});

test("one append's timeout or signal leaves the call and the other appends alone; its late answer is dropped", async () => {
  const held: BatchAppendReq[] = [];
  const server = await fake({
    async *batchAppend(requests) {
      for await (const request of requests) {
        if (streamOf(request).startsWith('slow')) {
          held.push(request);
        } else {
          // The answers for the abandoned appends come late, just before the one of 'after'.
          if (streamOf(request) === 'after') for (const late of held) yield success(late.correlationId, 1n);
          yield success(request.correlationId, 50n);
        }
      }
    },
  });
  const client = clientOf(server);
  const controller = new AbortController();
  const timedOut = rejectionOf(append(client, 'slow-1', { timeout: 200 }));
  const cancelled = rejectionOf(append(client, 'slow-2', { signal: controller.signal }));
  expect(await append(client, 'fast')).toBe(50n);
  controller.abort();
  expect(await cancelled).toBeInstanceOf(CancelledError);
  expect(await timedOut).toBeInstanceOf(DeadlineExceededError);
  expect(await append(client, 'after')).toBe(50n);
  expect(batchCalls(server)).toBe(1);
});

test('not-leader on the call: the append moves to the leader and is sent again there', async () => {
  const leaderSeen: BatchAppendReq[] = [];
  const leader = await fake(answeringAll(leaderSeen));
  const follower = await fake({
    async *batchAppend(requests, context) {
      for await (const request of requests) {
        context.trailer.set('exception', 'not-leader');
        context.trailer.set('leader-endpoint-host', leader.host);
        context.trailer.set('leader-endpoint-port', String(leader.port));
        yield* [];
        throw new ServerError(Status.NOT_FOUND, `Leader info available (${streamOf(request)})`);
      }
    },
  });
  const event = anEvent();
  const client = clientOf(follower);
  expect(await client.appendEvents({ streamName: 's', expectedPosition: -1, events: [event] })).toBe(100n);
  // The same event id on the leader: the retry is idempotent (§3.6).
  expect(leaderSeen[0]?.proposedMessages[0]?.id?.value).toEqual({ $case: 'string', value: event.id });
  expect(client.currentNode).toEqual({ host: leader.host, port: leader.port });
});

test('a server that lists BatchAppend but answers UNIMPLEMENTED: appends use Append, and keep doing so', async () => {
  const server = await fake({
    listsBatchAppend: true,
    append: () =>
      Promise.resolve({
        result: {
          $case: 'success',
          value: {
            positionOption: { $case: 'position', value: { commitPosition: 9n, preparePosition: 9n } },
          },
        },
      }),
  });
  const client = clientOf(server);
  expect(await append(client, 'a')).toBe(9n);
  expect(await append(client, 'b')).toBe(9n);
  expect(server.calls.map((call) => call.method)).toEqual(['batchAppend', 'append', 'append']);
});

test('an idle call is half-closed after a second, so that it does not keep the process alive; the next append opens another', async () => {
  let ended = 0;
  const answering = answeringAll();
  const server = await fake({
    async *batchAppend(requests, context) {
      yield* answering.batchAppend?.(requests, context) ?? [];
      ended += 1;
    },
  });
  const client = clientOf(server);
  await append(client, 'a');
  await append(client, 'b');
  await new Promise((resolve) => setTimeout(resolve, 1600));
  expect(ended).toBe(1);
  expect(await append(client, 'c')).toBe(102n);
  expect(batchCalls(server)).toBe(2);
});

test('close() with appends in flight cancels them and the call', async () => {
  const server = await fake({
    async *batchAppend(_requests, context) {
      await untilAborted(context.signal);
      yield* [];
    },
  });
  const client = clientOf(server);
  const pending = [append(client, 'a'), append(client, 'b'), append(client, 'c')].map(rejectionOf);
  await new Promise((resolve) => setTimeout(resolve, 100));
  await client.close();
  const errors = await Promise.all(pending);
  expect(errors.every((error) => error instanceof CancelledError)).toBe(true);
  const call = server.calls.find((seen) => seen.method === 'batchAppend');
  await untilAborted(call?.signal ?? AbortSignal.abort(), 5000);
  expect(call?.signal.aborted).toBe(true);
});

test('a large append goes in several chunks with one correlation id, options first and is_final last', async () => {
  const seen: BatchAppendReq[] = [];
  const server = await fake(answeringAll(seen));
  const events = [0, 1, 2, 3].map(() => new NewEvent({ type: 'Big', data: new Uint8Array(255 * 1024) }));
  await clientOf(server).appendEvents({ streamName: 'big', expectedPosition: null, events });
  expect(seen.length).toBeGreaterThan(1);
  expect(new Set(seen.map((request) => JSON.stringify(request.correlationId))).size).toBe(1);
  expect(seen.map((request) => request.options !== undefined)).toEqual(seen.map((_, index) => index === 0));
  expect(seen.map((request) => request.isFinal)).toEqual(seen.map((_, index) => index === seen.length - 1));
  const ids = seen.flatMap((request) => request.proposedMessages.map((message) => message.id?.value));
  expect(ids).toEqual(events.map((event) => ({ $case: 'string', value: event.id })));
});

test("the first append waits for the node's features only within its own timeout and signal", async () => {
  let answerFeatures = (): void => undefined;
  const featuresAnswered = new Promise<void>((resolve) => {
    answerFeatures = resolve;
  });
  const seen: BatchAppendReq[] = [];
  const server = await fake({ ...answeringAll(seen), featuresGate: () => featuresAnswered });
  const client = clientOf(server);
  const started = performance.now();
  const late = await rejectionOf(
    client.appendEvents({ streamName: 'a', expectedPosition: -1, events: [anEvent()], timeout: 200 }),
  );
  expect(late).toBeInstanceOf(DeadlineExceededError);
  // Not the client's default deadline (10 s) of the shared question.
  expect(performance.now() - started).toBeLessThan(5_000);
  const controller = new AbortController();
  const aborted = client.appendEvents({
    streamName: 'b',
    expectedPosition: -1,
    events: [anEvent()],
    signal: controller.signal,
  });
  controller.abort();
  expect(await rejectionOf(aborted)).toBeInstanceOf(CancelledError);
  expect(seen).toEqual([]);
  // The question itself went on: once answered, appends go over BatchAppend.
  answerFeatures();
  await client.appendEvents({ streamName: 'c', expectedPosition: -1, events: [anEvent()] });
  expect(seen.map(streamOf)).toEqual(['c']);
});

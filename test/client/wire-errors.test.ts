// Answers that break the protocol, from a rogue HTTP/2 server: each must fail every kind of call with a
// ProtocolError (never an empty successful read, never an untyped error), and must not be retried (§4.1).
import {
  EsdbClient,
  EsdbError,
  NewEvent,
  ProtocolError,
  ServiceUnavailableError,
} from '../../src/client/index.js';
import { AppendResp, BatchAppendReq, BatchAppendResp, ReadResp } from '../../src/generated/streams.js';
import { eventResponse } from './support/fake-streams-server.js';
import {
  featuresListingBatchAppend,
  grpcFrame,
  PATHS,
  type RogueAnswer,
  type RogueServer,
  startRogueServer,
  truncatedFrame,
} from './support/rogue-server.js';
import { rejectionOf, utf8 } from './support/target.js';

const running: RogueServer[] = [];
const clients: EsdbClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(running.splice(0).map((server) => server.stop()));
});

/** The bytes of a whole message of each method, to be cut short or mangled. */
const EVENT = ReadResp.encode(ReadResp.fromPartial(eventResponse('s', 0n))).finish();
const APPENDED = AppendResp.encode(
  AppendResp.fromPartial({
    result: {
      $case: 'success',
      value: {
        currentRevisionOption: { $case: 'currentRevision', value: 0n },
        positionOption: { $case: 'position', value: { commitPosition: 5n, preparePosition: 5n } },
      },
    },
  }),
).finish();

/** A BatchAppend answer to the first request, built from that request's correlation id. */
function batchAppended(request: Uint8Array): Uint8Array {
  const { correlationId } = BatchAppendReq.decode(request);
  return BatchAppendResp.encode(
    BatchAppendResp.fromPartial({
      correlationId,
      result: {
        $case: 'success',
        value: { positionOption: { $case: 'position', value: { commitPosition: 5n, preparePosition: 5n } } },
      },
    }),
  ).finish();
}

/** How the rogue mangles a whole message into one answer. */
type Mangle = (message: Uint8Array) => RogueAnswer;

const CUT_SHORT: Mangle = (message) => ({ body: [truncatedFrame(message, 3)] });

/**
 * A rogue whose Streams methods answer with `mangle` applied to a good answer; `batch` makes ServerFeatures
 * list BatchAppend, so that appends go through it.
 */
async function rogueClient(
  mangle: Mangle,
  batch = false,
): Promise<{ client: EsdbClient; server: RogueServer }> {
  const server = await startRogueServer((path) => {
    switch (path) {
      case PATHS.features:
        return batch ? featuresListingBatchAppend() : undefined;
      case PATHS.read:
        return mangle(EVENT);
      case PATHS.append:
        return () => mangle(APPENDED);
      case PATHS.batchAppend:
        return (request) => mangle(batchAppended(request));
      default:
        return undefined;
    }
  });
  running.push(server);
  const client = new EsdbClient({ host: server.host, port: server.port, tls: false, defaultDeadline: 5_000 });
  clients.push(client);
  return { client, server };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const anEvent = (): NewEvent => new NewEvent({ type: 'T', data: utf8('x') });

/** Each kind of call the client makes, run against a client of a rogue. */
const CALLS: readonly (readonly [string, (client: EsdbClient) => Promise<unknown>])[] = [
  ['readStreamEvents', (client) => collect(client.readStreamEvents({ streamName: 's' }))],
  ['readAllEvents', (client) => collect(client.readAllEvents())],
  ['getStreamPosition', (client) => client.getStreamPosition({ streamName: 's' })],
  // Not resubscribing: a response that ends without a status is what a node going away gives, which a
  // subscription would otherwise try again.
  [
    'subscribeAllEvents',
    (client) => collect(client.subscribeAllEvents({ timeout: 5_000, resubscribe: false })),
  ],
  [
    'appendEvents',
    (client) => client.appendEvents({ streamName: 's', expectedPosition: -1n, events: [anEvent()] }),
  ],
];

/** Expects every call, and appends through both Append and BatchAppend, to fail with a ProtocolError. */
function expectsProtocolErrors(mangle: Mangle, message: RegExp): void {
  it.each(CALLS)('%s fails with a ProtocolError', async (_name, call) => {
    const { client } = await rogueClient(mangle);
    const error = await rejectionOf(call(client));
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toMatch(message);
  });

  it('appendEvents through BatchAppend fails with a ProtocolError', async () => {
    const { client, server } = await rogueClient(mangle, true);
    const error = await rejectionOf(
      client.appendEvents({ streamName: 's', expectedPosition: -1n, events: [anEvent()] }),
    );
    expect(server.paths).toContain(PATHS.batchAppend);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toMatch(message);
  });
}

describe('a last message cut short, then trailers with status OK', () => {
  expectsProtocolErrors(CUT_SHORT, /cut short/);
});

describe('a last message cut short after its length prefix, then the end of the stream without trailers', () => {
  expectsProtocolErrors(
    (message) => ({ body: [grpcFrame(new Uint8Array(), { length: message.length })], end: 'end' }),
    /(cut short|without a status)/,
  );
});

describe('a message flagged as compressed in a response without grpc-encoding', () => {
  expectsProtocolErrors((message) => ({ body: [grpcFrame(message, { compressed: true })] }), /compressed/);
});

describe('a message flagged as gzip-compressed whose bytes do not decompress', () => {
  expectsProtocolErrors(
    (message) => ({ headers: { 'grpc-encoding': 'gzip' }, body: [grpcFrame(message, { compressed: true })] }),
    /cannot be decompressed/,
  );
});

describe('bytes that are not protobuf', () => {
  expectsProtocolErrors(
    () => ({ body: [grpcFrame(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]))] }),
    /not valid protobuf/,
  );
});

describe('an HTML 404 page', () => {
  expectsProtocolErrors(
    () => ({ httpStatus: 404, contentType: 'text/html', body: [utf8('<html>Not Found</html>')], end: 'end' }),
    /not gRPC/,
  );
});

describe('a gRPC message under a content-type that is not gRPC', () => {
  expectsProtocolErrors(
    (message) => ({ contentType: 'text/plain', body: [grpcFrame(message)] }),
    /content-type is 'text\/plain'/,
  );
});

describe('an HTTP 404 without a body or content-type', () => {
  expectsProtocolErrors(() => ({ httpStatus: 404, contentType: '', end: 'end' }), /content-type is ''/);
});

describe('what a protocol violation is, and is not', () => {
  it('a read whose last event is cut short after whole ones fails instead of ending early', async () => {
    const { client } = await rogueClient((message) => ({
      body: [grpcFrame(message), grpcFrame(message), truncatedFrame(message, message.length - 1)],
    }));
    const seen: unknown[] = [];
    const error = await rejectionOf(
      (async () => {
        for await (const event of client.readStreamEvents({ streamName: 's' })) seen.push(event);
      })(),
    );
    expect(error).toBeInstanceOf(ProtocolError);
    expect(seen).toHaveLength(2);
  });

  it('is not retried: the call is made once', async () => {
    const { client, server } = await rogueClient(CUT_SHORT);
    expect(await rejectionOf(client.getStreamPosition({ streamName: 's' }))).toBeInstanceOf(ProtocolError);
    expect(server.paths.filter((path) => path === PATHS.read)).toHaveLength(1);
  });

  it('an HTTP 404 under the gRPC content-type is a ProtocolError naming the status', async () => {
    const { client } = await rogueClient(() => ({ httpStatus: 404, end: 'end' }));
    const error = await rejectionOf(collect(client.readAllEvents()));
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toMatch(/HTTP status 404/);
  });

  it('an HTTP 503 (a proxy before a restarting node) stays a ServiceUnavailableError', async () => {
    const { client } = await rogueClient(() => ({ httpStatus: 503, end: 'end' }));
    const error = await rejectionOf(collect(client.readAllEvents()));
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error).not.toBeInstanceOf(ProtocolError);
  });

  it('an Append success without a commit position is a ProtocolError', async () => {
    const noPosition = AppendResp.encode(
      AppendResp.fromPartial({
        result: {
          $case: 'success',
          value: {
            currentRevisionOption: { $case: 'currentRevision', value: 0n },
            positionOption: { $case: 'noPosition', value: {} },
          },
        },
      }),
    ).finish();
    const { client } = await rogueClient(() => ({ body: [grpcFrame(noPosition)] }));
    const error = await rejectionOf(
      client.appendEvents({ streamName: 's', expectedPosition: -1n, events: [anEvent()] }),
    );
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toMatch(/no commit position/);
  });

  it('a persistent subscription whose message is not protobuf fails with a ProtocolError', async () => {
    const server = await startRogueServer((path) =>
      path === PATHS.persistentRead
        ? { body: [grpcFrame(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]))] }
        : undefined,
    );
    running.push(server);
    const client = new EsdbClient({ host: server.host, port: server.port, tls: false });
    clients.push(client);
    const [, responses] = client.readSubscription({ groupName: 'g' });
    const error = await rejectionOf(collect(responses));
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toBeInstanceOf(EsdbError);
  });
});

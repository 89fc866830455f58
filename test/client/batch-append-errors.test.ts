// The in-band errors of BatchAppend (docs/protocol.md §3.5), scripted: each becomes the typed error the same
// failure gives on Append, fails its own append alone, and is found by its correlation id in either UUID form.
import {
  AccessDeniedError,
  DeadlineExceededError,
  EsdbClient,
  ExpectedPositionError,
  MaximumAppendSizeExceededError,
  NewEvent,
  ServiceUnavailableError,
  StreamDeletedError,
} from '../../src/client/index.js';
import {
  MaximumAppendSizeExceeded,
  StreamDeleted,
  type UUID,
  WrongExpectedVersion,
} from '../../src/generated/shared.js';
import type { BatchAppendReq, BatchAppendResp, DeepPartial } from '../../src/generated/streams.js';
import { type FakeStreamsServer, startFakeStreamsServer } from './support/fake-streams-server.js';
import { rejectionOf, utf8 } from './support/target.js';

const anEvent = (): NewEvent => new NewEvent({ type: 'T', data: utf8('x') });
const streamOf = (request: BatchAppendReq): string =>
  Buffer.from(request.options?.streamIdentifier?.streamName ?? []).toString();

let server: FakeStreamsServer | undefined;
let client: EsdbClient | undefined;

afterEach(async () => {
  await client?.close();
  await server?.stop();
});

function success(correlationId: UUID | undefined): DeepPartial<BatchAppendResp> {
  const position = { commitPosition: 5n, preparePosition: 5n };
  return {
    correlationId,
    result: { $case: 'success', value: { positionOption: { $case: 'position', value: position } } },
  };
}

/** The structured form of a UUID text, as the server's timer replies carry it (§3.11). */
function structured(id: UUID | undefined): UUID {
  const hex = id?.value?.$case === 'string' ? id.value.value.replaceAll('-', '') : '';
  const half = (text: string): bigint => BigInt.asIntN(64, BigInt(`0x${text}`));
  return {
    value: {
      $case: 'structured',
      value: { mostSignificantBits: half(hex.slice(0, 16)), leastSignificantBits: half(hex.slice(16)) },
    },
  };
}

const detail = (name: string, value: Uint8Array = new Uint8Array()) => ({
  typeUrl: `type.googleapis.com/${name}`,
  value,
});

/** The error replies of §3.5, by stream name. */
const ERRORS: Record<string, { code: number; message: string; details: ReturnType<typeof detail> }> = {
  wrong: {
    code: 6,
    message: 'WrongExpectedVersion',
    details: detail(
      'event_store.client.WrongExpectedVersion',
      WrongExpectedVersion.encode({
        currentStreamRevisionOption: { $case: 'currentStreamRevision', value: 3n },
        expectedStreamPositionOption: { $case: 'expectedStreamPosition', value: 1n },
      }).finish(),
    ),
  },
  deleted: {
    code: 5,
    message: 'StreamDeleted',
    details: detail(
      'event_store.client.StreamDeleted',
      StreamDeleted.encode({ streamIdentifier: { streamName: utf8('deleted') } }).finish(),
    ),
  },
  denied: { code: 7, message: 'AccessDenied', details: detail('event_store.client.AccessDenied') },
  timeout: { code: 4, message: 'Timeout', details: detail('event_store.client.Timeout') },
  big: {
    code: 3,
    message: 'MaximumAppendSizeExceeded',
    details: detail(
      'event_store.client.MaximumAppendSizeExceeded',
      MaximumAppendSizeExceeded.encode({ maxAppendSize: 1024 }).finish(),
    ),
  },
  busy: { code: 0, message: 'Server Is Not Ready', details: detail('google.protobuf.Empty') },
};

test('in-band errors become the typed errors of Append, and fail their append alone', async () => {
  server = await startFakeStreamsServer({
    async *batchAppend(requests) {
      for await (const request of requests) {
        const stream = streamOf(request);
        const error = ERRORS[stream];
        const correlationId =
          stream === 'timeout' ? structured(request.correlationId) : request.correlationId;
        yield error === undefined
          ? success(correlationId)
          : {
              correlationId,
              streamIdentifier: { streamName: utf8(stream) },
              result: { $case: 'error', value: error },
            };
      }
    },
  });
  client = new EsdbClient({ host: server.host, port: server.port, tls: false });
  const open = client;
  const outcome = (streamName: string) =>
    rejectionOf(open.appendEvents({ streamName, expectedPosition: 1, events: [anEvent()] }));
  expect(await outcome('wrong')).toMatchObject({
    name: 'ExpectedPositionError',
    streamName: 'wrong',
    expectedPosition: 1n,
    actualPosition: 3n,
  });
  expect(await outcome('wrong')).toBeInstanceOf(ExpectedPositionError);
  expect(await outcome('deleted')).toBeInstanceOf(StreamDeletedError);
  expect(await outcome('denied')).toBeInstanceOf(AccessDeniedError);
  // Answered under the structured form of its id, as the server's timer does: found all the same.
  const timedOut = await outcome('timeout');
  expect(timedOut).toBeInstanceOf(DeadlineExceededError);
  expect((timedOut as DeadlineExceededError).message).toBe('The server timed out the append.');
  const big = await outcome('big');
  expect(big).toBeInstanceOf(MaximumAppendSizeExceededError);
  expect((big as MaximumAppendSizeExceededError).maximumAppendSize).toBe(1024);
  expect(await outcome('busy')).toBeInstanceOf(ServiceUnavailableError);
  expect(await open.appendEvents({ streamName: 'fine', expectedPosition: -1, events: [anEvent()] })).toBe(5n);
  expect(server.calls.map((call) => call.method)).toEqual(['batchAppend']);
});

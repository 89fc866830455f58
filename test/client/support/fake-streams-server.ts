/**
 * A scripted Streams server for the client's tests of what a real server cannot be made to do on demand: hang,
 * answer late, fail with given statuses and trailers, or show the headers it received and whether the call
 * was cancelled.
 */
import { ServerCredentials } from '@grpc/grpc-js';
import { type CallContext, createServer, type Metadata, ServerError, Status } from 'nice-grpc';
import { ServerFeaturesDefinition } from '../../../src/generated/serverfeatures.js';
import {
  type AppendReq,
  type AppendResp,
  type BatchAppendReq,
  type BatchAppendResp,
  type DeepPartial,
  type ReadReq,
  type ReadResp,
  StreamsDefinition,
} from '../../../src/generated/streams.js';
import { generateCertificates } from '../../../src/emulator/tls/certificates.js';

/** What the fake does for each method; unset methods fail with UNIMPLEMENTED. */
export interface FakeHandlers {
  read?(request: ReadReq, context: CallContext): AsyncIterable<DeepPartial<ReadResp>>;
  append?(requests: AsyncIterable<AppendReq>, context: CallContext): Promise<DeepPartial<AppendResp>>;
  batchAppend?(
    requests: AsyncIterable<BatchAppendReq>,
    context: CallContext,
  ): AsyncIterable<DeepPartial<BatchAppendResp>>;
  /**
   * Whether the fake serves ServerFeatures listing the Streams methods, BatchAppend included (§3.16); by
   * default when a batchAppend handler is given. Without it the fake answers ServerFeatures UNIMPLEMENTED, as
   * servers before 21.10 do, and clients append through Append.
   */
  listsBatchAppend?: boolean;
  /** Awaited before the fake answers ServerFeatures: a way to make that answer late. */
  featuresGate?(context: CallContext): Promise<void>;
}

/** The Streams methods as a 24.10 server lists them (§3.16). */
const STREAMS_METHODS = ['read', 'append', 'delete', 'tombstone', 'batchappend'].map((methodName) => ({
  serviceName: 'event_store.client.streams.streams',
  methodName,
  features: methodName === 'batchappend' ? ['deadline_duration'] : [],
}));

/** What the fake saw of one call. */
export interface SeenCall {
  readonly method: string;
  readonly metadata: Metadata;
  /** Aborted when the client cancelled the call. */
  readonly signal: AbortSignal;
}

/** A running fake server. */
export interface FakeStreamsServer {
  readonly host: string;
  readonly port: number;
  /** PEM of the CA to trust (TLS fakes only). */
  readonly caCert: string | undefined;
  readonly calls: SeenCall[];
  stop(): Promise<void>;
}

let certificates: ReturnType<typeof generateCertificates> | undefined;

/** Starts a fake on a free port of 127.0.0.1; over TLS when `tls` is set. */
export async function startFakeStreamsServer(
  handlers: FakeHandlers,
  tls = false,
): Promise<FakeStreamsServer> {
  const calls: SeenCall[] = [];
  const seen = (method: string, context: CallContext): void => {
    calls.push({ method, metadata: context.metadata, signal: context.signal });
  };
  const unimplemented = (): never => {
    throw new ServerError(Status.UNIMPLEMENTED, 'not scripted');
  };
  const server = createServer();
  server.add(StreamsDefinition, {
    async *read(request, context) {
      seen('read', context);
      if (handlers.read === undefined) unimplemented();
      else yield* handlers.read(request, context);
    },
    async append(requests, context) {
      seen('append', context);
      if (handlers.append === undefined) return unimplemented();
      return handlers.append(requests, context);
    },
    delete: (_request, context) => {
      seen('delete', context);
      return Promise.resolve(unimplemented());
    },
    tombstone: (_request, context) => {
      seen('tombstone', context);
      return Promise.resolve(unimplemented());
    },
    async *batchAppend(requests, context) {
      seen('batchAppend', context);
      if (handlers.batchAppend === undefined) unimplemented();
      else yield* handlers.batchAppend(requests, context);
    },
  });
  if (handlers.listsBatchAppend ?? handlers.batchAppend !== undefined) {
    server.add(ServerFeaturesDefinition, {
      getSupportedMethods: async (_request, context) => {
        await handlers.featuresGate?.(context);
        return { methods: STREAMS_METHODS, eventStoreServerVersion: '24.10.0' };
      },
    });
  }
  let credentials = ServerCredentials.createInsecure();
  if (tls) {
    certificates ??= generateCertificates();
    credentials = ServerCredentials.createSsl(null, [
      { private_key: Buffer.from(certificates.nodeKey), cert_chain: Buffer.from(certificates.nodeCert) },
    ]);
  }
  const host = '127.0.0.1';
  const port = await server.listen(`${host}:0`, credentials);
  return {
    host,
    port,
    caCert: tls ? certificates?.caCert : undefined,
    calls,
    stop: () => {
      server.forceShutdown();
      return Promise.resolve();
    },
  };
}

/** Resolves when `signal` aborts (the client cancelled), or after `ms` milliseconds. */
export function untilAborted(signal: AbortSignal, ms = 30_000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** A ReadResp carrying one event of a stream, as the server sends it (string id, system metadata). */
export function eventResponse(
  streamName: string,
  streamRevision: bigint,
  type = 'Scripted',
): DeepPartial<ReadResp> {
  return {
    content: {
      $case: 'event',
      value: {
        event: {
          id: { value: { $case: 'string', value: '5f1c2d3e-4b5a-4c6d-8e7f-8091a2b3c4d5' } },
          streamIdentifier: { streamName: Buffer.from(streamName) },
          streamRevision,
          commitPosition: 1000n + streamRevision,
          preparePosition: 1000n + streamRevision,
          metadata: { type, 'content-type': 'application/octet-stream', created: '17000000000000000' },
          customMetadata: new Uint8Array(),
          data: Buffer.from('scripted'),
        },
        position: { $case: 'commitPosition', value: 1000n + streamRevision },
      },
    },
  };
}

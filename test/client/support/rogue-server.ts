/**
 * A rogue gRPC server on Node's raw `http2` module, for the client's tests of answers no well-behaved server
 * (nor grpc-js's own server) sends: a last message cut short, a compressed flag without `grpc-encoding`, bytes
 * that are not protobuf, a plain HTTP 404 with an HTML body, a wrong content-type. Each call is answered by the
 * script for its method path; ServerFeatures is answered UNIMPLEMENTED unless scripted, so that appends go
 * through Streams.Append (§3.16).
 */
import { constants, createServer, type Http2Server, type ServerHttp2Stream } from 'node:http2';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { SupportedMethods } from '../../../src/generated/serverfeatures.js';

/** The path of a gRPC method: `/package.Service/Method`. */
export const PATHS = {
  read: '/event_store.client.streams.Streams/Read',
  append: '/event_store.client.streams.Streams/Append',
  batchAppend: '/event_store.client.streams.Streams/BatchAppend',
  persistentRead: '/event_store.client.persistent_subscriptions.PersistentSubscriptions/Read',
  features: '/event_store.client.server_features.ServerFeatures/GetSupportedMethods',
} as const;

/** How the rogue answers one call. */
export interface RogueAnswer {
  /** The response headers besides `:status` and `content-type`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** The HTTP status; default 200. */
  readonly httpStatus?: number;
  /** The `content-type`; default `application/grpc`; the empty string sends none. */
  readonly contentType?: string;
  /** The raw bytes of the response body, written in order (see {@link grpcFrame}). */
  readonly body?: readonly Uint8Array[];
  /**
   * How the response ends: with these trailers (default `grpc-status: 0`), `'end'` for a bare end of
   * stream without trailers, or `'reset'` for RST_STREAM NO_ERROR after the body, as a server shutting down
   * may reset its open streams.
   */
  readonly end?: Readonly<Record<string, string>> | 'end' | 'reset';
}

/** An answer, or how to answer once the first request message has come (its bytes, without the prefix). */
export type RogueScript = RogueAnswer | ((firstRequest: Uint8Array) => RogueAnswer);

/** A running rogue server. */
export interface RogueServer {
  readonly host: string;
  readonly port: number;
  /** The method paths of the calls received, in order. */
  readonly paths: string[];
  stop(): Promise<void>;
}

/** One length-prefixed gRPC message (§2): flag byte, 4-byte big-endian length, then `bytes`. */
export function grpcFrame(
  bytes: Uint8Array,
  options: { compressed?: boolean; length?: number } = {},
): Buffer {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt8(options.compressed === true ? 1 : 0, 0);
  prefix.writeUInt32BE(options.length ?? bytes.length, 1);
  return Buffer.concat([prefix, bytes]);
}

/** A gRPC message whose prefix promises `bytes` in full but whose body stops after `sent` of them. */
export function truncatedFrame(bytes: Uint8Array, sent: number): Buffer {
  return grpcFrame(bytes.subarray(0, sent), { length: bytes.length });
}

/** The ServerFeatures answer listing BatchAppend, so that appends go through it (§3.16). */
export function featuresListingBatchAppend(): RogueAnswer {
  const methods = SupportedMethods.encode({
    methods: ['read', 'append', 'batchappend'].map((methodName) => ({
      methodName,
      serviceName: 'event_store.client.streams.streams',
      features: [],
    })),
    eventStoreServerVersion: '24.10.0',
  }).finish();
  return { body: [grpcFrame(methods)] };
}

const UNIMPLEMENTED: RogueAnswer = { end: { 'grpc-status': '12', 'grpc-message': 'not scripted' } };

function answer(stream: ServerHttp2Stream, reply: RogueAnswer): void {
  const contentType = reply.contentType ?? 'application/grpc';
  stream.respond(
    {
      ':status': reply.httpStatus ?? 200,
      ...(contentType === '' ? {} : { 'content-type': contentType }),
      ...reply.headers,
    },
    { waitForTrailers: reply.end !== 'end' && reply.end !== 'reset' },
  );
  const end = reply.end ?? { 'grpc-status': '0' };
  if (end === 'reset') {
    stream.write(Buffer.concat(reply.body ?? []), () => {
      stream.close(constants.NGHTTP2_NO_ERROR);
    });
    return;
  }
  if (end !== 'end') {
    stream.on('wantTrailers', () => {
      stream.sendTrailers(end);
    });
  }
  for (const bytes of reply.body ?? []) stream.write(bytes);
  stream.end();
}

/** Starts a rogue on a free port of 127.0.0.1 (cleartext HTTP/2) that answers each path with `script`. */
export async function startRogueServer(
  script: (path: string) => RogueScript | undefined,
): Promise<RogueServer> {
  const paths: string[] = [];
  const server: Http2Server = createServer();
  server.on('stream', (stream, headers) => {
    const path = String(headers[':path']);
    paths.push(path);
    stream.on('error', () => undefined);
    const reply = script(path) ?? UNIMPLEMENTED;
    if (typeof reply === 'function') {
      let received = Buffer.alloc(0);
      const onData = (data: Buffer): void => {
        received = Buffer.concat([received, data]);
        if (received.length < 5 || received.length < 5 + received.readUInt32BE(1)) return;
        stream.off('data', onData);
        stream.resume();
        answer(stream, reply(received.subarray(5, 5 + received.readUInt32BE(1))));
      };
      stream.on('data', onData);
    } else {
      stream.resume();
      answer(stream, reply);
    }
  });
  return listening(server, paths);
}

/** Starts a server that answers every connection as HTTP/1.1 with a 404 page: not an HTTP/2 server at all. */
export async function startHttp1Server(): Promise<RogueServer> {
  const server: TcpServer = createTcpServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () => {
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-type: text/html\r\ncontent-length: 9\r\n\r\nnot found');
    });
  });
  return listening(server, []);
}

async function listening(server: Http2Server | TcpServer, paths: string[]): Promise<RogueServer> {
  const sockets = new Set<{ destroy(): void }>();
  server.on('connection', (socket: { destroy(): void; once(event: 'close', f: () => void): void }) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    paths,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}

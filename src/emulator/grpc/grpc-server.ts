import {
  createSecureServer,
  createServer,
  type Http2SecureServer,
  type Http2Server,
  type Http2Session,
  type IncomingHttpHeaders,
  type ServerHttp2Stream,
} from 'node:http2';
import type { AddressInfo } from 'node:net';
import {
  type CallContext,
  type Metadata,
  type ServiceImplementation,
  Status,
  type TsProtoServiceDefinition,
} from 'nice-grpc';
import { metadataFromHeaders, timeoutOf } from './grpc-metadata.js';
import { type RequestFormat, requestStream, singleRequest } from './request-reading.js';
import { ConnectionFreezer } from './connection-freezer.js';
import { ServerCall } from './server-call.js';

/** One method as the server dispatches it. */
interface RegisteredMethod extends RequestFormat {
  readonly requestStream: boolean;
  readonly responseStream: boolean;
  encode(message: unknown): Uint8Array;
  readonly handler: (request: unknown, context: CallContext) => unknown;
}

/** What the server needs to know about the node it fronts. */
export interface GrpcServerOptions<Ext> {
  /** The largest request message a service accepts unless it says otherwise; bigger ones fail with RESOURCE_EXHAUSTED. */
  readonly maxReceiveMessageSize: number;
  /** Interval and timeout of the keepalive pings sent on every connection. */
  readonly keepaliveMs: number;
  /** Runs before every handler: the context extension it returns, or a thrown `RpcError`. */
  readonly authenticate: (metadata: Metadata) => Ext;
}

/** TLS material for a secure server. */
export interface TlsIdentity {
  readonly key: string;
  readonly cert: string;
}

/**
 * A gRPC server written on Node's HTTP/2 module. It replaces `@grpc/grpc-js`'s server, whose per-message cost
 * made the emulator the bottleneck of every read benchmark, and keeps the service implementations of nice-grpc
 * unchanged. It speaks gRPC over HTTP/2 as the real server does (§4): h2c or TLS with ALPN `h2`, statuses in
 * trailers (trailers-only when nothing was sent), `grpc-timeout` deadlines, cancellation by RST_STREAM.
 * Handler failures become statuses as the server's do (§3.1): `RpcError`s with their keys, anything else
 * UNKNOWN `Exception was thrown by handler.`
 */
export class GrpcServer<Ext> {
  private readonly methods = new Map<string, RegisteredMethod>();
  private readonly services = new Set<string>();
  private readonly sessions = new Set<Http2Session>();
  private readonly freezer = new ConnectionFreezer();
  private server: Http2Server | Http2SecureServer | undefined;

  constructor(private readonly options: GrpcServerOptions<Ext>) {}

  /** Serves `implementation` for a ts-proto service definition, optionally with its own message size limit. */
  add<Service extends TsProtoServiceDefinition>(
    definition: Service,
    implementation: ServiceImplementation<Service, Ext>,
    limits: { readonly maxReceiveMessageSize?: number } = {},
  ): void {
    this.services.add(definition.fullName);
    const handlers = implementation as unknown as Record<string, RegisteredMethod['handler'] | undefined>;
    for (const [key, method] of Object.entries(definition.methods)) {
      const handler = handlers[key];
      if (handler === undefined) continue;
      const { requestType, responseType } = method;
      this.methods.set(`/${definition.fullName}/${method.name}`, {
        maxReceiveMessageSize: limits.maxReceiveMessageSize ?? this.options.maxReceiveMessageSize,
        requestStream: method.requestStream,
        responseStream: method.responseStream,
        decode: (bytes): unknown => requestType.decode(bytes) as unknown,
        encode: (message) =>
          responseType
            .encode(responseType.fromPartial === undefined ? message : responseType.fromPartial(message))
            .finish(),
        handler: handler.bind(implementation),
      });
    }
  }

  /** Listens on `host:port` (0 picks a port), in cleartext HTTP/2 or with TLS; resolves to the port. */
  listen(host: string, port: number, tls?: TlsIdentity): Promise<number> {
    const settings = { maxSessionMemory: 256, settings: { maxHeaderListSize: 64 * 1024 } };
    const server =
      tls === undefined
        ? createServer(settings)
        : createSecureServer({ ...settings, key: tls.key, cert: tls.cert, ALPNProtocols: ['h2'] });
    this.server = server;
    this.freezer.watch(server);
    server.on('session', (session) => {
      this.watch(session);
    });
    server.on('stream', (stream, headers) => {
      void this.serve(stream, headers);
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  }

  /** Stops at once: open calls are cut, the port closes. */
  close(): Promise<void> {
    this.freezer.resume();
    for (const session of this.sessions) session.destroy();
    return new Promise((resolve) => {
      if (this.server === undefined) resolve();
      else
        this.server.close(() => {
          resolve();
        });
    });
  }

  /** Fault control: cuts every connection at the TCP level, as a network failure or a crash does. */
  dropConnections(): void {
    this.freezer.dropAll();
  }

  /** Fault control: stops reading and answering on every connection, old and new, until {@link resume}. */
  freeze(): void {
    this.freezer.freeze();
  }

  /** Ends {@link freeze}: what arrived meanwhile is read and answered. */
  resume(): void {
    this.freezer.resume();
  }

  /** Keepalive: a ping every interval; a connection that does not answer in time is closed (§4). */
  private watch(session: Http2Session): void {
    this.sessions.add(session);
    const timer = setInterval(() => {
      // A frozen node sends nothing; a session may be destroyed before its 'close' event stops this timer.
      if (this.freezer.frozen || session.destroyed) return;
      const deadline = setTimeout(() => {
        session.destroy();
      }, this.options.keepaliveMs).unref();
      session.ping((error) => {
        clearTimeout(deadline);
        if (error !== null) session.destroy();
      });
    }, this.options.keepaliveMs).unref();
    session.once('close', () => {
      clearInterval(timer);
      this.sessions.delete(session);
    });
    session.on('error', () => {
      session.destroy();
    });
  }

  private async serve(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): Promise<void> {
    const call = new ServerCall(stream);
    const path = headers[':path'] ?? '';
    const method = this.methods.get(path);
    if (method === undefined) {
      const service = path.split('/')[1] ?? '';
      call.finish(
        Status.UNIMPLEMENTED,
        this.services.has(service) ? 'Method is unimplemented.' : 'Service is unimplemented.',
      );
      return;
    }
    const timeout = timeoutOf(headers);
    const deadline =
      timeout === undefined
        ? undefined
        : setTimeout(() => {
            call.finish(Status.DEADLINE_EXCEEDED, 'Deadline Exceeded');
          }, timeout);
    const metadata = metadataFromHeaders(headers);
    const context = {
      metadata,
      peer: `${stream.session?.socket.remoteAddress ?? ''}:${stream.session?.socket.remotePort ?? ''}`,
      header: call.header,
      sendHeader: () => {
        call.sendHeader();
      },
      trailer: call.trailer,
      signal: call.signal,
    };
    try {
      const extension = this.options.authenticate(metadata);
      const request = method.requestStream
        ? requestStream(stream, method)
        : await singleRequest(stream, method);
      const result = method.handler(request, { ...context, ...extension });
      if (method.responseStream) {
        for await (const response of result as AsyncIterable<unknown>) {
          if (this.freezer.frozen) await this.freezer.thawed();
          await call.send(method.encode(response));
        }
      } else {
        const response = await result;
        if (this.freezer.frozen) await this.freezer.thawed();
        await call.send(method.encode(response));
      }
      if (this.freezer.frozen) await this.freezer.thawed();
      call.finish(Status.OK, '');
    } catch (error: unknown) {
      if (this.freezer.frozen) await this.freezer.thawed();
      call.fail(error);
    } finally {
      clearTimeout(deadline);
    }
  }
}

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
import { isAbortError } from 'abort-controller-x';
import {
  type CallContext,
  Metadata,
  ServerError,
  type ServiceImplementation,
  Status,
  type TsProtoServiceDefinition,
} from 'nice-grpc';
import { RpcError, rpcErrors } from '../server/rpc-error.js';
import { encodeGrpcMessage, headersFromMetadata, metadataFromHeaders, timeoutOf } from './grpc-metadata.js';
import { frameMessage, MessageReader } from './message-framing.js';
import { RequestQueue } from './request-queue.js';

/** One method as the server dispatches it. */
interface RegisteredMethod {
  readonly maxReceiveMessageSize: number;
  readonly requestStream: boolean;
  readonly responseStream: boolean;
  decode(bytes: Uint8Array): unknown;
  encode(message: unknown): Uint8Array;
  readonly handler: (request: unknown, context: CallContext) => unknown;
}

/** What the server needs to know about the node it fronts. */
export interface GrpcServerOptions<Ext> {
  /** The largest request message a service accepts unless it says otherwise; bigger ones fail with RESOURCE_EXHAUSTED. */
  readonly maxReceiveMessageSize: number;
  /** Interval and timeout of the keepalive pings sent on every connection. */
  readonly keepaliveMs: number;
  /** Runs before every handler: the context extension it returns, or a thrown {@link RpcError}. */
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
 * Handler failures become statuses as the server's do (§3.1): {@link RpcError}s with their keys, anything else
 * UNKNOWN `Exception was thrown by handler.`
 */
export class GrpcServer<Ext> {
  private readonly methods = new Map<string, RegisteredMethod>();
  private readonly services = new Set<string>();
  private readonly sessions = new Set<Http2Session>();
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
    for (const session of this.sessions) session.destroy();
    return new Promise((resolve) => {
      if (this.server === undefined) resolve();
      else
        this.server.close(() => {
          resolve();
        });
    });
  }

  /** Keepalive: a ping every interval; a connection that does not answer in time is closed (§4). */
  private watch(session: Http2Session): void {
    this.sessions.add(session);
    const timer = setInterval(() => {
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
    const call = new Call(stream);
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
        ? this.requestStream(stream, method)
        : await this.singleRequest(stream, method);
      const result = method.handler(request, { ...context, ...extension });
      if (method.responseStream) {
        for await (const response of result as AsyncIterable<unknown>)
          await call.send(method.encode(response));
      } else {
        await call.send(method.encode(await result));
      }
      call.finish(Status.OK, '');
    } catch (error: unknown) {
      call.fail(error);
    } finally {
      clearTimeout(deadline);
    }
  }

  private requestStream(stream: ServerHttp2Stream, method: RegisteredMethod): AsyncIterable<unknown> {
    const reader = new MessageReader(method.maxReceiveMessageSize);
    const queue = new RequestQueue<unknown>(
      () => stream.pause(),
      () => stream.resume(),
    );
    stream.on('data', (chunk: Buffer) => {
      try {
        for (const message of reader.push(chunk)) queue.push(method.decode(message));
      } catch (error: unknown) {
        queue.fail(error);
        stream.pause();
      }
    });
    stream.once('end', () => {
      queue.end();
    });
    return queue;
  }

  private singleRequest(stream: ServerHttp2Stream, method: RegisteredMethod): Promise<unknown> {
    const reader = new MessageReader(method.maxReceiveMessageSize);
    const messages: Buffer[] = [];
    return new Promise((resolve, reject) => {
      stream.on('data', (chunk: Buffer) => {
        try {
          messages.push(...reader.push(chunk));
        } catch (error: unknown) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
      stream.once('end', () => {
        const [message] = messages;
        if (message === undefined || messages.length > 1 || reader.incomplete) {
          reject(new ServerError(Status.INTERNAL, 'Expected exactly one request message'));
        } else {
          try {
            resolve(method.decode(message));
          } catch (error: unknown) {
            reject(new ServerError(Status.INTERNAL, `Error deserializing request: ${String(error)}`));
          }
        }
      });
    });
  }
}

/** One call's response side: headers once, framed messages with flow control, then the status. */
class Call {
  readonly header = Metadata();
  readonly trailer = Metadata();
  private readonly aborter = new AbortController();
  private headersSent = false;
  private finished = false;

  constructor(private readonly stream: ServerHttp2Stream) {
    // A stream that closes before the status went out was cancelled by the client (RST_STREAM) or cut.
    stream.once('close', () => {
      this.finished = true;
      this.aborter.abort();
    });
    stream.on('error', () => undefined);
  }

  get signal(): AbortSignal {
    return this.aborter.signal;
  }

  sendHeader(): void {
    if (this.headersSent || this.finished) return;
    this.headersSent = true;
    this.stream.respond(
      { ':status': 200, 'content-type': 'application/grpc', ...headersFromMetadata(this.header) },
      { waitForTrailers: true },
    );
  }

  /** Writes one encoded message, waiting while the client is not reading. */
  async send(message: Uint8Array): Promise<void> {
    if (this.finished) throw new ServerError(Status.CANCELLED, 'The call was cancelled');
    this.sendHeader();
    if (this.stream.write(frameMessage(message))) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.stream.off('drain', done);
        this.stream.off('close', done);
        resolve();
      };
      this.stream.once('drain', done);
      this.stream.once('close', done);
    });
  }

  /** Ends the call with a handler's failure, as the server signals it (§3.1). */
  fail(error: unknown): void {
    if (error instanceof RpcError) {
      error.applyTo(this.trailer);
      this.finish(error.code, error.details);
    } else if (error instanceof ServerError) {
      this.finish(error.code, error.details);
    } else if (isAbortError(error) || this.finished) {
      this.finish(Status.CANCELLED, 'Cancelled');
    } else {
      const unknown = rpcErrors.exceptionThrownByHandler();
      this.finish(unknown.code, unknown.details);
    }
  }

  /**
   * Sends the status: in trailers after a response, or as a trailers-only response when nothing was sent. What
   * the client still sends after that is read and dropped, so it never stalls on flow control.
   */
  finish(code: Status, details: string): void {
    if (this.finished) return;
    this.finished = true;
    const status = {
      'grpc-status': String(code),
      ...(details === '' ? {} : { 'grpc-message': encodeGrpcMessage(details) }),
      ...headersFromMetadata(this.trailer),
    };
    if (this.headersSent) {
      this.stream.once('wantTrailers', () => {
        this.stream.sendTrailers(status);
      });
      this.stream.end();
    } else if (!this.stream.destroyed) {
      this.stream.respond(
        { ':status': 200, 'content-type': 'application/grpc', ...status },
        { endStream: true },
      );
    }
    this.stream.removeAllListeners('data');
    this.stream.on('data', () => undefined);
    this.aborter.abort();
  }
}

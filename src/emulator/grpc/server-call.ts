import type { ServerHttp2Stream } from 'node:http2';
import { isAbortError } from 'abort-controller-x';
import { Metadata, ServerError, Status } from 'nice-grpc';
import { RpcError, rpcErrors } from '../server/rpc-error.js';
import { encodeGrpcMessage, headersFromMetadata } from './grpc-metadata.js';
import { frameMessage } from './message-framing.js';

/** One call's response side: headers once, framed messages with flow control, then the status. */
export class ServerCall {
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

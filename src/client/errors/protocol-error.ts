/**
 * The error for an answer that breaks the protocol, whoever sent it: a server that is not EventStoreDB, a proxy
 * in between that mangles or replaces the answer, or a bug. Kept apart from the errors a well-behaved server
 * signals (`esdb-errors.ts`).
 */
import { EsdbError, type EsdbErrorOptions } from './esdb-error.js';

/**
 * The answer to a call broke the gRPC or EventStoreDB protocol, so nothing of it can be trusted: a response
 * whose last message was cut short (its length prefix promised more bytes than came before the stream ended),
 * bytes that are not the protobuf message the method returns, a message flagged as compressed without a
 * `grpc-encoding` the client can undo, a stream that ended without a gRPC status, an HTTP answer that is not
 * gRPC (an HTML 404 page, a wrong `content-type`), or a response that lacks what the method must return.
 *
 * It is not transient: the client does not repeat the call on another node, and a subscription does not
 * subscribe again, since the same endpoint would answer the same way. Check that the connection string points
 * at an EventStoreDB gRPC endpoint, and what stands between the client and the server.
 */
export class ProtocolError extends EsdbError {
  override readonly name: string = 'ProtocolError';

  constructor(message: string, options: EsdbErrorOptions = {}) {
    super(`Protocol violation: ${message}`, options);
  }
}

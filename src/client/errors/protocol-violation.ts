/**
 * Which failed calls are protocol violations (§4.1): statuses that grpc-js, or the client's own response checks
 * (`wire/checked-channel.ts`), made up because the answer was not proper gRPC, as opposed to statuses a server
 * sent. They are recognised by their status message, which no EventStoreDB server sends.
 */
import { Status } from 'nice-grpc';
import { ENDED_WITHOUT_STATUS, NOT_GRPC_CONTENT_TYPE, TRUNCATED_MESSAGE } from '../wire/checked-channel.js';
import type { GrpcStatusDetails } from './esdb-error.js';
import { ProtocolError } from './protocol-error.js';

/**
 * The made-up statuses, by the start of their status message (grpc-js 1.14), with what they mean; without a
 * meaning, the status message (the client's own) says it all.
 */
const VIOLATIONS: readonly (readonly [prefix: string, meaning?: string])[] = [
  [TRUNCATED_MESSAGE],
  [NOT_GRPC_CONTENT_TYPE],
  // The message bytes are not the protobuf message of the method (`client-interceptors.ts`).
  ['Response message parsing error', 'a message of the response is not valid protobuf'],
  // The stream ended after its messages without the trailers that carry the status (`subchannel-call.ts`).
  [ENDED_WITHOUT_STATUS, 'the response ended without a status'],
  // A compressed message with an encoding grpc-js cannot undo, or bytes that do not decompress
  // (`compression-filter.ts`); 24.10 never compresses (§4).
  ['Received message compressed with unsupported', 'a message of the response cannot be decompressed'],
  ['Failed to decompress', 'a message of the response cannot be decompressed'],
];

/** An HTTP answer other than 200, which grpc-js reports as `Received HTTP status code N` (`subchannel-call.ts`). */
const HTTP_STATUS = /^Received HTTP status code (\d+)$/;

/**
 * The ProtocolError for a failed call's status, or undefined when the status is not a protocol violation. An
 * HTTP 429, 502, 503 or 504 (grpc-js makes them UNAVAILABLE) is left alone: a proxy in front of a node that is
 * restarting answers so, and the call may succeed later.
 */
export function protocolErrorOf(grpcStatus: GrpcStatusDetails, cause: unknown): ProtocolError | undefined {
  const options = { grpcStatus, cause };
  const http = HTTP_STATUS.exec(grpcStatus.details);
  if (http !== null) {
    if (grpcStatus.code === (Status.UNAVAILABLE as number)) return undefined;
    return new ProtocolError(`the server answered HTTP status ${http[1]}, not gRPC.`, options);
  }
  const violation = VIOLATIONS.find(([prefix]) => grpcStatus.details.startsWith(prefix));
  if (violation === undefined) return undefined;
  const [, meaning] = violation;
  return new ProtocolError(
    meaning === undefined ? `${grpcStatus.details}.` : `${meaning} (${grpcStatus.details}).`,
    options,
  );
}

/**
 * The ProtocolError for a failure grpc-js reports with no status code at all: a message flagged as compressed
 * when the response named no `grpc-encoding` makes grpc-js end the call with an undefined status
 * (`resolving-call.ts`), which nice-grpc passes on as a plain `Error: undefined undefined: undefined`. Undefined
 * for anything else.
 */
export function protocolErrorOfUnknownStatus(error: unknown): ProtocolError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  if (!('code' in error) || !('details' in error) || !('metadata' in error)) return undefined;
  if (typeof error.code === 'number') return undefined;
  return new ProtocolError(
    'the call ended without a gRPC status; a message flagged as compressed in a response that named no ' +
      'grpc-encoding ends a call this way.',
    { cause: error },
  );
}

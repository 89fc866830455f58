/**
 * Two checks of every response that grpc-js (1.14) leaves out, made on the channel so that every call has them:
 *
 * - **A last message cut short.** grpc-js drops the bytes of a length-prefixed message (§4.1) still incomplete
 *   when the response ends, and reports the status the trailers carry: a read whose last message was cut short
 *   would end successfully, with that event silently missing, or a unary call would have no answer. grpc-go and
 *   grpc-java fail such a call; so does this check, with {@link TRUNCATED_MESSAGE} as the status message.
 * - **A response that is not gRPC.** grpc-js does not look at the response's `content-type`; response headers
 *   without `application/grpc` (an HTML page, or none at all) do not come from a gRPC server (§4.1), and the
 *   call fails with {@link NOT_GRPC_CONTENT_TYPE} at once: else a call whose request is still open, such as
 *   BatchAppend, would wait for its deadline.
 *
 * - **A response that ends without trailers**, while the request is still open: see
 *   {@link failWhenEndedWithoutStatus}.
 *
 * The call that failed either way ends with status INTERNAL, which the call pipeline turns into a
 * ProtocolError. grpc-js keeps the partial message in the stream decoder of the HTTP/2 call under the call this
 * channel creates (`@grpc/grpc-js` `src/resolving-call.ts` → `retrying-call.ts` → `load-balancing-call.ts` →
 * `subchannel-call.ts` → `stream-decoder.ts`); the check reads it there, and does nothing when that chain is not
 * found (another grpc-js), which test/client/wire-errors.test.ts would report.
 */
import { EventEmitter } from 'node:events';
import { type Channel, Status } from 'nice-grpc';

/** The status message of a call whose response ended inside a message. */
export const TRUNCATED_MESSAGE =
  'The response ended inside a length-prefixed message: its last message was cut short';

/** The status message of a call whose response ended without trailers, as grpc-js words it. */
export const ENDED_WITHOUT_STATUS = 'Received RST_STREAM with code 0 (Call ended without gRPC status)';

/** The start of the status message of a call whose response has a content-type that is not gRPC's. */
export const NOT_GRPC_CONTENT_TYPE = 'The response is not gRPC: its content-type is';

type ChannelCall = ReturnType<Channel['createCall']>;
type Listener = Parameters<ChannelCall['start']>[1];
type CallStatus = Parameters<Listener['onReceiveStatus']>[0];
/**
 * grpc-js's own status enum, not a dependency of the client's: nice-grpc's enum has the same values, which the
 * rule against mixing enums cannot know.
 */
type CallCode = CallStatus['code'];
// eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment
const OK = Status.OK as number as CallCode;
// eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment
const INTERNAL = Status.INTERNAL as number as CallCode;

/**
 * `channel`, whose calls fail when their response's last message is cut short or the response is not gRPC. The
 * channel itself is changed (nice-grpc's clients take grpc-js's channel class, not any object shaped like it).
 */
export function withResponseChecks(channel: Channel): Channel {
  const createCall = channel.createCall.bind(channel);
  channel.createCall = (...args) => checkedCall(createCall(...args));
  return channel;
}

/** `call`, with the checks in the listener it is started with. */
function checkedCall(call: ChannelCall): ChannelCall {
  const start = call.start.bind(call);
  call.start = (metadata, listener: Listener): void => {
    start(metadata, {
      onReceiveMetadata: (headers) => {
        const contentType = headers.get('content-type')[0];
        if (contentType !== undefined && isGrpcContentType(String(contentType))) {
          failWhenEndedWithoutStatus(call);
          listener.onReceiveMetadata(headers);
        } else {
          call.cancelWithStatus(INTERNAL, `${NOT_GRPC_CONTENT_TYPE} '${String(contentType ?? '')}'`);
        }
      },
      onReceiveMessage: (message) => {
        listener.onReceiveMessage(message);
      },
      onReceiveStatus: (status: CallStatus) => {
        listener.onReceiveStatus(
          status.code === OK && endsInsideMessage(call)
            ? { code: INTERNAL, details: TRUNCATED_MESSAGE, metadata: status.metadata }
            : status,
        );
      },
    });
  };
  return call;
}

/** `application/grpc`, alone or followed by `+format` or `;parameters` (§4.1). */
function isGrpcContentType(contentType: string): boolean {
  const lower = contentType.toLowerCase();
  return lower === 'application/grpc' || /^application\/grpc[+;]/.test(lower);
}

/** The HTTP/2 calls under `call`: one per attempt (grpc-js's private fields; none when not found). */
function http2CallsOf(call: ChannelCall): unknown[] {
  const attempts = field(field(call, 'child'), 'underlyingCalls');
  if (!Array.isArray(attempts)) return [];
  return attempts
    .map((attempt) => field(field(attempt, 'call'), 'child'))
    .filter((item) => item !== undefined);
}

/** Whether one of the call's HTTP/2 attempts ended with bytes of an unfinished message in its decoder. */
function endsInsideMessage(call: ChannelCall): boolean {
  return http2CallsOf(call).some((http2Call) => {
    const readState = field(field(http2Call, 'decoder'), 'readState');
    // 0 is NO_DATA: between messages. Anything else is inside a length prefix or a message.
    return typeof readState === 'number' && readState !== 0;
  });
}

/**
 * Fails `call` when its response ends without trailers. grpc-js notices that only once the request side has
 * ended too, which a call whose requests are still open (BatchAppend) never does before its deadline.
 */
function failWhenEndedWithoutStatus(call: ChannelCall): void {
  for (const http2Call of http2CallsOf(call)) {
    const stream = field(http2Call, 'http2Stream');
    if (!(stream instanceof EventEmitter)) continue;
    stream.once('end', () => {
      // Trailers come before the end of the stream, and set the status at once. An HTTP status other than 200
      // is left to grpc-js, which reports it.
      if (field(http2Call, 'finalStatus') === null && field(http2Call, 'httpStatusCode') === 200) {
        call.cancelWithStatus(INTERNAL, ENDED_WITHOUT_STATUS);
      }
    });
  }
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

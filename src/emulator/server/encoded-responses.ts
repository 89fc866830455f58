/**
 * Lets a handler send a response it has already encoded (see wire/read-event-encoding.ts): nice-grpc encodes
 * what a handler yields through the method's `responseType`, so the emulator registers Read with a response
 * type that passes such bytes through and encodes everything else with the generated codec.
 */

/** A response message that is already protobuf bytes. */
export class EncodedMessage {
  constructor(readonly bytes: Uint8Array) {}
}

export interface MessageCodec<Message, Partial> {
  encode(message: Message): { finish(): Uint8Array };
  decode(input: Uint8Array): Message;
  fromPartial(object: Partial): Message;
}

export interface MethodWithCodec<Message, Partial> {
  readonly responseType: MessageCodec<Message, Partial>;
}

/** The same method, whose handler may also yield {@link EncodedMessage}s. */
export function acceptingEncodedResponses<Message, Partial, Method extends MethodWithCodec<Message, Partial>>(
  method: Method & MethodWithCodec<Message, Partial>,
): Omit<Method, 'responseType'> & {
  readonly responseType: MessageCodec<Message | EncodedMessage, Partial | EncodedMessage>;
} {
  const codec = method.responseType;
  return {
    ...method,
    responseType: {
      encode: (message) =>
        message instanceof EncodedMessage ? { finish: () => message.bytes } : codec.encode(message),
      decode: (input) => codec.decode(input),
      fromPartial: (object) => (object instanceof EncodedMessage ? object : codec.fromPartial(object)),
    },
  };
}

// Helpers for the Streams.Read tests: a raw nice-grpc client on the generated definitions, request builders and
// collectors for response streams (plain reads) and for subscriptions consumed message by message.
import { ClientError, createChannel, createClient, Metadata, type Channel } from 'nice-grpc';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.js';
import {
  type AppendReq,
  type AppendResp,
  type DeepPartial,
  type ReadReq,
  type ReadReq_Options_FilterOptions,
  ReadReq_Options_ReadDirection,
  type ReadResp,
  type ReadResp_ReadEvent,
  type ReadResp_ReadEvent_RecordedEvent,
  StreamsDefinition,
  type StreamsClient,
} from '../../src/generated/streams.js';
import { asyncIterableOf } from '../support/async-iterable.js';

export const UINT64_MAX = 18446744073709551615n;
export const LONG_MAX = 9223372036854775807n;

/** An emulator with an insecure channel and a Streams client on it. */
export interface TestNode {
  readonly emulator: RunningEmulator;
  readonly channel: Channel;
  readonly client: StreamsClient;
}

export async function startNode(options: EmulatorOptions = {}): Promise<TestNode> {
  const emulator = await startEmulator(options);
  const channel = createChannel(`${emulator.host}:${emulator.port}`);
  return { emulator, channel, client: createClient(StreamsDefinition, channel) };
}

export async function stopNode(node: TestNode | undefined): Promise<void> {
  node?.channel.close();
  await node?.emulator.stop();
}

export const uniqueStream = (prefix = 'stream'): string => `${prefix}-${crypto.randomUUID()}`;

/** One event to append; JSON `{}` of type `Happened` unless told otherwise. */
export interface EventSpec {
  readonly type?: string;
  readonly data?: string | Uint8Array;
  readonly id?: string;
  readonly contentType?: string;
  readonly metadata?: string;
}

type ExpectedRevision = Extract<
  NonNullable<DeepPartial<AppendReq>['content']>,
  { $case: 'options' }
>['value'] extends infer O
  ? O extends { expectedStreamRevision?: infer E }
    ? E
    : never
  : never;

/** Appends through the emulator's own Append handler. */
export function append(
  client: StreamsClient,
  stream: string,
  events: readonly EventSpec[] | number,
  expected: ExpectedRevision = { $case: 'any', value: {} },
): Promise<AppendResp> {
  const specs: readonly EventSpec[] =
    typeof events === 'number' ? Array.from({ length: events }, () => ({})) : events;
  const messages: DeepPartial<AppendReq>[] = [
    {
      content: {
        $case: 'options',
        value: { streamIdentifier: { streamName: Buffer.from(stream) }, expectedStreamRevision: expected },
      },
    },
    ...specs.map((spec): DeepPartial<AppendReq> => ({
      content: {
        $case: 'proposedMessage',
        value: {
          id: { value: { $case: 'string', value: spec.id ?? crypto.randomUUID() } },
          metadata: { type: spec.type ?? 'Happened', 'content-type': spec.contentType ?? 'application/json' },
          data: typeof spec.data === 'string' ? Buffer.from(spec.data) : (spec.data ?? Buffer.from('{}')),
          customMetadata: Buffer.from(spec.metadata ?? ''),
        },
      },
    })),
  ];
  return client.append(asyncIterableOf(messages));
}

/** The position of the last event of a successful append. */
export function positionOfAppend(response: AppendResp): bigint {
  if (response.result?.$case !== 'success' || response.result.value.positionOption?.$case !== 'position') {
    throw new Error(
      `the append did not succeed: ${JSON.stringify(response, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`,
    );
  }
  return response.result.value.positionOption.value.commitPosition;
}

type Options = NonNullable<DeepPartial<ReadReq>['options']>;

interface CommonRequest {
  readonly resolveLinks?: boolean;
  readonly uuid?: 'string' | 'structured';
  readonly compatibility?: number;
}

function uuidOption(uuid: 'string' | 'structured' = 'string'): Options['uuidOption'] {
  return { content: { $case: uuid, value: {} } };
}

export type StreamFrom = 'start' | 'end' | bigint;
export type AllFrom = 'start' | 'end' | { readonly commit: bigint; readonly prepare: bigint };

function streamOption(stream: string, from: StreamFrom): Options['streamOption'] {
  return {
    $case: 'stream',
    value: {
      streamIdentifier: { streamName: Buffer.from(stream) },
      revisionOption:
        typeof from === 'bigint' ? { $case: 'revision', value: from } : { $case: from, value: {} },
    },
  };
}

function allOption(from: AllFrom): Options['streamOption'] {
  return {
    $case: 'all',
    value: {
      allOption:
        typeof from === 'string'
          ? { $case: from, value: {} }
          : { $case: 'position', value: { commitPosition: from.commit, preparePosition: from.prepare } },
    },
  };
}

export function streamReadRequest(
  stream: string,
  request: CommonRequest & { from?: StreamFrom; backwards?: boolean; count?: bigint } = {},
): DeepPartial<ReadReq> {
  return {
    options: {
      streamOption: streamOption(stream, request.from ?? 'start'),
      readDirection:
        request.backwards === true
          ? ReadReq_Options_ReadDirection.Backwards
          : ReadReq_Options_ReadDirection.Forwards,
      resolveLinks: request.resolveLinks ?? false,
      countOption: { $case: 'count', value: request.count ?? 1000n },
      filterOption: { $case: 'noFilter', value: {} },
      uuidOption: uuidOption(request.uuid),
      controlOption:
        request.compatibility === undefined ? undefined : { compatibility: request.compatibility },
    },
  };
}

export function allReadRequest(
  request: CommonRequest & {
    from?: AllFrom;
    backwards?: boolean;
    count?: bigint;
    filter?: DeepPartial<ReadReq_Options_FilterOptions>;
  } = {},
): DeepPartial<ReadReq> {
  return {
    options: {
      streamOption: allOption(request.from ?? 'start'),
      readDirection:
        request.backwards === true
          ? ReadReq_Options_ReadDirection.Backwards
          : ReadReq_Options_ReadDirection.Forwards,
      resolveLinks: request.resolveLinks ?? false,
      countOption: { $case: 'count', value: request.count ?? 100_000n },
      filterOption:
        request.filter === undefined
          ? { $case: 'noFilter', value: {} }
          : { $case: 'filter', value: request.filter },
      uuidOption: uuidOption(request.uuid),
    },
  };
}

export function streamSubscriptionRequest(
  stream: string,
  request: CommonRequest & { from?: StreamFrom } = {},
): DeepPartial<ReadReq> {
  return {
    options: {
      streamOption: streamOption(stream, request.from ?? 'start'),
      readDirection: ReadReq_Options_ReadDirection.Forwards,
      resolveLinks: request.resolveLinks ?? false,
      countOption: { $case: 'subscription', value: {} },
      filterOption: { $case: 'noFilter', value: {} },
      uuidOption: uuidOption(request.uuid),
    },
  };
}

export function allSubscriptionRequest(
  request: CommonRequest & { from?: AllFrom; filter?: DeepPartial<ReadReq_Options_FilterOptions> } = {},
): DeepPartial<ReadReq> {
  return {
    options: {
      streamOption: allOption(request.from ?? 'start'),
      readDirection: ReadReq_Options_ReadDirection.Forwards,
      resolveLinks: request.resolveLinks ?? false,
      countOption: { $case: 'subscription', value: {} },
      filterOption:
        request.filter === undefined
          ? { $case: 'noFilter', value: {} }
          : { $case: 'filter', value: request.filter },
      uuidOption: uuidOption(request.uuid),
    },
  };
}

/** Everything a call sent, and how it ended. */
export interface Outcome {
  readonly messages: ReadResp[];
  readonly error: ClientError | undefined;
  readonly trailer: Metadata;
}

/** Runs a read to its end, keeping the messages, the error (if any) and the trailers. */
export async function run(
  client: StreamsClient,
  request: DeepPartial<ReadReq>,
  options: { signal?: AbortSignal } = {},
): Promise<Outcome> {
  const messages: ReadResp[] = [];
  let trailer = Metadata();
  try {
    for await (const message of client.read(request, {
      ...options,
      onTrailer: (received) => {
        trailer = received;
      },
    })) {
      messages.push(message);
    }
    return { messages, error: undefined, trailer };
  } catch (error) {
    if (error instanceof ClientError) return { messages, error, trailer };
    throw error;
  }
}

/** The messages of a read that must succeed. */
export async function readMessages(
  client: StreamsClient,
  request: DeepPartial<ReadReq>,
): Promise<ReadResp[]> {
  const outcome = await run(client, request);
  if (outcome.error !== undefined) throw outcome.error;
  return outcome.messages;
}

/** The `event` messages' ReadEvents, in order; fails on any other kind of message. */
export function readEvents(messages: readonly ReadResp[]): ReadResp_ReadEvent[] {
  return messages.map((message) => {
    if (message.content?.$case !== 'event') throw new Error(`not an event: ${message.content?.$case}`);
    return message.content.value;
  });
}

/** The recorded event of a ReadEvent that must have one. */
export function recorded(event: ReadResp_ReadEvent): ReadResp_ReadEvent_RecordedEvent {
  if (event.event === undefined) throw new Error('the read event has no event');
  return event.event;
}

export function streamOf(event: ReadResp_ReadEvent_RecordedEvent): string {
  return Buffer.from(event.streamIdentifier?.streamName ?? new Uint8Array()).toString('utf8');
}

export function idOf(event: ReadResp_ReadEvent_RecordedEvent): string {
  const value = event.id?.value;
  if (value?.$case !== 'string') throw new Error('the id is not in the string form');
  return value.value;
}

/** The kind of each message, for asserting the shape of a response stream. */
export function kinds(messages: readonly ReadResp[]): string[] {
  return messages.map((message) => message.content?.$case ?? 'none');
}

/** A subscription consumed one message at a time, cancellable. */
export class Subscription {
  private readonly controller = new AbortController();
  private readonly iterator: AsyncIterator<ReadResp>;
  private pending: Promise<IteratorResult<ReadResp>> | undefined;

  constructor(client: StreamsClient, request: DeepPartial<ReadReq>) {
    this.iterator = client.read(request, { signal: this.controller.signal })[Symbol.asyncIterator]();
  }

  /** The next message; fails after `timeoutMs` or if the call ended. */
  async next(timeoutMs = 2000): Promise<ReadResp> {
    const result = await this.nextResult(timeoutMs);
    if (result === 'timeout') throw new Error(`no message within ${timeoutMs} ms`);
    if (result.done === true) throw new Error('the subscription ended');
    return result.value;
  }

  /** The next `count` messages. */
  async take(count: number, timeoutMs = 2000): Promise<ReadResp[]> {
    const messages: ReadResp[] = [];
    for (let i = 0; i < count; i += 1) messages.push(await this.next(timeoutMs));
    return messages;
  }

  /** Resolves if nothing arrives within `ms`; fails if something does. */
  async expectQuiet(ms = 150): Promise<void> {
    const result = await this.nextResult(ms);
    if (result !== 'timeout') throw new Error(`expected nothing, got ${JSON.stringify(kindOf(result))}`);
  }

  /** The error that ends the call (within `timeoutMs`). */
  async failure(timeoutMs = 2000): Promise<ClientError> {
    try {
      const result = await this.nextResult(timeoutMs);
      throw new Error(
        `expected an error, got ${JSON.stringify(result === 'timeout' ? 'timeout' : kindOf(result))}`,
      );
    } catch (error) {
      if (error instanceof ClientError) return error;
      throw error;
    }
  }

  cancel(): void {
    this.controller.abort();
  }

  private async nextResult(timeoutMs: number): Promise<IteratorResult<ReadResp> | 'timeout'> {
    this.pending ??= this.iterator.next();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => {
        resolve('timeout');
      }, timeoutMs);
    });
    try {
      const result = await Promise.race([this.pending, timeout]);
      if (result !== 'timeout') this.pending = undefined;
      return result;
    } catch (error) {
      this.pending = undefined;
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}

function kindOf(result: IteratorResult<ReadResp>): string {
  return result.done === true ? 'end' : (result.value.content?.$case ?? 'none');
}

/** Polls `condition` until it holds or `timeoutMs` passes. */
export async function eventually(condition: () => boolean, timeoutMs = 2000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

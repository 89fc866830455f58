// Helpers for the PersistentSubscriptions tests: raw nice-grpc clients on the generated definitions, request
// builders, a consumer that reads a Read call message by message, and a collector for failed calls' trailers.
import { isAbortError } from 'abort-controller-x';
import { ClientError, createChannel, createClient, Metadata, Status, type Channel } from 'nice-grpc';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.js';
import {
  type CreateReq,
  CreateReq_ConsumerStrategy,
  type CreateReq_Settings,
  type DeepPartial,
  PersistentSubscriptionsDefinition,
  type PersistentSubscriptionsClient,
  type ReadReq,
  ReadReq_Nack_Action,
  type ReadResp,
  type ReadResp_ReadEvent,
  type ReadResp_ReadEvent_RecordedEvent,
  UpdateReq_ConsumerStrategy,
  type UpdateReq_Settings,
} from '../../src/generated/persistent.js';
import {
  type AppendReq,
  ReadReq_Options_ReadDirection,
  type ReadResp as StreamsReadResp,
  type ReadResp_ReadEvent_RecordedEvent as StreamsRecordedEvent,
  StreamsDefinition,
  type StreamsClient,
} from '../../src/generated/streams.js';
import { asyncIterableOf } from '../support/async-iterable.js';

export const UINT64_MAX = 18446744073709551615n;

/** An insecure emulator with clients for Streams and PersistentSubscriptions. */
export interface PersistentTestNode {
  readonly emulator: RunningEmulator;
  readonly channel: Channel;
  readonly streams: StreamsClient;
  readonly persistent: PersistentSubscriptionsClient;
}

export async function startPersistentNode(options: EmulatorOptions = {}): Promise<PersistentTestNode> {
  const emulator = await startEmulator(options);
  const channel = createChannel(`${emulator.host}:${emulator.port}`);
  return {
    emulator,
    channel,
    streams: createClient(StreamsDefinition, channel),
    persistent: createClient(PersistentSubscriptionsDefinition, channel),
  };
}

export async function stopPersistentNode(node: PersistentTestNode | undefined): Promise<void> {
  node?.channel.close();
  await node?.emulator.stop();
}

export const uniqueName = (prefix: string): string => `${prefix}-${crypto.randomUUID()}`;

export const identifier = (stream: string) => ({ streamName: Buffer.from(stream) });

/** What an append wrote: ids in order, and the position of each event as `$all` reads report it. */
export interface Appended {
  readonly ids: string[];
  readonly lastPosition: bigint;
}

/** Appends `count` JSON events (or the given types) with expected `any`. */
export async function appendEvents(
  streams: StreamsClient,
  stream: string,
  count: number,
  options: { readonly type?: string; readonly metadata?: string } = {},
): Promise<Appended> {
  const ids = Array.from({ length: count }, () => crypto.randomUUID());
  const messages: DeepPartial<AppendReq>[] = [
    {
      content: {
        $case: 'options',
        value: { streamIdentifier: identifier(stream), expectedStreamRevision: { $case: 'any', value: {} } },
      },
    },
    ...ids.map((id, index): DeepPartial<AppendReq> => ({
      content: {
        $case: 'proposedMessage',
        value: {
          id: { value: { $case: 'string', value: id } },
          metadata: { type: options.type ?? 'Happened', 'content-type': 'application/json' },
          data: Buffer.from(JSON.stringify({ index })),
          customMetadata: Buffer.from(options.metadata ?? ''),
        },
      },
    })),
  ];
  const response = await streams.append(asyncIterableOf(messages));
  if (response.result?.$case !== 'success') throw new Error('append failed');
  const position = response.result.value.positionOption;
  return { ids, lastPosition: position?.$case === 'position' ? position.value.commitPosition : -1n };
}

/** Reads a whole stream forwards; undefined when it is not found. */
export async function readStream(
  streams: StreamsClient,
  stream: string,
): Promise<StreamsRecordedEvent[] | undefined> {
  const events: StreamsRecordedEvent[] = [];
  const responses: StreamsReadResp[] = [];
  for await (const response of streams.read({
    options: {
      streamOption: {
        $case: 'stream',
        value: { streamIdentifier: identifier(stream), revisionOption: { $case: 'start', value: {} } },
      },
      readDirection: ReadReq_Options_ReadDirection.Forwards,
      resolveLinks: false,
      countOption: { $case: 'count', value: 1000n },
      filterOption: { $case: 'noFilter', value: {} },
      uuidOption: { content: { $case: 'string', value: {} } },
    },
  })) {
    responses.push(response);
  }
  if (responses.some((response) => response.content?.$case === 'streamNotFound')) return undefined;
  for (const response of responses) {
    if (response.content?.$case === 'event' && response.content.value.event !== undefined) {
      events.push(response.content.value.event);
    }
  }
  return events;
}

/** The defaults the official Node client sends (§3.14 table), which tests override field by field. */
export function nodeDefaults(
  overrides: DeepPartial<CreateReq_Settings> = {},
): DeepPartial<CreateReq_Settings> {
  return {
    resolveLinks: false,
    extraStatistics: false,
    maxRetryCount: 10,
    minCheckpointCount: 10,
    maxCheckpointCount: 1000,
    maxSubscriberCount: 0,
    liveBufferSize: 500,
    readBatchSize: 20,
    historyBufferSize: 500,
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- NODE sends the enum (§3.14)
    namedConsumerStrategy: CreateReq_ConsumerStrategy.RoundRobin,
    messageTimeout: { $case: 'messageTimeoutMs', value: 30_000 },
    checkpointAfter: { $case: 'checkpointAfterMs', value: 2_000 },
    ...overrides,
  };
}

/** The deprecated enum strategy (13), which NODE and NET still send (§3.14). */
export function enumStrategy(value: CreateReq_ConsumerStrategy): DeepPartial<CreateReq_Settings> {
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- the shape the official clients send
  return { namedConsumerStrategy: value };
}

/** A CreateReq in the legacy shape NODE 1.3.1 sends: no stream_option, start in settings.revision (§3.14). */
export function legacyCreate(
  stream: string,
  group: string,
  revision: bigint,
  settings: DeepPartial<CreateReq_Settings> = nodeDefaults(),
): DeepPartial<CreateReq> {
  /* eslint-disable @typescript-eslint/no-deprecated -- the legacy shape under test */
  return {
    options: { streamIdentifier: identifier(stream), groupName: group, settings: { ...settings, revision } },
  };
  /* eslint-enable @typescript-eslint/no-deprecated */
}

/** UpdateReq settings with the NODE defaults; an update can only name an enum strategy (§3.14 Update). */
export function updateDefaults(
  overrides: DeepPartial<UpdateReq_Settings> = {},
  strategy: UpdateReq_ConsumerStrategy = UpdateReq_ConsumerStrategy.RoundRobin,
): DeepPartial<UpdateReq_Settings> {
  return {
    resolveLinks: false,
    extraStatistics: false,
    maxRetryCount: 10,
    minCheckpointCount: 10,
    maxCheckpointCount: 1000,
    maxSubscriberCount: 0,
    liveBufferSize: 500,
    readBatchSize: 20,
    historyBufferSize: 500,
    namedConsumerStrategy: strategy,
    messageTimeout: { $case: 'messageTimeoutMs', value: 30_000 },
    checkpointAfter: { $case: 'checkpointAfterMs', value: 2_000 },
    ...overrides,
  };
}

export type StreamStart = { $case: 'start' } | { $case: 'end' } | { $case: 'revision'; value: bigint };

/** A CreateReq in the current shape for a stream group. */
export function streamCreate(
  stream: string,
  group: string,
  start: StreamStart,
  settings: DeepPartial<CreateReq_Settings> = nodeDefaults(),
): DeepPartial<CreateReq> {
  const revisionOption =
    start.$case === 'revision'
      ? { $case: 'revision' as const, value: start.value }
      : { $case: start.$case, value: {} };
  return {
    options: {
      streamOption: { $case: 'stream', value: { streamIdentifier: identifier(stream), revisionOption } },
      groupName: group,
      settings,
    },
  };
}

const TRANSPORT_KEYS = new Set(['content-type', 'date']);

function serverKeys(trailer: Metadata | undefined): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const [key, value] of trailer ?? []) {
    // Trailers-only responses also carry the transport's own headers; keep the server's error keys.
    if (!key.startsWith('grpc-') && !TRANSPORT_KEYS.has(key)) keys[key] = String(value);
  }
  return keys;
}

/** A unary call's failure together with the server's trailer keys. */
export async function failure(
  call: (onTrailer: (trailer: Metadata) => void) => Promise<unknown>,
): Promise<{ error: ClientError; trailer: Record<string, string> }> {
  let trailer: Metadata | undefined;
  try {
    await call((received) => (trailer = received));
  } catch (error) {
    if (!(error instanceof ClientError)) throw error;
    return { error, trailer: serverKeys(trailer) };
  }
  throw new Error('the call succeeded');
}

/** How a Read call ended. */
export type ReadEnd =
  | { readonly kind: 'ok' }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'error'; readonly error: ClientError; readonly trailer: Record<string, string> };

/** A Read call consumed message by message. */
export class Consumer {
  private readonly received: ReadResp[] = [];
  private readonly requests: ReadReq[] = [];
  private waiters: (() => void)[] = [];
  private requestWaker: (() => void) | undefined;
  private requestsClosed = false;
  private readonly controller = new AbortController();
  private trailer: Metadata | undefined;
  private endResult: ReadEnd | undefined;
  readonly ended: Promise<ReadEnd>;

  constructor(
    client: PersistentSubscriptionsClient,
    first: DeepPartial<ReadReq> | undefined,
    metadata?: Metadata,
  ) {
    if (first !== undefined) this.requests.push(first as ReadReq);
    const responses = client.read(this.requestStream(), {
      signal: this.controller.signal,
      metadata,
      onTrailer: (trailer) => (this.trailer = trailer),
    });
    this.ended = (async (): Promise<ReadEnd> => {
      try {
        for await (const response of responses) {
          this.received.push(response);
          this.wakeAll();
        }
        this.endResult = { kind: 'ok' };
      } catch (error) {
        if (isAbortError(error)) this.endResult = { kind: 'cancelled' };
        else if (error instanceof ClientError)
          this.endResult = { kind: 'error', error, trailer: serverKeys(this.trailer) };
        else throw error;
      }
      this.wakeAll();
      return this.endResult;
    })();
    this.ended.catch(() => undefined);
  }

  /** Everything received so far. */
  get messages(): readonly ReadResp[] {
    return this.received;
  }

  /** The `ReadEvent`s received so far. */
  get events(): ReadResp_ReadEvent[] {
    return this.received.flatMap((response) =>
      response.content?.$case === 'event' ? [response.content.value] : [],
    );
  }

  /** Waits until `count` messages (confirmation included) have arrived, or fails after `timeoutMs`. */
  async waitForMessages(count: number, timeoutMs = 3000): Promise<readonly ReadResp[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (this.endResult !== undefined) {
        throw new Error(
          `the call ended (${JSON.stringify(this.endResult.kind)}) after ${this.received.length} messages`,
        );
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`only ${this.received.length} of ${count} messages arrived`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.received;
  }

  /** Waits for `count` events after the confirmation and returns them. */
  async waitForEvents(count: number, timeoutMs = 3000): Promise<ReadResp_ReadEvent[]> {
    await this.waitForMessages(count + 1, timeoutMs);
    return this.events.slice(0, count);
  }

  /** Checks that nothing more arrives within `ms`. */
  async expectQuiet(ms: number): Promise<void> {
    const before = this.received.length;
    await new Promise((resolve) => setTimeout(resolve, ms));
    expect(this.received.length).toBe(before);
  }

  ack(ids: readonly string[]): void {
    this.send({ content: { $case: 'ack', value: { id: new Uint8Array(0), ids: ids.map(stringUuid) } } });
  }

  nack(ids: readonly string[], action: ReadReq_Nack_Action, reason = ''): void {
    this.send({
      content: { $case: 'nack', value: { id: new Uint8Array(0), ids: ids.map(stringUuid), action, reason } },
    });
  }

  send(request: DeepPartial<ReadReq>): void {
    this.requests.push(request as ReadReq);
    this.requestWaker?.();
  }

  /** Half-closes the request stream. */
  closeRequests(): void {
    this.requestsClosed = true;
    this.requestWaker?.();
  }

  cancel(): void {
    this.controller.abort();
  }

  private wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private async *requestStream(): AsyncGenerator<ReadReq> {
    for (;;) {
      const next = this.requests.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      if (this.requestsClosed || this.controller.signal.aborted) return;
      await new Promise<void>((resolve) => {
        this.requestWaker = () => {
          this.requestWaker = undefined;
          resolve();
        };
      });
    }
  }
}

/** The options message of a Read; string UUIDs and a buffer of 10 unless told otherwise. */
export function readOptions(
  source: string,
  group: string,
  options: { readonly bufferSize?: number; readonly uuid?: 'string' | 'structured' } = {},
): DeepPartial<ReadReq> {
  return {
    content: {
      $case: 'options',
      value: {
        streamOption:
          source === '$all'
            ? { $case: 'all', value: {} }
            : { $case: 'streamIdentifier', value: identifier(source) },
        groupName: group,
        bufferSize: options.bufferSize ?? 10,
        uuidOption: { content: { $case: options.uuid ?? 'string', value: {} } },
      },
    },
  };
}

/** Opens a Read and waits for its confirmation. */
export async function connect(
  client: PersistentSubscriptionsClient,
  source: string,
  group: string,
  options: {
    readonly bufferSize?: number;
    readonly uuid?: 'string' | 'structured';
    readonly metadata?: Metadata;
  } = {},
): Promise<Consumer> {
  const consumer = new Consumer(client, readOptions(source, group, options), options.metadata);
  await consumer.waitForMessages(1);
  return consumer;
}

function stringUuid(id: string) {
  return { value: { $case: 'string' as const, value: id } };
}

/** The id clients acknowledge: the link's when there is one (§3.14 step 4). */
export function ackIdOf(event: ReadResp_ReadEvent): string {
  const recorded = event.link ?? event.event;
  const id = recorded?.id?.value;
  if (id?.$case !== 'string') throw new Error('expected a string id');
  return id.value;
}

export function stringIdOf(
  recorded: ReadResp_ReadEvent_RecordedEvent | StreamsRecordedEvent | undefined,
): string {
  const id = recorded?.id?.value;
  if (id?.$case !== 'string') throw new Error('expected a string id');
  return id.value;
}

export function retryCountOf(event: ReadResp_ReadEvent): number | undefined {
  return event.count?.$case === 'retryCount' ? event.count.value : undefined;
}

export function streamNameOf(
  recorded: ReadResp_ReadEvent_RecordedEvent | StreamsRecordedEvent | undefined,
): string {
  return Buffer.from(recorded?.streamIdentifier?.streamName ?? new Uint8Array(0)).toString('utf8');
}

export { CreateReq_ConsumerStrategy, ReadReq_Nack_Action, Status, UpdateReq_ConsumerStrategy };

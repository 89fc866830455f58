// The parts the subscriptions are made of, without a server: ack batching (count, time, action changes,
// flush, discard), the request queue of a bidirectional call, resumable iteration, and the request messages
// (Create settings and start points, Read options, acks and nacks).
import { AckBatcher } from '../../src/client/subscriptions/ack-batcher.js';
import { ResumableEvents } from '../../src/client/subscriptions/resumable-events.js';
import { RequestQueue } from '../../src/client/calls/request-queue.js';
import { DEFAULT_SUBSCRIPTION_SETTINGS } from '../../src/client/subscriptions/subscription-settings.js';
import { createAllSubscriptionRequest } from '../../src/client/wire/persistent-create-requests.js';
import {
  acknowledgementMessage,
  persistentReadOptionsMessage,
} from '../../src/client/wire/persistent-requests.js';
import { CreateReq, ReadReq, ReadReq_Nack_Action } from '../../src/generated/persistent.js';

describe('AckBatcher', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  const batcher = (maxBatchSize = 3, maxDelay = 50) => {
    const sent: [string, string[]][] = [];
    const ackBatcher = new AckBatcher((action, ids) => sent.push([action, [...ids]]), {
      maxBatchSize,
      maxDelay,
    });
    return { ackBatcher, sent };
  };

  test('a full batch is sent at once', () => {
    const { ackBatcher, sent } = batcher(3);
    ackBatcher.add('ack', 'a');
    ackBatcher.add('ack', 'b');
    expect(sent).toEqual([]);
    ackBatcher.add('ack', 'c');
    expect(sent).toEqual([['ack', ['a', 'b', 'c']]]);
    expect(ackBatcher.pending).toBe(0);
  });

  test('a batch is sent maxDelay after its first id', () => {
    const { ackBatcher, sent } = batcher(100, 50);
    ackBatcher.add('ack', 'a');
    jest.advanceTimersByTime(30);
    ackBatcher.add('ack', 'b');
    jest.advanceTimersByTime(19);
    expect(sent).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(sent).toEqual([['ack', ['a', 'b']]]);
    // The next batch gets a timer of its own.
    ackBatcher.add('ack', 'c');
    jest.advanceTimersByTime(50);
    expect(sent).toEqual([
      ['ack', ['a', 'b']],
      ['ack', ['c']],
    ]);
  });

  test('a change of action sends the batch so far, keeping the order of decisions', () => {
    const { ackBatcher, sent } = batcher(100);
    ackBatcher.add('ack', 'a');
    ackBatcher.add('retry', 'b');
    ackBatcher.add('retry', 'c');
    ackBatcher.add('park', 'd');
    ackBatcher.add('ack', 'e');
    ackBatcher.flush();
    expect(sent).toEqual([
      ['ack', ['a']],
      ['retry', ['b', 'c']],
      ['park', ['d']],
      ['ack', ['e']],
    ]);
  });

  test('flush sends what waits and stops the timer; discard drops it', () => {
    const { ackBatcher, sent } = batcher(100);
    ackBatcher.flush();
    expect(sent).toEqual([]);
    ackBatcher.add('skip', 'a');
    ackBatcher.flush();
    expect(sent).toEqual([['skip', ['a']]]);
    ackBatcher.add('ack', 'b');
    ackBatcher.discard();
    jest.advanceTimersByTime(1_000);
    expect(sent).toEqual([['skip', ['a']]]);
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('RequestQueue', () => {
  test('yields the first message, then pushed ones, waiting for them; end() finishes after the queue', async () => {
    const queue = new RequestQueue('options');
    queue.push('ack-1');
    const iterator = queue[Symbol.asyncIterator]();
    await expect(iterator.next()).resolves.toEqual({ done: false, value: 'options' });
    await expect(iterator.next()).resolves.toEqual({ done: false, value: 'ack-1' });
    const waiting = iterator.next();
    queue.push('ack-2');
    await expect(waiting).resolves.toEqual({ done: false, value: 'ack-2' });
    queue.push('ack-3');
    queue.end();
    queue.push('ignored');
    expect(queue.ended).toBe(true);
    await expect(iterator.next()).resolves.toEqual({ done: false, value: 'ack-3' });
    await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
  });

  test('end() releases a waiting pull; return() drops what is queued', async () => {
    const queue = new RequestQueue('options');
    const iterator = queue[Symbol.asyncIterator]();
    await iterator.next();
    const waiting = iterator.next();
    queue.end();
    await expect(waiting).resolves.toEqual({ done: true, value: undefined });
    const other = new RequestQueue('first');
    other.push('second');
    const otherIterator = other[Symbol.asyncIterator]();
    await otherIterator.return?.();
    await expect(otherIterator.next()).resolves.toEqual({ done: true, value: undefined });
  });
});

describe('ResumableEvents', () => {
  test('starts on the first next(); a loop that breaks leaves the rest for the next loop', async () => {
    let starts = 0;
    let finished = false;
    const events = new ResumableEvents(async function* () {
      starts += 1;
      try {
        for (let value = 1; ; value += 1) yield await Promise.resolve(value);
      } finally {
        finished = true;
      }
    });
    expect(events.started).toBe(false);
    const first: number[] = [];
    for await (const value of events) {
      first.push(value);
      if (value === 2) break;
    }
    const second: number[] = [];
    for await (const value of events) {
      second.push(value);
      if (value === 4) break;
    }
    expect([first, second, starts, finished]).toEqual([[1, 2], [3, 4], 1, false]);
    await events.end();
    expect(finished).toBe(true);
    await expect(events.next()).resolves.toEqual({ done: true, value: undefined });
  });

  test('an error ends the events; end() without a start does nothing', async () => {
    const failing = new ResumableEvents(async function* () {
      yield await Promise.resolve(1);
      throw new Error('broken');
    });
    await expect(failing.next()).resolves.toEqual({ done: false, value: 1 });
    await expect(failing.next()).rejects.toThrow('broken');
    await expect(failing.next()).resolves.toEqual({ done: true, value: undefined });
    const unused = new ResumableEvents<number>(() => {
      throw new Error('must not start');
    });
    await unused.end();
    expect(unused.started).toBe(false);
  });
});

describe('persistent request messages', () => {
  test('Create: a group on $all with PY settings, the start and the filter', () => {
    const request = createAllSubscriptionRequest({
      groupName: 'g1',
      start: { kind: 'position', commitPosition: 1234n, preparePosition: 1234n },
      filter: { regex: '^(?!(?:\\$.*)$)', byStreamName: false },
      settings: DEFAULT_SUBSCRIPTION_SETTINGS,
    });
    // Through the codec, as it goes on the wire.
    const decoded = CreateReq.decode(CreateReq.encode(request).finish());
    const options = decoded.options;
    expect(options?.groupName).toBe('g1');
    expect(options?.streamOption?.$case).toBe('all');
    const all = options?.streamOption?.$case === 'all' ? options.streamOption.value : undefined;
    expect(all?.allOption).toEqual({
      $case: 'position',
      value: { commitPosition: 1234n, preparePosition: 1234n },
    });
    expect(all?.filterOption).toEqual({
      $case: 'filter',
      value: {
        filter: { $case: 'eventType', value: { regex: '^(?!(?:\\$.*)$)', prefix: [] } },
        window: { $case: 'count', value: {} },
        checkpointIntervalMultiplier: 1,
      },
    });
    expect(options?.settings).toMatchObject({
      resolveLinks: false,
      extraStatistics: false,
      maxRetryCount: 10,
      minCheckpointCount: 10,
      maxCheckpointCount: 1_000,
      maxSubscriberCount: 5,
      liveBufferSize: 500,
      readBatchSize: 200,
      historyBufferSize: 500,
      messageTimeout: { $case: 'messageTimeoutMs', value: 30_000 },
      checkpointAfter: { $case: 'checkpointAfterMs', value: 2_000 },
      consumerStrategy: 'DispatchToSingle',
    });
    const fromEnd = createAllSubscriptionRequest({
      groupName: 'g2',
      start: { kind: 'end' },
      filter: undefined,
      settings: DEFAULT_SUBSCRIPTION_SETTINGS,
    });
    const endOptions = fromEnd.options?.streamOption;
    expect(endOptions?.$case === 'all' ? endOptions.value : undefined).toEqual({
      allOption: { $case: 'end', value: {} },
      filterOption: { $case: 'noFilter', value: {} },
    });
  });

  test('Read: options name $all, the group, the buffer size and string ids; acks and nacks carry ids', () => {
    const options = ReadReq.decode(ReadReq.encode(persistentReadOptionsMessage('$all', 'g1', 150)).finish());
    expect(options.content).toEqual({
      $case: 'options',
      value: {
        streamOption: { $case: 'all', value: {} },
        groupName: 'g1',
        bufferSize: 150,
        uuidOption: { content: { $case: 'string', value: {} } },
      },
    });
    const ids = ['00112233-4455-6677-8899-aabbccddeeff', 'ffeeddcc-bbaa-4988-8776-655443322110'];
    const ack = ReadReq.decode(ReadReq.encode(acknowledgementMessage('ack', ids)).finish());
    expect(ack.content).toEqual({
      $case: 'ack',
      value: { id: new Uint8Array(0), ids: ids.map((id) => ({ value: { $case: 'string', value: id } })) },
    });
    const actions = {
      retry: ReadReq_Nack_Action.Retry,
      park: ReadReq_Nack_Action.Park,
      skip: ReadReq_Nack_Action.Skip,
      stop: ReadReq_Nack_Action.Stop,
    } as const;
    for (const [action, wire] of Object.entries(actions)) {
      const nack = ReadReq.decode(
        ReadReq.encode(acknowledgementMessage(action as keyof typeof actions, ids.slice(0, 1))).finish(),
      );
      expect(nack.content?.$case === 'nack' ? nack.content.value.action : undefined).toBe(wire);
    }
  });
});

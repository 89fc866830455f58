// Bad input is rejected with a TypeError or RangeError naming the argument, before anything is sent: the
// scripted server must see no call at all.
import { NewEvent } from '../../src/client/index.js';
import { useRefusingClient } from './support/refusing-client.js';
import { utf8 } from './support/target.js';

const client = useRefusingClient();

const good = new NewEvent({ type: 'T', data: utf8('x') });
type Args = Record<string, unknown>;
const append = (options: Args): Promise<bigint> =>
  client().appendEvents({
    streamName: 's',
    expectedPosition: -1,
    events: [good],
    ...options,
  });

describe('appendEvents', () => {
  test.each<[string, Args, ErrorConstructor, RegExp]>([
    ['empty stream name', { streamName: '' }, TypeError, /appendEvents: streamName must not be empty/],
    ['non-string stream name', { streamName: 1 }, TypeError, /streamName must be a string/],
    ['missing expected position', { expectedPosition: undefined }, TypeError, /expectedPosition is required/],
    [
      'fractional expected position',
      { expectedPosition: 1.5 },
      TypeError,
      /expectedPosition must be an integer/,
    ],
    [
      'unsafe expected position',
      { expectedPosition: 2 ** 53 },
      RangeError,
      /expectedPosition is not a safe integer/,
    ],
    [
      'string expected position',
      { expectedPosition: '1' },
      TypeError,
      /expectedPosition must be a number or a bigint/,
    ],
    [
      'huge expected position',
      { expectedPosition: 2n ** 64n },
      RangeError,
      /expectedPosition must be at most/,
    ],
    ['events not an array', { events: good }, TypeError, /events must be an array/],
    ['no events', { events: [] }, RangeError, /events must hold at least one event/],
    ['a non-event', { events: [good, 42] }, TypeError, /events\[1\] must be a NewEvent/],
    // eslint-disable-next-line no-sparse-arrays -- the hole is the case under test
    ['a hole in the events', { events: [good, , good] }, TypeError, /events\[1\] must be a NewEvent/],
    ['only holes', { events: new Array(2) }, TypeError, /events\[0\] must be a NewEvent/],
    [
      'an event with string data',
      { events: [{ type: 'T', data: 'x' }] },
      TypeError,
      /events\[0\]: NewEvent: data must be a Uint8Array/,
    ],
    [
      'an event with a bad id',
      { events: [{ type: 'T', data: utf8('x'), id: 'nope' }] },
      TypeError,
      /events\[0\]: NewEvent: id must be a UUID/,
    ],
    ['a negative timeout', { timeout: -5 }, RangeError, /appendEvents: timeout must be positive/],
    ['a string timeout', { timeout: '5' }, TypeError, /timeout must be a number/],
    ['a non-signal', { signal: {} }, TypeError, /signal must be an AbortSignal/],
    [
      'an unknown option',
      { expectedVersion: 1 },
      TypeError,
      /appendEvents: unknown option 'expectedVersion'/,
    ],
  ])('%s', async (_, options, errorType, message) => {
    const error = await append(options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(errorType);
    expect(String(error)).toMatch(message);
  });

  test('options must be an object', async () => {
    await expect(client().appendEvents(undefined as never)).rejects.toThrow(
      /appendEvents: the options must be an object/,
    );
  });
});

describe('reads', () => {
  test.each<[string, () => unknown, ErrorConstructor, RegExp]>([
    [
      'missing options',
      () => client().readStreamEvents(undefined as never),
      TypeError,
      /readStreamEvents: the options must be an object/,
    ],
    [
      'empty stream name',
      () => client().readStreamEvents({ streamName: '' }),
      TypeError,
      /readStreamEvents: streamName must not be empty/,
    ],
    [
      'negative position',
      () => client().readStreamEvents({ streamName: 's', position: -1 }),
      RangeError,
      /position must not be negative/,
    ],
    [
      'fractional position',
      () => client().readStreamEvents({ streamName: 's', position: 0.5 }),
      TypeError,
      /position must be an integer/,
    ],
    [
      'unsafe position',
      () => client().readStreamEvents({ streamName: 's', position: 2 ** 60 }),
      RangeError,
      /position is not a safe integer/,
    ],
    [
      'negative limit',
      () => client().readStreamEvents({ streamName: 's', limit: -1 }),
      RangeError,
      /readStreamEvents: limit must not be negative/,
    ],
    [
      'NaN limit',
      () => client().readStreamEvents({ streamName: 's', limit: Number.NaN }),
      TypeError,
      /limit must be an integer/,
    ],
    [
      'non-boolean backwards',
      () => client().readStreamEvents({ streamName: 's', backwards: 'yes' as never }),
      TypeError,
      /backwards must be a boolean/,
    ],
    [
      'non-boolean resolveLinks',
      () => client().readStreamEvents({ streamName: 's', resolveLinks: 1 as never }),
      TypeError,
      /readStreamEvents: resolveLinks must be a boolean/,
    ],
    [
      'unknown option',
      () => client().readStreamEvents({ streamName: 's', commitPosition: 1 } as never),
      TypeError,
      /unknown option 'commitPosition'/,
    ],
    [
      'zero timeout',
      () => client().readStreamEvents({ streamName: 's', timeout: 0 }),
      RangeError,
      /timeout must be positive/,
    ],
    [
      'negative commit position',
      () => client().readAllEvents({ commitPosition: -1n }),
      RangeError,
      /readAllEvents: commitPosition must not be negative/,
    ],
    [
      'a string filter',
      () => client().readAllEvents({ filterExclude: '\\$.*' as never }),
      TypeError,
      /filterExclude must be an array/,
    ],
    [
      'a non-string pattern',
      () => client().readAllEvents({ filterInclude: ['A', 1] as never }),
      TypeError,
      /filterInclude\[1\] must be a string/,
    ],
    [
      'an empty pattern',
      () => client().readAllEvents({ filterInclude: [''] }),
      TypeError,
      /filterInclude\[0\] must not be empty/,
    ],
    [
      'non-boolean filterByStreamName',
      () => client().readAllEvents({ filterByStreamName: 'yes' as never }),
      TypeError,
      /readAllEvents: filterByStreamName must be a boolean/,
    ],
    [
      'non-boolean resolveLinks on $all',
      () => client().readAllEvents({ resolveLinks: null as never }),
      TypeError,
      /readAllEvents: resolveLinks must be a boolean/,
    ],
    [
      'unknown option',
      () => client().readAllEvents({ position: 1 } as never),
      TypeError,
      /readAllEvents: unknown option 'position'/,
    ],
    [
      'options not an object',
      () => client().readAllEvents(5 as never),
      TypeError,
      /readAllEvents: the options must be an object/,
    ],
  ])('%s throws at once', (_, call, errorType, message) => {
    expect(call).toThrow(errorType);
    expect(call).toThrow(message);
  });

  test('a read is only sent when iterated', () => {
    client().readStreamEvents({ streamName: 's' });
    client().readAllEvents();
  });
});

describe('positions', () => {
  test.each<[string, () => Promise<unknown>, ErrorConstructor, RegExp]>([
    [
      'missing stream name',
      () => client().getStreamPosition({} as never),
      TypeError,
      /getStreamPosition: streamName must be a string/,
    ],
    [
      'unknown option',
      () => client().getStreamPosition({ streamName: 's', limit: 1 } as never),
      TypeError,
      /unknown option 'limit'/,
    ],
    [
      'bad filter',
      () => client().getCommitPosition({ filterExclude: [3] as never }),
      TypeError,
      /getCommitPosition: filterExclude\[0\] must be a string/,
    ],
    [
      'unknown option',
      () => client().getCommitPosition({ filterInclude: [] } as never),
      TypeError,
      /unknown option 'filterInclude'/,
    ],
  ])('%s', async (_, call, errorType, message) => {
    const error = await call().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(errorType);
    expect(String(error)).toMatch(message);
  });
});

// The server reads positions and revisions as signed 64-bit numbers (docs/protocol.md §3.2): 2^64-1 would
// arrive as -1, "no stream", so everything above 2^63-1 is refused before it is sent.
describe('positions above 2^63-1', () => {
  const TOO_BIG = 2n ** 63n;
  const LARGEST = 2n ** 63n - 1n;

  test.each<[string, (position: bigint) => unknown]>([
    ['appendEvents expectedPosition', (position) => append({ expectedPosition: position })],
    [
      'readStreamEvents position',
      (position) => client().readStreamEvents({ streamName: 's', position }).toArray(),
    ],
    [
      'readAllEvents commitPosition',
      (position) => client().readAllEvents({ commitPosition: position }).toArray(),
    ],
    [
      'subscribeAllEvents commitPosition',
      (position) => client().subscribeAllEvents({ commitPosition: position }),
    ],
    [
      'subscribeStreamEvents streamPosition',
      (position) => client().subscribeStreamEvents({ streamName: 's', streamPosition: position }),
    ],
    [
      'deleteStream expectedPosition',
      (position) => client().deleteStream({ streamName: 's', expectedPosition: position }),
    ],
    [
      'setStreamMetadata expectedPosition',
      (position) => client().setStreamMetadata({ streamName: 's', metadata: {}, expectedPosition: position }),
    ],
    [
      'createStreamSubscription streamPosition',
      (position) =>
        client().createStreamSubscription({ groupName: 'g', streamName: 's', streamPosition: position }),
    ],
    [
      'createSubscription commitPosition',
      (position) => client().createSubscription({ groupName: 'g', commitPosition: position }),
    ],
  ])('%s: 2^63 and 2^64-1 are a RangeError', async (_, call) => {
    for (const position of [TOO_BIG, 2n ** 64n - 1n]) {
      // Some of these throw, the others reject: both are caught the same way.
      const error = await Promise.resolve()
        .then(() => call(position))
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(RangeError);
      expect(String(error)).toMatch(/must be at most 2\^63-1/);
    }
  });

  test('2^63-1 itself is accepted (the read is prepared, nothing is sent)', () => {
    expect(() => client().readStreamEvents({ streamName: 's', position: LARGEST })).not.toThrow();
    expect(() => client().subscribeAllEvents({ commitPosition: LARGEST })).not.toThrow();
  });

  test('a read limit is a count, not a position: up to 2^64-1', () => {
    expect(() => client().readStreamEvents({ streamName: 's', limit: 2n ** 64n - 1n })).not.toThrow();
    expect(() => client().readStreamEvents({ streamName: 's', limit: 2n ** 64n })).toThrow(/at most 2\^64-1/);
  });
});

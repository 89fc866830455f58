// NewEvent and RecordedEvent, and the anchoring of event-type filters.
import { ESDB_EVENTS_REGEX, NewEvent, RecordedEvent } from '../../src/client/index.js';
import { eventTypeRegexOf } from '../../src/client/wire/event-type-filter.js';

describe('NewEvent', () => {
  test('defaults: a random lower-case UUID, empty metadata, application/octet-stream', () => {
    const first = new NewEvent({ type: 'OrderCreated', data: Buffer.from('data1') });
    const second = new NewEvent({ type: 'OrderCreated', data: Buffer.from('data1') });
    expect(first.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(first.id).not.toBe(second.id);
    expect(first.metadata).toEqual(new Uint8Array());
    expect(first.contentType).toBe('application/octet-stream');
  });

  test('keeps what it is given; ids are lower-cased; bytes are not copied', () => {
    const data = new Uint8Array([1, 2, 3]);
    const event = new NewEvent({
      type: 'T',
      data,
      metadata: Buffer.from('{}'),
      id: 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',
      contentType: 'application/json',
    });
    expect(event.data).toBe(data);
    expect(event.id).toBe('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
    expect(event.contentType).toBe('application/json');
  });

  test('is frozen', () => {
    const event = new NewEvent({ type: 'T', data: new Uint8Array() });
    expect(Object.isFrozen(event)).toBe(true);
    expect(() => {
      (event as { type: string }).type = 'U';
    }).toThrow(TypeError);
  });

  test.each([
    [{ data: new Uint8Array() }, /type must be a non-empty string/],
    [{ type: '', data: new Uint8Array() }, /type must be a non-empty string/],
    [{ type: 'T' }, /data must be a Uint8Array/],
    [{ type: 'T', data: 'text' }, /data must be a Uint8Array/],
    [{ type: 'T', data: [1, 2] }, /data must be a Uint8Array/],
    [{ type: 'T', data: new Uint8Array(), metadata: '{}' }, /metadata must be a Uint8Array/],
    [{ type: 'T', data: new Uint8Array(), id: 'not-a-uuid' }, /id must be a UUID/],
    [
      { type: 'T', data: new Uint8Array(), id: '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}' },
      /id must be a UUID/,
    ],
    [{ type: 'T', data: new Uint8Array(), contentType: '' }, /contentType must be a non-empty string/],
    [{ type: 'T', data: new Uint8Array(), kind: 'x' }, /unknown option 'kind'/],
  ])('rejects %p', (options, message) => {
    expect(() => new NewEvent(options as never)).toThrow(TypeError);
    expect(() => new NewEvent(options as never)).toThrow(message);
  });
});

describe('RecordedEvent', () => {
  const init = {
    id: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    type: 'OrderCreated',
    data: Buffer.from('{}'),
    metadata: Buffer.from('{}'),
    contentType: 'application/json',
    streamName: 'stream1',
    streamPosition: 0n,
    commitPosition: 512n,
    recordedAt: new Date('2024-01-02T03:04:05.678Z'),
  };

  test('can be constructed, as in the seed README, and holds its fields', () => {
    const event = new RecordedEvent(init);
    expect(event).toMatchObject({ ...init, recordedAt: init.recordedAt });
    expect(new RecordedEvent({ ...init, recordedAt: init.recordedAt.getTime() }).recordedAt).toEqual(
      init.recordedAt,
    );
  });

  test('is immutable: frozen, and recordedAt is a fresh Date each time', () => {
    const event = new RecordedEvent(init);
    expect(Object.isFrozen(event)).toBe(true);
    expect(() => {
      (event as { streamPosition: bigint }).streamPosition = 1n;
    }).toThrow(TypeError);
    const recordedAt = event.recordedAt;
    recordedAt.setFullYear(1999);
    expect(event.recordedAt.toISOString()).toBe('2024-01-02T03:04:05.678Z');
  });

  test('holds the link it was read through, when given one', () => {
    expect(new RecordedEvent(init).link).toBeUndefined();
    const link = new RecordedEvent({
      ...init,
      type: '$>',
      streamName: '$ce-stream',
      data: Buffer.from('0@stream1'),
    });
    const event = new RecordedEvent({ ...init, link });
    expect(event.link).toBe(link);
    expect(() => {
      (event as { link: RecordedEvent | undefined }).link = undefined;
    }).toThrow(TypeError);
  });
});

describe('event-type filters', () => {
  /** What the server does with the regex: an unanchored .NET match (§3.9); JS matches the same here. */
  const passes = (regex: string | undefined, type: string): boolean =>
    regex === undefined || new RegExp(regex).test(type);

  test('ESDB_EVENTS_REGEX is the text \\$.*', () => {
    expect(ESDB_EVENTS_REGEX).toBe('\\$.*');
  });

  test('the default excludes exactly the system events', () => {
    const regex = eventTypeRegexOf(undefined, undefined);
    expect(regex).toBe('^(?!(?:\\$.*)$)');
    expect(passes(regex, '$metadata')).toBe(false);
    expect(passes(regex, '$>')).toBe(false);
    expect(passes(regex, 'OrderCreated')).toBe(true);
    expect(passes(regex, 'Order$Created')).toBe(true);
  });

  test('exclusions match whole types', () => {
    const regex = eventTypeRegexOf([], [ESDB_EVENTS_REGEX, '.*Snapshot']);
    expect(passes(regex, 'OrderSnapshot')).toBe(false);
    expect(passes(regex, 'SnapshotTaken')).toBe(true);
    expect(passes(regex, '$stats')).toBe(false);
  });

  test('inclusions match whole types, and win over exclusions', () => {
    const regex = eventTypeRegexOf(['OrderCreated', 'Invoice.*'], ['.*']);
    expect(regex).toBe('^(?:OrderCreated|Invoice.*)$');
    expect(passes(regex, 'OrderCreated')).toBe(true);
    expect(passes(regex, 'OrderCreatedV2')).toBe(false);
    expect(passes(regex, 'XOrderCreated')).toBe(false);
    expect(passes(regex, 'InvoiceSent')).toBe(true);
  });

  test('an alternation inside one pattern stays anchored', () => {
    const regex = eventTypeRegexOf(['A|B'], undefined);
    expect(passes(regex, 'A')).toBe(true);
    expect(passes(regex, 'AB')).toBe(false);
    expect(passes(regex, 'XB')).toBe(false);
  });

  test('no exclusions and no inclusions: no filter at all', () => {
    expect(eventTypeRegexOf([], [])).toBeUndefined();
  });
});

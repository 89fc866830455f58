// JSON events: NewEvent.json (serialization, content type, refused values) and RecordedEvent.json (parsing,
// refused content types, invalid data), then the round trip through a server in insecure and secure mode.
import { NewEvent, RecordedEvent, type RecordedEventInit } from '../../src/client/index.js';
import { MODES, textOf, uniqueStream, useClientTarget, utf8 } from './support/target.js';

describe('NewEvent.json', () => {
  test('serializes data and metadata with JSON.stringify, as application/json', () => {
    const at = new Date(Date.UTC(2024, 0, 2));
    const event = NewEvent.json({
      type: 'OrderPlaced',
      data: { item: 'book', quantity: 2, at, tags: ['é', null] },
      metadata: { correlationId: 'c-1' },
      id: 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',
    });
    expect(event).toBeInstanceOf(NewEvent);
    expect(event.type).toBe('OrderPlaced');
    expect(event.contentType).toBe('application/json');
    expect(textOf(event.data)).toBe(
      '{"item":"book","quantity":2,"at":"2024-01-02T00:00:00.000Z","tags":["é",null]}',
    );
    expect(textOf(event.metadata)).toBe('{"correlationId":"c-1"}');
    expect(event.id).toBe('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
    expect(Object.isFrozen(event)).toBe(true);
  });

  test('without metadata, the metadata is empty; any JSON value will do as data', () => {
    const event = NewEvent.json({ type: 'T', data: 'text' });
    expect(event.metadata).toEqual(new Uint8Array());
    expect(textOf(event.data)).toBe('"text"');
    expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(textOf(NewEvent.json({ type: 'T', data: null, metadata: null }).metadata)).toBe('null');
    expect(textOf(NewEvent.json({ type: 'T', data: 0, metadata: undefined }).data)).toBe('0');
  });

  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;

  test.each<[string, unknown, RegExp]>([
    ['options not an object', null, /NewEvent.json: the options must be an object/],
    ['no data', { type: 'T' }, /NewEvent.json: data cannot be serialized as JSON \(undefined\)/],
    ['a function as data', { type: 'T', data: () => 1 }, /data cannot be serialized as JSON \(function\)/],
    ['a symbol as data', { type: 'T', data: Symbol('s') }, /data cannot be serialized as JSON \(symbol\)/],
    [
      'a bigint in data',
      { type: 'T', data: { n: 1n } },
      /NewEvent.json: data cannot be serialized as JSON: /,
    ],
    ['a cycle in data', { type: 'T', data: cyclic }, /NewEvent.json: data cannot be serialized as JSON: /],
    ['unserializable metadata', { type: 'T', data: {}, metadata: () => 1 }, /metadata cannot be serialized/],
    ['an empty type', { type: '', data: {} }, /NewEvent.json: type must be a non-empty string/],
    ['a bad id', { type: 'T', data: {}, id: 'nope' }, /NewEvent.json: id must be a UUID/],
    [
      'a content type',
      { type: 'T', data: {}, contentType: 'text/plain' },
      /NewEvent.json: unknown option 'contentType'; known options: type, data, metadata, id/,
    ],
  ])('refuses %s with a TypeError', (_, options, message) => {
    const make = (): NewEvent => NewEvent.json(options as never);
    expect(make).toThrow(TypeError);
    expect(make).toThrow(message);
  });
});

describe('RecordedEvent.json', () => {
  const init: RecordedEventInit = {
    id: '00112233-4455-6677-8899-aabbccddeeff',
    type: 'OrderPlaced',
    data: utf8('{"item":"book","quantity":2}'),
    metadata: utf8(''),
    contentType: 'application/json',
    streamName: 'orders-1',
    streamPosition: 0n,
    commitPosition: 1n,
    recordedAt: 0,
  };

  test('parses the data, typed as the caller says', () => {
    const order = new RecordedEvent(init).json<{ item: string; quantity: number }>();
    expect(order).toEqual({ item: 'book', quantity: 2 });
    expect(new RecordedEvent({ ...init, data: utf8('\ufeff[1]') }).json()).toEqual([1]);
  });

  test('refuses events whose content type is not application/json with a TypeError', () => {
    for (const contentType of ['application/octet-stream', 'application/json; charset=utf-8']) {
      const event = new RecordedEvent({ ...init, contentType });
      expect(() => event.json()).toThrow(TypeError);
      expect(() => event.json()).toThrow(
        `RecordedEvent.json: event 00112233-4455-6677-8899-aabbccddeeff (OrderPlaced) has content type ` +
          `'${contentType}', not 'application/json'`,
      );
    }
  });

  test.each([
    ['not JSON', utf8('data1')],
    ['empty', utf8('')],
    ['not UTF-8', Uint8Array.from([0x22, 0xff, 0x22])],
  ])('data that is %s is a SyntaxError naming the event', (_, data) => {
    const event = new RecordedEvent({ ...init, data });
    expect(() => event.json()).toThrow(SyntaxError);
    expect(() => event.json()).toThrow(
      /^RecordedEvent.json: the data of event 00112233-4455-6677-8899-aabbccddeeff is not valid JSON: /,
    );
  });
});

describe.each(MODES)('JSON events through a server (%s)', (mode) => {
  const target = useClientTarget(mode);

  interface Order {
    readonly item: string;
    readonly quantity: number;
    readonly notes: readonly (string | null)[];
  }

  test('NewEvent.json, append, read, json<T>()', async () => {
    const client = target().client();
    const streamName = uniqueStream('json');
    const order: Order = { item: 'livre', quantity: 3, notes: ['✓ fragile', null] };
    const written = NewEvent.json({ type: 'OrderPlaced', data: order, metadata: { source: 'test' } });
    await client.appendEvents({ streamName, expectedPosition: null, events: [written] });
    const [read] = await client.readStreamEvents({ streamName }).toArray();
    expect(read?.id).toBe(written.id);
    expect(read?.contentType).toBe('application/json');
    expect(read?.json<Order>()).toEqual(order);
    expect(JSON.parse(textOf(read?.metadata ?? utf8('')))).toEqual({ source: 'test' });
  });

  test('json() on an event appended as bytes is a TypeError', async () => {
    const client = target().client();
    const streamName = uniqueStream('bytes');
    await client.appendEvents({
      streamName,
      expectedPosition: null,
      events: [new NewEvent({ type: 'OrderPlaced', data: utf8('{"looks":"like JSON"}') })],
    });
    const [read] = await client.readStreamEvents({ streamName }).toArray();
    expect(read?.contentType).toBe('application/octet-stream');
    expect(() => read?.json()).toThrow(TypeError);
  });

  test('a resolved link: the target parses, the link (not JSON) does not', async () => {
    const client = target().client();
    const targetName = uniqueStream('json');
    const linksName = uniqueStream('links');
    await client.appendEvents({
      streamName: targetName,
      expectedPosition: null,
      events: [NewEvent.json({ type: 'OrderPlaced', data: { item: 'pen' } })],
    });
    await client.appendEvents({
      streamName: linksName,
      expectedPosition: null,
      events: [new NewEvent({ type: '$>', data: utf8(`0@${targetName}`) })],
    });
    const [read] = await client.readStreamEvents({ streamName: linksName, resolveLinks: true }).toArray();
    expect(read?.json()).toEqual({ item: 'pen' });
    expect(() => read?.link?.json()).toThrow(TypeError);
  });
});

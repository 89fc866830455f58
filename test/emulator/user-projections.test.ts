// User JavaScript projections (issue #13) run by the projection manager: the projection language of the
// 24.10 server (EventStore.Projections.Core/Services/Interpreted/JintProjectionStateHandler.cs), what they
// write (Services/Processing/Emitting/*), their faults (Phases/EventProcessingProjectionProcessingPhase.cs,
// EventSubscriptionBasedProjectionProcessingPhase.cs) and the sandbox they run in.
import { randomUUID } from 'node:crypto';

import { EsdbClient } from '../../src/client/index.js';
import { DEFAULT_MAX_APPEND_SIZE, EmulatorNode } from '../../src/emulator/node.js';
import { serveNode } from '../../src/emulator/server/node-server.js';
import {
  continuous,
  recordsOf,
  settled,
  startNode,
  statusOf,
  text,
  write,
  type Node,
} from './projection-support.js';

jest.setTimeout(30_000);

let node: Node | undefined;
afterEach(() => {
  node?.close();
  node = undefined;
});

function started(): Node {
  node = startNode({ runProjections: 'all', startStandardProjections: true });
  return node;
}

async function stateOf(name: string, partition = ''): Promise<unknown> {
  const state = await node?.manager.state(name, partition);
  return state === undefined ? undefined : JSON.parse(state);
}

describe('sources, handlers and state', () => {
  test('$init runs on the first handled event: before it, state and result are empty', async () => {
    const { store, manager } = started();
    write(store, 'quiet', 'Unhandled');
    const query = `fromStream('quiet').when({ $init: () => ({ n: 0 }), E: (s) => { s.n++; } })
      .transformBy((s) => ({ doubled: s.n * 2 }))`;
    await manager.create(continuous('quiet', query), undefined);
    await settled(store);
    // Server: the root partition is cached with no state at load (CoreProjection.cs, CheckpointLoaded), and the
    // reader hands the phase only handled event types, so nothing has run `$init` yet; the service answers {}.
    expect(await stateOf('quiet')).toBeUndefined();
    expect(await manager.result('quiet', '')).toBeUndefined();
    expect((await statusOf(manager, 'quiet')).partitionsCached).toBe(1);

    write(store, 'quiet', 'E');
    await settled(store);
    expect(await stateOf('quiet')).toEqual({ n: 1 });
    expect(JSON.parse((await manager.result('quiet', '')) ?? 'null')).toEqual({ doubled: 2 });
  });

  test('fromCategory + when: the state counts the category’s events of the handled type', async () => {
    const { store, manager } = started();
    write(store, 'order-1', 'OrderPlaced', { total: 5 });
    write(store, 'order-2', 'OrderPlaced', { total: 7 });
    write(store, 'order-2', 'OrderShipped');
    write(store, 'invoice-1', 'OrderPlaced', { total: 100 });
    await manager.create(
      continuous(
        'order-totals',
        `fromCategory('order').when({
          $init: function () { return { count: 0, total: 0, streams: [] }; },
          OrderPlaced: function (s, e) { s.count++; s.total += e.data.total; s.streams.push(e.streamId + '/' + e.category); }
        })`,
      ),
      undefined,
    );
    await settled(store);
    expect(await stateOf('order-totals')).toEqual({
      count: 2,
      total: 12,
      streams: ['order-1/order', 'order-2/order'],
    });
    write(store, 'order-3', 'OrderPlaced', { total: 1 });
    await settled(store);
    expect(await stateOf('order-totals')).toMatchObject({ count: 3, total: 13 });
    expect((await statusOf(manager, 'order-totals')).position).toBe('$ce-order: 3');
  });

  test('foreachStream keeps a state per stream; fromStreams and $any see every event of their streams', async () => {
    const { store, manager } = started();
    write(store, 'cart-a', 'Added');
    write(store, 'cart-a', 'Added');
    write(store, 'cart-b', 'Added');
    await manager.create(
      continuous(
        'per-cart',
        `fromAll().foreachStream().when({ $init: () => ({ n: 0 }), Added: (s) => { s.n++; } })`,
      ),
      undefined,
    );
    await manager.create(
      continuous(
        'types',
        `fromStreams(['cart-a', 'cart-b']).when({ $init: () => [], $any: (s, e) => { s.push(e.eventType + '@' + e.sequenceNumber); } })`,
      ),
      undefined,
    );
    await settled(store);
    expect(await stateOf('per-cart', 'cart-a')).toEqual({ n: 2 });
    expect(await stateOf('per-cart', 'cart-b')).toEqual({ n: 1 });
    expect(await manager.state('per-cart', 'cart-c')).toBeUndefined();
    expect(await stateOf('types')).toEqual(['Added@0', 'Added@1', 'Added@0']);
  });

  test('partitionBy names the partition; the event object has the server’s fields', async () => {
    const { store, manager } = started();
    write(store, 'pay-1', 'Paid', { who: 'ann' }, '{"$correlationId":"c1"}');
    write(store, 'pay-2', 'Paid', { who: 'bob' });
    write(store, 'pay-3', 'Paid', { who: 'ann' });
    await manager.create(
      continuous(
        'by-payer',
        `fromAll().partitionBy(function (e) { return e.body.who; }).when({
          $init: function () { return { n: 0 }; },
          Paid: function (s, e) { s.n++; s.last = { isJson: e.isJson, bodyRaw: e.bodyRaw, meta: e.metadata, partition: e.partition, type: e.eventType, id: typeof e.eventId }; }
        })`,
      ),
      undefined,
    );
    await settled(store);
    expect(await stateOf('by-payer', 'ann')).toEqual({
      n: 2,
      last: {
        isJson: true,
        bodyRaw: '{"who":"ann"}',
        meta: null,
        partition: 'ann',
        type: 'Paid',
        id: 'string',
      },
    });
    expect(await stateOf('by-payer', 'bob')).toMatchObject({ n: 1 });
  });

  test('$deleted gets the state of a deleted stream’s partition (fromAll().foreachStream())', async () => {
    const { store, manager } = started();
    await manager.create(
      continuous(
        'lifetimes',
        `fromAll().foreachStream().when({
          $init: function () { return { n: 0, deleted: false }; },
          Added: function (s) { s.n++; },
          $deleted: function (s, e, partition, soft) { s.deleted = partition + '/' + soft + '/' + e; }
        })`,
      ),
      undefined,
    );
    write(store, 'cart-x', 'Added');
    write(store, 'cart-y', 'Added');
    store.tombstone('cart-x', { kind: 'any' });
    store.softDelete('cart-y', { kind: 'any' });
    await settled(store);
    expect(await stateOf('lifetimes', 'cart-x')).toEqual({ n: 1, deleted: 'cart-x/false/null' });
    expect(await stateOf('lifetimes', 'cart-y')).toEqual({ n: 1, deleted: 'cart-y/false/null' });
  });
});

describe('results', () => {
  test('outputState writes a Result event per change; transformBy and filterBy shape the result', async () => {
    const { store, manager } = started();
    await manager.create(
      continuous(
        'doubled',
        `fromStream('numbers').when({ $init: () => ({ sum: 0 }), N: (s, e) => { s.sum += e.data.v; } })
          .transformBy(function (s) { return { doubled: s.sum * 2 }; })
          .filterBy(function (s) { return s.doubled < 10; })
          .outputState()`,
      ),
      undefined,
    );
    write(store, 'numbers', 'N', { v: 1 });
    write(store, 'numbers', 'N', { v: 2 });
    write(store, 'numbers', 'N', { v: 3 });
    await settled(store);
    expect(await stateOf('doubled')).toEqual({ sum: 6 });
    expect(await manager.result('doubled', '')).toBeUndefined();
    const results = recordsOf(store, '$projections-doubled-result');
    expect(results.map((r) => [r.eventType, text(r.data)])).toEqual([
      ['Result', '{"doubled":2}'],
      ['Result', '{"doubled":6}'],
      ['ResultRemoved', ''],
    ]);
    const [first] = results;
    expect(JSON.parse(text(first?.metadata ?? new Uint8Array()))).toEqual({
      $v: '6:-1:0:4',
      $s: { numbers: 0 },
    });
  });

  test('without a transform the result is the state', async () => {
    const { store, manager } = started();
    write(store, 'counted', 'E');
    await manager.create(
      continuous('count', `fromStream('counted').when({ $init: () => 0, E: (s) => s + 1 })`),
      undefined,
    );
    await settled(store);
    expect(await manager.result('count', '')).toBe('1');
    expect(await manager.state('count', '')).toBe('1');
  });
});

describe('options', () => {
  test('resultStreamName and outputTo name the result streams', async () => {
    const { store, manager } = started();
    const counter = `.when({ $init: () => ({ n: 0 }), E: (s) => { s.n++; } })`;
    await manager.create(
      continuous(
        'named',
        `options({ resultStreamName: 'named-results' }); fromStream('src')${counter}.outputState()`,
      ),
      undefined,
    );
    await manager.create(
      continuous(
        'routed',
        `fromAll().foreachStream()${counter}.outputState().outputTo('all-results', 'result-{0}')`,
      ),
      undefined,
    );
    write(store, 'src', 'E');
    await settled(store);
    expect(recordsOf(store, 'named-results').map((r) => text(r.data))).toEqual(['{"n":1}']);
    expect(recordsOf(store, 'result-src').map((r) => text(r.data))).toEqual(['{"n":1}']);
    expect(recordsOf(store, 'all-results').map((r) => [r.eventType, text(r.data)])).toEqual([
      ['$>', '0@result-src'],
    ]);
  });

  test('biState: handlers get [state, shared] and $initShared starts the shared state', async () => {
    const { store, manager } = started();
    await manager.create(
      continuous(
        'bi',
        `fromAll().foreachStream().when({
          $init: () => ({ n: 0 }),
          $initShared: () => ({ total: 0 }),
          E: function (s) { s[1].total++; s[0].n++; s[0].seenTotal = s[1].total; return s; }
        })`,
      ),
      undefined,
    );
    write(store, 'bi-1', 'E');
    write(store, 'bi-2', 'E');
    await settled(store);
    expect(await stateOf('bi', 'bi-1')).toEqual({ n: 1, seenTotal: 1 });
    expect(await stateOf('bi', 'bi-2')).toEqual({ n: 1, seenTotal: 2 });
  });

  test('an unknown option or a bad argument faults the projection with the server’s text', async () => {
    const { store, manager } = started();
    await manager.create(
      continuous('bad-option', `options({ colour: 'red' }); fromAll().when({})`),
      undefined,
    );
    expect((await statusOf(manager, 'bad-option')).stateReason).toBe('Unrecognized option: colour');
    write(store, 'args', 'E');
    await manager.create(
      continuous('bad-emit', `fromStream('args').when({ E: () => { emit('', 'T', {}); } })`, true),
      undefined,
    );
    await settled(store);
    expect((await statusOf(manager, 'bad-emit')).stateReason).toMatch(
      /Message:\r\n\r\nValue cannot be null. \(Parameter 'streamId'\)$/,
    );
  });
});

describe('emit and linkTo', () => {
  test('the written events are readable through the Streams API, with the projection’s metadata', async () => {
    const { store, manager } = started();
    const server = await serveNode(new EmulatorNode(store, DEFAULT_MAX_APPEND_SIZE, randomUUID()), {
      host: '127.0.0.1',
      port: 0,
      secure: false,
      tls: undefined,
    });
    const client = new EsdbClient({ uri: `esdb://127.0.0.1:${server.port}?tls=false` });
    try {
      await manager.create(
        continuous(
          'router',
          `fromCategory('ticket').when({
            Opened: function (s, e) {
              emit('audit', 'TicketSeen', { id: e.streamId }, { source: 'router' });
              linkTo('open-tickets', e);
            }
          })`,
          true,
        ),
        undefined,
      );
      write(store, 'ticket-1', 'Opened', {}, '{"$correlationId":"corr-1"}');
      await settled(store);
      const audit = await client.readStreamEvents({ streamName: 'audit' }).toArray();
      expect(audit.map((e) => [e.type, text(e.data), e.contentType])).toEqual([
        ['TicketSeen', '{"id":"ticket-1"}', 'application/json'],
      ]);
      const ticket = recordsOf(store, 'ticket-1')[0];
      const metadata = JSON.parse(text(audit[0]?.metadata ?? new Uint8Array())) as Record<string, unknown>;
      expect(metadata).toEqual({
        $v: '6:-1:0:4',
        $s: { '$ce-ticket': 0 },
        source: 'router',
        $causedBy: ticket?.eventId,
        $correlationId: 'corr-1',
      });
      const links = await client
        .readStreamEvents({ streamName: 'open-tickets', resolveLinks: true })
        .toArray();
      expect(links.map((e) => [e.streamName, e.type, e.link?.streamName])).toEqual([
        ['ticket-1', 'Opened', 'open-tickets'],
      ]);
      expect(text(recordsOf(store, '$$audit')[0]?.data ?? new Uint8Array())).toBe('{"$acl":{}}');
    } finally {
      await client.close();
      await server.close();
    }
  });

  test('several emits per event all land; going over the input again after an abort emits nothing twice', async () => {
    const { store, manager } = started();
    await manager.create(
      continuous(
        'fan-out',
        `fromStream('orders-in').when({ Placed: function (s, e) {
          emit('fan', 'First', { n: e.sequenceNumber }); emit('fan', 'Second', { n: e.sequenceNumber });
        } })`,
        true,
      ),
      undefined,
    );
    write(store, 'orders-in', 'Placed');
    await settled(store);
    await manager.disable('fan-out', true, undefined);
    await manager.enable('fan-out', undefined);
    write(store, 'orders-in', 'Placed');
    await settled(store);
    await manager.disable('fan-out', false, undefined);
    await manager.enable('fan-out', undefined);
    await settled(store);
    expect(recordsOf(store, 'fan').map((r) => `${r.eventType} ${text(r.data)}`)).toEqual([
      'First {"n":0}',
      'Second {"n":0}',
      'First {"n":1}',
      'Second {"n":1}',
    ]);
  });

  test('emitting without emitEnabled faults the projection with the server’s reason', async () => {
    const { store, manager } = started();
    write(store, 'ticket-1', 'Opened');
    await manager.create(
      continuous('no-emit', `fromAll().when({ Opened: function () { emit('x', 'Y', {}); } })`),
      undefined,
    );
    await settled(store);
    const statistics = await statusOf(manager, 'no-emit');
    expect([statistics.status, statistics.stateReason]).toEqual([
      'Faulted (Enabled)',
      "'emit' is not allowed by the projection/configuration/mode",
    ]);
    expect(recordsOf(store, 'x')).toEqual([]);
  });
});

describe('faults and modes', () => {
  test('a handler that throws faults the projection with the server’s message', async () => {
    const { store, manager } = started();
    write(store, 'boom-1', 'Bang');
    await manager.create(
      continuous('thrower', `fromStream('boom-1').when({ Bang: function () { throw new Error('kaput'); } })`),
      undefined,
    );
    await settled(store);
    const statistics = await statusOf(manager, 'thrower');
    expect(statistics.status).toBe('Faulted (Enabled)');
    expect(statistics.stateReason).toBe(
      'The thrower projection failed to process an event.\r\n' +
        'Handler: EventStore.Projections.Core.Services.Interpreted.JintProjectionStateHandler\r\n' +
        'Event Position: boom-1: 0\r\n\r\nMessage:\r\n\r\nkaput',
    );
    await manager.disable('thrower', true, undefined);
    expect((await statusOf(manager, 'thrower')).status).toBe('Stopped');
  });

  test('a query that does not compile faults the projection', async () => {
    const { manager } = started();
    await manager.create(continuous('broken', `fromAll().when({`), undefined);
    const statistics = await statusOf(manager, 'broken');
    // The core never reported statistics, so the status is the managed state alone (ManagedProjection.cs).
    expect(statistics.status).toBe('Faulted');
    expect(statistics.stateReason).toMatch(/Unexpected end of input/);
  });

  test('a one-time projection completes and writes its result; it cannot emit', async () => {
    const { store, manager } = started();
    write(store, 'once', 'E');
    write(store, 'once', 'E');
    const query = `fromStream('once').when({ $init: () => ({ n: 0 }), E: (s) => { s.n++; } }).outputState()`;
    await manager.create(
      { name: 'one-off', mode: 'OneTime', query, emitEnabled: false, trackEmittedStreams: false },
      undefined,
    );
    await settled(store);
    expect((await statusOf(manager, 'one-off')).status).toBe('Completed/Stopped/Writing results');
    expect(await stateOf('one-off')).toEqual({ n: 2 });
    expect(recordsOf(store, '$projections-one-off-result').map((r) => text(r.data))).toEqual(['{"n":2}']);
    await expect(
      manager.create(
        { name: 'one-emit', mode: 'OneTime', query, emitEnabled: true, trackEmittedStreams: false },
        undefined,
      ),
    ).rejects.toMatchObject({ kind: 'invalid', message: 'Emit requires checkpoints' });
  });

  test('a transient projection completes and writes nothing of its own', async () => {
    const { store, manager } = started();
    write(store, 'once', 'E');
    await settled(store);
    const before = store.log.length;
    const query = `fromStream('once').when({ $init: () => ({ n: 0 }), E: (s) => { s.n++; } })`;
    await manager.create(
      { name: 'peek', mode: 'Transient', query, emitEnabled: false, trackEmittedStreams: false },
      undefined,
    );
    await settled(store);
    expect(await stateOf('peek')).toEqual({ n: 1 });
    expect(store.log.slice(before).map((r) => r.streamName)).toEqual([]);
  });
});

describe('the sandbox', () => {
  test('has no require, process or host globals, and a handler that runs too long faults', async () => {
    const { store, manager } = started();
    write(store, 'probe', 'P');
    await manager.create(
      continuous(
        'probe',
        `fromStream('probe').when({ $init: function () {
          return { require: typeof require, process: typeof process, setTimeout: typeof setTimeout, escaped: this.constructor.constructor('return typeof process')() };
        }, P: (state) => state })`,
      ),
      undefined,
    );
    await settled(store);
    expect(await stateOf('probe')).toEqual({
      require: 'undefined',
      process: 'undefined',
      setTimeout: 'undefined',
      escaped: 'undefined',
    });
    await manager.create(
      continuous('spin', `fromStream('probe').when({ P: function () { for (;;) {} } })`),
      undefined,
    );
    await settled(store);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await statusOf(manager, 'spin')).stateReason).toMatch(
      /Projection script took too long to execute/,
    );
  });
});

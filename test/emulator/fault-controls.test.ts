// The emulator's fault controls (issue 12 §5): dropConnections, freeze/resume and restart, on one node and on
// a cluster's nodes. They exist for tests of how clients live through failures, so each is checked from the
// client's side of the wire: what a raw gRPC client or a raw HTTP/2 session sees.
import { mkdtempSync, rmSync } from 'node:fs';
import { type ClientHttp2Session, connect } from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChannel, createClient, Status } from 'nice-grpc';
import { startEmulator, startEmulatorCluster } from '../../src/emulator/index.js';
import { StreamsDefinition } from '../../src/generated/streams.js';
import {
  append,
  kinds,
  readEvents,
  readMessages,
  startNode,
  stopNode,
  streamReadRequest,
  streamSubscriptionRequest,
  Subscription,
  type TestNode,
  uniqueStream,
} from './read-support.js';

jest.setTimeout(30_000);

/** An HTTP/2 session to `authority`, once connected. */
async function session(authority: string, options: { ca?: string } = {}): Promise<ClientHttp2Session> {
  const connected = connect(authority, options);
  connected.on('error', () => undefined);
  await new Promise((resolve) => connected.once('connect', resolve));
  return connected;
}

/** Resolves with the round trip of an HTTP/2 PING, or 'no answer' if none comes within `ms`. */
function ping(session: ClientHttp2Session, ms: number): Promise<number | 'no answer'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      resolve('no answer');
    }, ms);
    session.ping((error, duration) => {
      clearTimeout(timer);
      resolve(error === null ? duration : 'no answer');
    });
  });
}

describe('dropConnections', () => {
  let node: TestNode;
  beforeEach(async () => {
    node = await startNode();
  });
  afterEach(async () => {
    await stopNode(node);
  });

  test('ends open calls as a dropped connection, and the node keeps serving new ones', async () => {
    const stream = uniqueStream();
    await append(node.client, stream, 1);
    const subscription = new Subscription(node.client, streamSubscriptionRequest(stream));
    await subscription.take(3); // confirmation, the event, caught up
    node.emulator.dropConnections();
    expect((await subscription.failure()).code).toBe(Status.UNAVAILABLE);

    const channel = createChannel(`${node.emulator.host}:${node.emulator.port}`);
    const fresh = createClient(StreamsDefinition, channel);
    await append(fresh, stream, 1);
    expect(readEvents(await readMessages(fresh, streamReadRequest(stream)))).toHaveLength(2);
    channel.close();
  });
});

describe.each([false, true])('freeze and resume (secure: %s)', (secure) => {
  test('nothing is read or answered while frozen, new connections included; all of it after resume', async () => {
    const emulator = await startEmulator({ secure });
    const authority = `${secure ? 'https' : 'http'}://${emulator.host}:${emulator.port}`;
    const options = secure ? { ca: emulator.serverCert } : {};
    const open = await session(authority, options);
    try {
      expect(await ping(open, 2000)).not.toBe('no answer');
      emulator.freeze();
      expect(await ping(open, 300)).toBe('no answer');
      const late = session(authority, options);
      const lateAnswer = late.then((connected) => ping(connected, 3000));
      const meanwhile = new Promise((resolve) => setTimeout(resolve, 300, 'pending'));
      expect(await Promise.race([lateAnswer, meanwhile])).toBe('pending');
      emulator.resume();
      expect(await lateAnswer).not.toBe('no answer');
      expect(await ping(open, 2000)).not.toBe('no answer');
      (await late).close();
    } finally {
      open.close();
      await emulator.stop();
    }
  });
});

describe('freeze holds responses', () => {
  let node: TestNode;
  beforeEach(async () => {
    node = await startNode();
  });
  afterEach(async () => {
    node.emulator.resume();
    await stopNode(node);
  });

  test('a call made while frozen gets no answer until resume, then its answer', async () => {
    const stream = uniqueStream();
    await append(node.client, stream, 1);
    node.emulator.freeze();
    const read = readMessages(node.client, streamReadRequest(stream));
    const meanwhile = new Promise((resolve) => setTimeout(resolve, 500, 'no answer'));
    expect(await Promise.race([read, meanwhile])).toBe('no answer');
    node.emulator.resume();
    expect(readEvents(await read)).toHaveLength(1);
  });
});

describe('restart', () => {
  test('a durable node comes back on the same port with its log; calls on the old channel reconnect', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fault-controls-'));
    const node = await startNode({ dataDir });
    try {
      const stream = uniqueStream();
      await append(node.client, stream, 3);
      const port = node.emulator.port;
      await node.emulator.restart();
      expect(node.emulator.port).toBe(port);
      const channel = createChannel(`${node.emulator.host}:${port}`);
      const fresh = createClient(StreamsDefinition, channel);
      expect(readEvents(await readMessages(fresh, streamReadRequest(stream)))).toHaveLength(3);
      channel.close();
    } finally {
      await stopNode(node);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('an in-memory node comes back empty, like a real --mem-db node', async () => {
    const node = await startNode();
    try {
      const stream = uniqueStream();
      await append(node.client, stream, 1);
      await node.emulator.restart();
      const channel = createChannel(`${node.emulator.host}:${node.emulator.port}`);
      const fresh = createClient(StreamsDefinition, channel);
      expect(kinds(await readMessages(fresh, streamReadRequest(stream)))).toEqual(['streamNotFound']);
      channel.close();
    } finally {
      await stopNode(node);
    }
  });

  test('a stopped node cannot be restarted', async () => {
    const emulator = await startEmulator();
    await emulator.stop();
    await expect(emulator.restart()).rejects.toThrow('the emulator is stopped');
  });
});

describe('cluster nodes', () => {
  test('drop their connections and freeze one node at a time; the cluster keeps its leader', async () => {
    const cluster = await startEmulatorCluster({ nodes: 3 });
    const [first, second] = cluster.nodes;
    if (first === undefined || second === undefined) throw new Error('three nodes expected');
    const open = await session(`http://${first.host}:${first.port}`);
    const other = await session(`http://${second.host}:${second.port}`);
    try {
      expect(await ping(open, 2000)).not.toBe('no answer');
      first.freeze();
      expect(await ping(open, 300)).toBe('no answer');
      expect(await ping(other, 2000)).not.toBe('no answer');
      first.resume();
      expect(await ping(open, 2000)).not.toBe('no answer');

      const closed = new Promise((resolve) => open.once('close', resolve));
      first.dropConnections();
      await closed;
      expect(cluster.leader?.index).toBe(0);
    } finally {
      open.destroy();
      other.close();
      await cluster.stop();
    }
  });
});

/**
 * How self-healing subscriptions recover (issue 12 §1), measured by hand rather than by `npm run bench`:
 * `npx tsx bench/reconnect-storm.ts [subscriptions]` (default 1,000).
 *
 * A durable emulator runs as a child process (from the sources, through tsx), so that its CPU is not counted as
 * the client's. Two measurements, each after `kill -9` and a start on the same port and data directory:
 * - recovery: one stream subscription; the time from the restarted node saying it listens to the subscription
 *   receiving an event appended at that moment (five times; the median and the worst);
 * - storm: `subscriptions` subscriptions to one stream, all dropped at once; the time until every one has
 *   received an event appended once the node is back, the client process's CPU time over that period, and the
 *   attempts the subscriptions made (their `onReconnect` calls).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EsdbClient, NewEvent, type RecordedEvent } from '../src/client/index.js';

const root = join(__dirname, '..');

interface Node {
  readonly child: ChildProcess;
  readonly port: number;
  /** performance.now() when the node said it listens. */
  readonly listeningAt: number;
}

function startNode(dataDir: string, port: number): Promise<Node> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/emulator/cli.ts', '--insecure', '--port', String(port), '--db', dataDir],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /listening on [\d.]+:(\d+)/.exec(output)?.[1];
      if (listening !== undefined)
        resolve({ child, port: Number(listening), listeningAt: performance.now() });
    });
    child.once('exit', (code) => {
      reject(new Error(`emulator exited early with ${code ?? 'a signal'}`));
    });
  });
}

async function kill(node: Node): Promise<void> {
  const exited = new Promise((resolve) => node.child.once('exit', resolve));
  node.child.kill('SIGKILL');
  await exited;
}

/** Appends one event, trying again while the node is not answering yet. */
async function appendOne(client: EsdbClient, streamName: string): Promise<string> {
  const event = new NewEvent({ type: 'Measured', data: Buffer.from('{}') });
  for (;;) {
    try {
      await client.appendEvents({ streamName, expectedPosition: -1, events: [event] });
      return event.id;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

/** Resolves when `received` holds `id`, polling. */
async function received(ids: readonly Set<string>[], id: string): Promise<void> {
  while (!ids.every((set) => set.has(id))) await new Promise((resolve) => setTimeout(resolve, 1));
}

/** Starts a loop over a new subscription to `streamName`, noting the ids it receives. */
function subscribe(client: EsdbClient, streamName: string, onReconnect: () => void): Set<string> {
  const ids = new Set<string>();
  const subscription = client.subscribeStreamEvents({ streamName, onReconnect });
  void (async () => {
    for await (const event of subscription as AsyncIterable<RecordedEvent>) ids.add(event.id);
  })();
  return ids;
}

const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 1000);
  const dataDir = mkdtempSync(join(tmpdir(), 'esdb-reconnect-storm-'));
  let node = await startNode(dataDir, 0);
  const port = node.port;
  const client = new EsdbClient({ host: '127.0.0.1', port, tls: false });
  try {
    const streamName = `storm-${Date.now()}`;
    let attempts = 0;
    const onReconnect = (): void => {
      attempts += 1;
    };
    const one = [subscribe(client, streamName, onReconnect)];
    await received(one, await appendOne(client, streamName));
    const recoveries: number[] = [];
    for (let round = 0; round < 5; round += 1) {
      await kill(node);
      node = await startNode(dataDir, port);
      const id = await appendOne(client, streamName);
      await received(one, id);
      recoveries.push(performance.now() - node.listeningAt);
    }
    console.log(
      `recovery after kill -9 and restart (1 subscription, 5 rounds): median ${median(recoveries).toFixed(0)} ms, ` +
        `worst ${Math.max(...recoveries).toFixed(0)} ms; ${attempts} attempts`,
    );

    const many = Array.from({ length: count }, () => subscribe(client, streamName, onReconnect));
    await received(many, await appendOne(client, streamName));
    attempts = 0;
    await kill(node);
    const cpuBefore = process.cpuUsage();
    const killedAt = performance.now();
    node = await startNode(dataDir, port);
    const id = await appendOne(client, streamName);
    await received(many, id);
    const done = performance.now();
    const cpu = process.cpuUsage(cpuBefore);
    console.log(
      `storm of ${count} subscriptions: all received the next event ${(done - node.listeningAt).toFixed(0)} ms ` +
        `after the node listened (${(done - killedAt).toFixed(0)} ms after the kill); client CPU ` +
        `${((cpu.user + cpu.system) / 1000).toFixed(0)} ms (user ${(cpu.user / 1000).toFixed(0)}, system ` +
        `${(cpu.system / 1000).toFixed(0)}); ${attempts} attempts (${(attempts / count).toFixed(2)} per subscription)`,
    );
  } finally {
    await client.close();
    await kill(node);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();

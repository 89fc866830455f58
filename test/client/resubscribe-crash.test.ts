// The headline of issue 12 §1: subscriptions survive two `kill -9` restarts of a durable emulator mid-stream.
// The emulator runs as a child process (the `esdbclient-emulator` command on a data directory), killed with
// SIGKILL and started again on the same port and directory; a stream subscription and a filtered `$all`
// subscription deliver every stored event exactly once, in order, and end with no error; a persistent consumer
// that acks each event is given each once.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EsdbClient } from '../../src/client/index.js';
import { appendPatiently, collect, eventually } from './support/durable-node.js';
import { AGAINST_EMULATOR, uniqueStream } from './support/target.js';

jest.setTimeout(180_000);

const root = join(__dirname, '..', '..');
const TOTAL = 300;

/** Starts the emulator command on `dataDir` and `port` (0: a free one); resolves with the port it listens on. */
function startCli(dataDir: string, port: number): Promise<{ child: ChildProcess; port: number }> {
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
      if (listening !== undefined) resolve({ child, port: Number(listening) });
    });
    child.once('exit', (code) => {
      reject(new Error(`emulator exited early with ${code ?? 'a signal'}`));
    });
  });
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

(AGAINST_EMULATOR ? test : test.skip)(
  `subscriptions deliver ${TOTAL} events exactly once, in order, across two kill -9 restarts; a persistent consumer is given each once`,
  async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'esdb-resubscribe-crash-'));
    let node = await startCli(dataDir, 0);
    const port = node.port;
    const client = new EsdbClient({ host: '127.0.0.1', port, tls: false });
    try {
      const streamName = uniqueStream('crash');
      const reconnects: number[] = [];
      const onReconnect = ({ attempt }: { attempt: number }): void => {
        reconnects.push(attempt);
      };
      const stream = client.subscribeStreamEvents({ streamName, onReconnect });
      const all = client.subscribeAllEvents({
        filterInclude: [streamName],
        filterByStreamName: true,
        onReconnect,
      });
      const fromStream = collect(stream);
      const fromAll = collect(all);
      // A persistent consumer too, acking each event as it comes.
      const groupName = `g-${streamName}`;
      await client.createStreamSubscription({ groupName, streamName });
      const [readReq, readResp] = client.readStreamSubscription({ groupName, streamName, onReconnect });
      const fromGroup = collect(readResp, (event) => {
        readReq.ack(event);
      });
      const crashes: number[] = [];
      await appendPatiently(client, streamName, TOTAL, async (index) => {
        if (index !== 100 && index !== 200) return;
        // Mid-stream: the subscriptions have been given some of the events appended so far.
        await eventually(
          () => fromStream.ids.length > index / 2 && fromAll.ids.length > index / 2,
          () => `${fromStream.ids.length} and ${fromAll.ids.length} before crash at ${index}`,
        );
        const started = performance.now();
        await kill(node.child);
        node = await startCli(dataDir, port);
        crashes.push(performance.now() - started);
      });
      const stored = (await client.readStreamEvents({ streamName }).toArray()).map((event) => event.id);
      expect(stored.length).toBeGreaterThanOrEqual(TOTAL);
      await eventually(
        () =>
          fromStream.ids.length >= stored.length &&
          fromAll.ids.length >= stored.length &&
          new Set(fromGroup.ids).size >= stored.length,
        () =>
          `${fromStream.ids.length}, ${fromAll.ids.length} and ${fromGroup.ids.length} of ${stored.length}`,
        60_000,
      );
      expect(fromStream.ids).toEqual(stored);
      expect(fromAll.ids).toEqual(stored);
      // At least once, as the server defines it (its group resumes from its last checkpoint after a crash); the
      // events this consumer had acked are settled again rather than given twice.
      expect(new Set(fromGroup.ids)).toEqual(new Set(stored));
      expect(fromGroup.ids).toHaveLength(stored.length);
      expect(crashes).toHaveLength(2);
      expect(reconnects.filter((attempt) => attempt === 1).length).toBeGreaterThanOrEqual(4);
      await stream.close();
      await all.close();
      await readResp.close();
      expect(await fromStream.ended).toBe('done');
      expect(await fromAll.ended).toBe('done');
      expect(await fromGroup.ended).toBe('done');
    } finally {
      await client.close();
      await kill(node.child);
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
);

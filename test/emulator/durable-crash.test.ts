// Durable mode under kill -9: every append acknowledged before the crash is there after the restart, exactly
// once and at the same position, and positions continue after it (issue 3, "Storage and start-up").
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChannel, createClient } from 'nice-grpc';
import {
  type AppendReq,
  type DeepPartial,
  ReadReq_Options_ReadDirection,
  StreamsDefinition,
  type StreamsClient,
} from '../../src/generated/streams.js';
import { asyncIterableOf } from '../support/async-iterable.js';

// Ten thousand appends each flushed with fdatasync: slow when other suites flush to the same disk.
jest.setTimeout(300_000);

const root = join(__dirname, '..', '..');
const STREAM = 'crash-test';
const ACKNOWLEDGED_BEFORE_KILL = 10_000;
const IN_FLIGHT = 32;

interface Node {
  readonly process: ChildProcess;
  readonly client: StreamsClient;
}

function startNode(dataDir: string): Promise<Node> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/emulator/cli.ts', '--insecure', '--port', '0', '--db', dataDir],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const port = /listening on [\d.]+:(\d+)/.exec(output)?.[1];
      if (port !== undefined) {
        resolve({
          process: child,
          client: createClient(StreamsDefinition, createChannel(`127.0.0.1:${port}`)),
        });
      }
    });
    child.once('exit', (code) => {
      reject(new Error(`emulator exited early with ${code ?? 'a signal'}`));
    });
  });
}

function append(client: StreamsClient, eventId: string): Promise<bigint> {
  const requests = asyncIterableOf<DeepPartial<AppendReq>>([
    {
      content: {
        $case: 'options',
        value: {
          streamIdentifier: { streamName: Buffer.from(STREAM) },
          expectedStreamRevision: { $case: 'any', value: {} },
        },
      },
    },
    {
      content: {
        $case: 'proposedMessage',
        value: {
          id: { value: { $case: 'string', value: eventId } },
          metadata: { type: 'Counted', 'content-type': 'application/json' },
          data: Buffer.from(`{"id":"${eventId}"}`),
        },
      },
    },
  ]);
  return client.append(requests).then((response) => {
    if (response.result?.$case !== 'success' || response.result.value.positionOption?.$case !== 'position') {
      throw new Error('append did not succeed');
    }
    return response.result.value.positionOption.value.commitPosition;
  });
}

async function readAll(client: StreamsClient): Promise<Map<string, bigint[]>> {
  const seen = new Map<string, bigint[]>();
  const responses = client.read({
    options: {
      streamOption: {
        $case: 'stream',
        value: {
          streamIdentifier: { streamName: Buffer.from(STREAM) },
          revisionOption: { $case: 'start', value: {} },
        },
      },
      readDirection: ReadReq_Options_ReadDirection.Forwards,
      countOption: { $case: 'count', value: 18446744073709551615n },
      filterOption: { $case: 'noFilter', value: {} },
      uuidOption: { content: { $case: 'string', value: {} } },
    },
  });
  for await (const response of responses) {
    if (response.content?.$case !== 'event') continue;
    const event = response.content.value.event;
    const id = event?.id?.value?.$case === 'string' ? event.id.value.value : '';
    seen.set(id, [...(seen.get(id) ?? []), event?.commitPosition ?? -1n]);
  }
  return seen;
}

test('no acknowledged append is lost across kill -9, and positions continue', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'emulator-crash-'));
  try {
    const first = await startNode(dataDir);
    // Listened for now: the node may be gone before the last cut-off call has failed.
    const firstExited = new Promise((resolve) => first.process.once('exit', resolve));
    const acknowledged = new Map<string, bigint>();
    const crash = { done: false };
    const worker = async (): Promise<void> => {
      while (!crash.done) {
        const id = crypto.randomUUID();
        try {
          const position = await append(first.client, id);
          acknowledged.set(id, position);
          if (acknowledged.size === ACKNOWLEDGED_BEFORE_KILL) {
            crash.done = true;
            first.process.kill('SIGKILL');
          }
        } catch {
          // Calls cut by the crash were never acknowledged: nothing is promised about them.
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    await firstExited;

    const second = await startNode(dataDir);
    try {
      const stored = await readAll(second.client);
      for (const [id, position] of acknowledged) expect(stored.get(id)).toEqual([position]);
      const highest = [...acknowledged.values()].reduce((a, b) => (a > b ? a : b));
      expect(await append(second.client, crypto.randomUUID())).toBeGreaterThan(highest);
    } finally {
      second.process.kill('SIGKILL');
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

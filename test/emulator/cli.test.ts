// `esdbclient-emulator` on the command line: it prints how to connect, serves, and stops cleanly on a signal.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChannelCredentials } from '@grpc/grpc-js';
import { createChannel, createClient } from 'nice-grpc';
import { createStore } from '../../src/emulator/server/create-store.js';
import { GossipDefinition } from '../../src/generated/gossip.js';

jest.setTimeout(60_000);

const root = join(__dirname, '..', '..');

function run(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/emulator/cli.ts', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let errors = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const printed = async (pattern: RegExp, on: 'stdout' | 'stderr' = 'stdout'): Promise<RegExpExecArray> => {
    for (;;) {
      const match = pattern.exec(on === 'stdout' ? output : errors);
      if (match !== null) return match;
      if (child.exitCode !== null) throw new Error(`the emulator exited: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return { child, exited, printed, output: () => output, errors: () => errors };
}

test('--secure prints a TLS connection string with the CA file, serves TLS, and exits 0 on SIGTERM', async () => {
  const cli = run(['--secure', '--port', '0']);
  const uri = (await cli.printed(/Connection string: (\S+)/))[1] ?? '';
  const caPath = (await cli.printed(/CA certificate: (\S+)/))[1] ?? '';
  expect(uri).toMatch(/^esdb:\/\/admin:changeit@127\.0\.0\.1:\d+\?tls=true&tlsCAFile=/);
  expect(readFileSync(caPath, 'utf8')).toContain('BEGIN CERTIFICATE');
  const port = /:(\d+)\?/.exec(uri)?.[1] ?? '';
  const channel = createChannel(`127.0.0.1:${port}`, ChannelCredentials.createSsl(readFileSync(caPath)));
  const info = await createClient(GossipDefinition, channel).read({});
  expect(info.members[0]?.httpEndPoint?.port).toBe(Number(port));
  channel.close();
  cli.child.kill('SIGTERM');
  expect(await cli.exited).toBe(0);
  // The CA file belongs to the run: it goes when the node stops.
  expect(existsSync(caPath)).toBe(false);
});

test('--insecure (the default) prints a tls=false connection string and exits 0 on SIGINT', async () => {
  const cli = run(['--port', '0']);
  const uri = (await cli.printed(/Connection string: (\S+)/))[1] ?? '';
  expect(uri).toMatch(/^esdb:\/\/127\.0\.0\.1:\d+\?tls=false$/);
  cli.child.kill('SIGINT');
  expect(await cli.exited).toBe(0);
});

test('a bad option is refused with the usage text and exit code 2', async () => {
  const cli = run(['--port', 'nope']);
  expect(await cli.exited).toBe(2);
});

test('--run-projections takes none, system or all; anything else exits 2', async () => {
  const cli = run(['--run-projections', 'some', '--port', '0']);
  expect(await cli.exited).toBe(2);
});

test('--truncate-damaged-log without --db is refused with exit code 2', async () => {
  const cli = run(['--port', '0', '--truncate-damaged-log']);
  expect(await cli.exited).toBe(2);
  expect(cli.errors()).toContain('--truncate-damaged-log needs --db');
});

describe('a --db whose log is damaged before its end', () => {
  let dataDir: string;
  let logPath: string;
  let damagedAt: number;
  let logLength: number;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'cli-damaged-'));
    logPath = join(dataDir, 'events.log');
    const opened = createStore({ dataDir, secure: false, instanceId: crypto.randomUUID() });
    const write = (): void => {
      const event = { eventId: crypto.randomUUID(), eventType: 'T', isJson: false, data: new Uint8Array(8) };
      opened.store.append('s', { kind: 'any' }, [{ ...event, metadata: new Uint8Array(0) }]);
    };
    write();
    damagedAt = statSync(logPath).size;
    write();
    write();
    opened.close();
    const bytes = readFileSync(logPath);
    logLength = bytes.length;
    bytes.writeUInt8(bytes.readUInt8(damagedAt + 20) ^ 0x10, damagedAt + 20);
    writeFileSync(logPath, bytes);
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('stops the command with exit code 1 and a message naming the file and the offset', async () => {
    const cli = run(['--port', '0', '--db', dataDir]);
    expect(await cli.exited).toBe(1);
    expect(cli.errors()).toContain(`The durable log ${logPath} is damaged at byte ${damagedAt}:`);
    expect(cli.errors()).not.toContain('Usage:');
  });

  test('with --truncate-damaged-log, the node starts and says on stderr what it dropped', async () => {
    const cli = run(['--port', '0', '--db', dataDir, '--truncate-damaged-log']);
    await cli.printed(/Connection string: (\S+)/);
    const warning = (await cli.printed(/^.*truncateDamagedLog cut the log there.*$/m, 'stderr'))[0];
    expect(warning).toBe(
      `${logPath}: damaged at byte ${damagedAt}; truncateDamagedLog cut the log there, dropping ` +
        `${logLength - damagedAt} bytes that held 1 intact write (1 event).`,
    );
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });
});

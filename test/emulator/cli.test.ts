// `esdbclient-emulator` on the command line: it prints how to connect, serves, and stops cleanly on a signal.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChannelCredentials } from '@grpc/grpc-js';
import { createChannel, createClient } from 'nice-grpc';
import { GossipDefinition } from '../../src/generated/gossip.js';

jest.setTimeout(60_000);

const root = join(__dirname, '..', '..');

function run(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/emulator/cli.ts', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const printed = async (pattern: RegExp): Promise<RegExpExecArray> => {
    for (;;) {
      const match = pattern.exec(output);
      if (match !== null) return match;
      if (child.exitCode !== null) throw new Error(`the emulator exited: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return { child, exited, printed, output: () => output };
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

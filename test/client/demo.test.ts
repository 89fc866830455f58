// `npm run demo` (src/demo.ts): the quick start runs against the emulator it starts itself, shows every step,
// including both kinds of subscription, and exits by itself with status 0.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

jest.setTimeout(90_000);

const root = join(__dirname, '..', '..');

test('the demo appends, reads, subscribes, consumes a persistent subscription, and exits by itself', async () => {
  const env = { ...process.env };
  delete env.ESDB_URI;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/demo.ts'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const outcome = await new Promise<string>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve('did not exit within 60 s');
    }, 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(`exit status ${code}`);
    });
  });
  expect(`${outcome}${outcome === 'exit status 0' ? '' : `\n${output}`}`).toBe('exit status 0');
  expect(output).toMatch(/Started an embedded emulator: esdb:\/\/127\.0\.0\.1:\d+\?tls=false/);
  expect(output).toMatch(/Refused a stale append: expected 0, actual 2/);
  expect(output).toMatch(
    /Catch-up subscription[^\n]*\n {2}\S+ #1 OrderUpdated\n {2}\S+ #2 OrderShipped\n {2}\S+ #3 OrderDelivered\n/,
  );
  expect(output).toMatch(
    /Persistent subscription[^\n]*\n {2}#0 OrderCreated \(delivered before: 0 times\)\n(?: {2}#\d \w+ .*\n){2} {2}#3 OrderDelivered/,
  );
});

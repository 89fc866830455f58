// `make build` must give a package whose "exports" map serves both module systems with declarations.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

function node(args: string[]): string {
  // Runs in the project folder so that `esdbclient` resolves to this package through its own exports map.
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim();
}

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'pipe' });
}, 120_000);

test('require("esdbclient") loads the CommonJS build', () => {
  const out = node(['-e', 'console.log(require("esdbclient").protocol.streams.StreamsDefinition.fullName)']);
  expect(out).toBe('event_store.client.streams.Streams');
});

test('import "esdbclient" loads the ES module build', () => {
  const script = 'import("esdbclient").then((m) => console.log(m.protocol.gossip.GossipDefinition.fullName))';
  expect(node(['--input-type=module', '-e', script])).toBe('event_store.client.gossip.Gossip');
});

test('esdbclient/emulator starts a node from both builds', () => {
  const script = (load: string): string =>
    `${load}.then(async (m) => { const e = await m.startEmulator(); console.log(e.uri.startsWith('esdb://')); await e.stop(); })`;
  expect(node(['-e', script('Promise.resolve(require("esdbclient/emulator"))')])).toBe('true');
  expect(node(['--input-type=module', '-e', script('import("esdbclient/emulator")')])).toBe('true');
});

test('both builds ship declarations', () => {
  for (const flavour of ['cjs', 'esm']) {
    expect(existsSync(join(root, 'dist', flavour, 'client', 'index.d.ts'))).toBe(true);
    expect(existsSync(join(root, 'dist', flavour, 'generated', 'streams.d.ts'))).toBe(true);
    expect(existsSync(join(root, 'dist', flavour, 'emulator', 'index.d.ts'))).toBe(true);
  }
});

// The package as users get it: `npm pack` (whose prepack builds dist/), installed into a scratch project of
// its own, then used from there through the "exports" map and the bin, with none of this repository's sources
// or node_modules in reach. One pack and one install serve every test.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { tarballEntries, type TarballEntry } from './tarball-entries.js';

const root = join(__dirname, '..', '..');
let scratch: string;
let packed: TarballEntry[];

/** Runs a command in the scratch project and returns its standard output. */
function inScratch(command: string, args: readonly string[], timeout = 120_000): string {
  return execFileSync(command, args, { cwd: scratch, encoding: 'utf8', timeout, stdio: 'pipe' });
}

/** The last line a script printed, as JSON: the scripts below report what they saw that way. */
function reportOf(output: string): unknown {
  return JSON.parse(output.trim().split('\n').at(-1) ?? 'null');
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'esdbclient-pack-'));
  execFileSync('npm', ['pack', '--pack-destination', scratch], { cwd: root, stdio: 'pipe' });
  const tarball = readdirSync(scratch).find((name) => name.endsWith('.tgz'));
  if (tarball === undefined) throw new Error('npm pack wrote no tarball');
  packed = tarballEntries(join(scratch, tarball));
  writeFileSync(join(scratch, 'package.json'), `${JSON.stringify({ name: 'scratch', private: true })}\n`);
  // Dependencies come from the cache `npm ci` filled; the registry is asked only for what is missing.
  inScratch('npm', ['install', `./${tarball}`, '--prefer-offline', '--no-audit', '--no-fund'], 240_000);
}, 360_000);

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('the tarball', () => {
  const paths = (): string[] => packed.map((entry) => entry.path.replace(/^package\//, ''));

  it('ships both builds with their declarations, and no sources, tests or benchmarks', () => {
    for (const flavour of ['cjs', 'esm']) {
      for (const file of ['client/index', 'client/protocol', 'emulator/index', 'generated/streams']) {
        expect(paths()).toContain(`dist/${flavour}/${file}.js`);
        expect(paths()).toContain(`dist/${flavour}/${file}.d.ts`);
      }
      expect(paths()).toContain(`dist/${flavour}/package.json`);
    }
    expect(paths()).toContain('package.json');
    expect(paths().filter((path) => /^(src|test|bench|proto|scripts)\//.test(path))).toEqual([]);
  });

  it('has the bin executable', () => {
    const bin = packed.find((entry) => entry.path === 'package/dist/cjs/emulator/cli.js');
    expect(bin?.mode).toBe(0o755);
  });

  it('installs without node-forge', () => {
    expect(existsSync(join(scratch, 'node_modules', 'esdbclient', 'dist'))).toBe(true);
    expect(existsSync(join(scratch, 'node_modules', 'node-forge'))).toBe(false);
  });
});

test('require("esdbclient") loads the CommonJS client and nothing of the emulator', () => {
  const script = `
    const { sep } = require('node:path');
    const client = require('esdbclient');
    const protocol = require('esdbclient/protocol');
    const emulatorModules = Object.keys(require.cache)
      .map((file) => file.split(sep).join('/'))
      .filter((file) => new RegExp('/dist/[^/]+/emulator/').test(file));
    const emulator = require('esdbclient/emulator');
    console.log(JSON.stringify({
      client: typeof client.EsdbClient,
      service: protocol.streams.StreamsDefinition.fullName,
      protocolInMainEntry: 'protocol' in client,
      entry: require.resolve('esdbclient').split(sep).join('/'),
      emulatorModules,
      startEmulator: typeof emulator.startEmulator,
    }));`;
  writeFileSync(join(scratch, 'require-client.cjs'), script);
  const report = reportOf(inScratch(process.execPath, ['require-client.cjs']));
  expect(report).toEqual({
    client: 'function',
    service: 'event_store.client.streams.Streams',
    protocolInMainEntry: false,
    entry: expect.stringMatching(/\/node_modules\/esdbclient\/dist\/cjs\/client\/index\.js$/) as unknown,
    emulatorModules: [],
    startEmulator: 'function',
  });
});

test('instanceof holds between the errors of the CommonJS and the ES module builds in one process', () => {
  const script = `
    const cjs = require('esdbclient');
    import('esdbclient').then((esm) => {
      const fromCjs = new cjs.ExpectedPositionError('s', 0n, 1n);
      const fromEsm = new esm.StreamNotFoundError('s');
      console.log(JSON.stringify({
        twoCopies: cjs.EsdbError !== esm.EsdbError,
        cjsErrorIsEsmClass: fromCjs instanceof esm.ExpectedPositionError && fromCjs instanceof esm.EsdbError,
        esmErrorIsCjsClass: fromEsm instanceof cjs.StreamNotFoundError && fromEsm instanceof cjs.EsdbError,
        siblingIsNot: fromEsm instanceof cjs.StreamDeletedError,
      }));
    });`;
  writeFileSync(join(scratch, 'dual-package.cjs'), script);
  expect(reportOf(inScratch(process.execPath, ['dual-package.cjs']))).toEqual({
    twoCopies: true,
    cjsErrorIsEsmClass: true,
    esmErrorIsCjsClass: true,
    siblingIsNot: false,
  });
});

test('the ES module builds append and read an event against an emulator, then let the process exit', () => {
  const script = `
    import { EsdbClient, NewEvent } from 'esdbclient';
    import { streams } from 'esdbclient/protocol';
    import { startEmulator } from 'esdbclient/emulator';

    const emulator = await startEmulator({ secure: false, port: 0 });
    const client = new EsdbClient({ uri: emulator.uri });
    try {
      const streamName = 'packaged-1';
      const data = new TextEncoder().encode('{"packed":true}');
      const events = [new NewEvent({ type: 'Packed', data })];
      await client.appendEvents({ streamName, expectedPosition: null, events });
      const read = [];
      for await (const event of client.readStreamEvents({ streamName })) {
        read.push({ type: event.type, data: new TextDecoder().decode(event.data) });
      }
      console.log(JSON.stringify({
        read,
        service: streams.StreamsDefinition.fullName,
        entries: ['esdbclient', 'esdbclient/emulator'].map((name) => import.meta.resolve(name)),
      }));
    } finally {
      await client.close();
      await emulator.stop();
    }`;
  writeFileSync(join(scratch, 'round-trip.mjs'), script);
  // The timeout also fails an emulator or a client that keeps the process alive after stopping.
  const report = reportOf(inScratch(process.execPath, ['round-trip.mjs'], 60_000));
  expect(report).toEqual({
    read: [{ type: 'Packed', data: '{"packed":true}' }],
    service: 'event_store.client.streams.Streams',
    entries: [
      expect.stringMatching(/\/node_modules\/esdbclient\/dist\/esm\/client\/index\.js$/) as unknown,
      expect.stringMatching(/\/node_modules\/esdbclient\/dist\/esm\/emulator\/index\.js$/) as unknown,
    ],
  });
}, 90_000);

test('TypeScript consumers get the declarations of both builds through the exports map', () => {
  const usage = `
    import { EsdbClient, NewEvent } from 'esdbclient';
    import { streams } from 'esdbclient/protocol';
    import { startEmulator, type RunningEmulator } from 'esdbclient/emulator';

    export async function appendOne(emulator: RunningEmulator): Promise<bigint> {
      const client = new EsdbClient({ uri: emulator.uri });
      const events = [new NewEvent({ type: 'Typed', data: new Uint8Array() })];
      return client.appendEvents({ streamName: 's', expectedPosition: null, events });
    }
    export const service: string = streams.StreamsDefinition.fullName;
    export const start: () => Promise<RunningEmulator> = () => startEmulator();
    // Each @ts-expect-error proves a type is real, not \`any\`: a number is no connection string, and
    // the generated clients' call options (from nice-grpc-common, a dependency for that reason) take
    // no string deadline.
    // @ts-expect-error
    new EsdbClient({ uri: 42 });
    // @ts-expect-error
    export const late: NonNullable<Parameters<streams.StreamsClient['read']>[1]> = { deadline: 'soon' };
  `;
  writeFileSync(join(scratch, 'consumer.cts'), usage);
  writeFileSync(join(scratch, 'consumer.mts'), usage);
  const compilerOptions = {
    module: 'node16',
    moduleResolution: 'node16',
    target: 'es2022',
    strict: true,
    noEmit: true,
    // Checking every declaration file (this package's, its dependencies', Node's) would triple the time; the
    // expectations in the usage above fail instead when a declaration the package relies on cannot be found.
    skipLibCheck: true,
    types: ['node'],
    typeRoots: [join(root, 'node_modules', '@types')],
  };
  const tsconfig = { compilerOptions, files: ['consumer.cts', 'consumer.mts'] };
  writeFileSync(join(scratch, 'tsconfig.json'), JSON.stringify(tsconfig));
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  expect(inScratch(process.execPath, [tsc, '-p', 'tsconfig.json'])).toBe('');
}, 60_000);

test('npx esdbclient-emulator --help prints the usage and exits 0', () => {
  // `--no`: never fetch a package of that name from the registry. execFileSync throws on a non-zero exit.
  const usage = inScratch('npx', ['--no', '--', 'esdbclient-emulator', '--help']);
  expect(usage).toMatch(/^Usage: esdbclient-emulator /);
  for (const option of [
    '--insecure',
    '--secure',
    '--host',
    '--port',
    '--db',
    '--truncate-damaged-log',
    '--cluster-size',
    '--read-only-replica',
  ]) {
    expect(usage).toContain(option);
  }
});

// The benchmark harness itself (issue 6): a tiny run of every scenario completes end to end and writes a
// well-formed latest.json, latest.md and latest.svg. No timing is asserted: benchmarks are not tests.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchResults } from '../../bench/bench-results.js';
import { SCENARIO_IDS } from '../../bench/config.js';
import { median, quantile } from '../../bench/stats.js';
import { bottleneckOf } from '../../bench/summary.js';

jest.setTimeout(120_000);

const root = join(__dirname, '..', '..');

function runBenchCli(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join('bench', 'run.ts'), ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      resolve({ code, output });
    });
  });
}

describe('a tiny benchmark run', () => {
  let outDir: string;
  let results: BenchResults;
  let markdown: string;
  let svg: string;
  const committed = join(root, 'bench', 'results', 'latest.json');
  const committedMtime = existsSync(committed) ? statSync(committed).mtimeMs : undefined;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'esdbclient-bench-test-'));
    const { code, output } = await runBenchCli(['--tiny', '--rounds', '1', '--out', outDir]);
    if (code !== 0) throw new Error(`the benchmark exited with ${String(code)}:\n${output}`);
    results = JSON.parse(readFileSync(join(outDir, 'latest.json'), 'utf8')) as BenchResults;
    markdown = readFileSync(join(outDir, 'latest.md'), 'utf8');
    svg = readFileSync(join(outDir, 'latest.svg'), 'utf8');
  });

  afterAll(() => {
    rmSync(outDir, { recursive: true, force: true });
  });

  test('the results say where, when and what ran', () => {
    expect(results.format).toBe(1);
    expect(results.preset).toBe('tiny');
    expect(results.rounds).toBe(1);
    expect(results.memoryRounds).toBe(1);
    expect(results.machine.node).toBe(process.version);
    expect(results.machine.commit).toMatch(/^[0-9a-f]{7,}(\+dirty)?$|^unknown$/);
    expect(Number.isNaN(Date.parse(results.machine.date))).toBe(false);
    expect(results.machine.cores).toBeGreaterThan(0);
    expect(results.scenarios).toEqual([...SCENARIO_IDS]);
  });

  test('every scenario has a summary, and every client ran it or said why not', () => {
    expect(results.summaries.map((summary) => summary.scenario)).toEqual([...SCENARIO_IDS]);
    for (const summary of results.summaries) {
      const expected = summary.scenario === 's7-floor-read-stream' ? ['floor'] : ['ours', 'official'];
      expect(summary.clients.map((client) => client.client)).toEqual(expected);
      for (const client of summary.clients) {
        // The official client and the floor can run everything; ours may not offer everything yet ("n/a"),
        // but nothing may fail.
        expect(client.status === 'ok' || (client.client === 'ours' && client.status === 'n/a')).toBe(true);
        if (client.status !== 'ok') {
          expect(client.note).toEqual(expect.any(String));
          continue;
        }
        const figures = client.figures;
        expect(figures).toBeDefined();
        if (figures === undefined) continue;
        expect(figures.runs).toBe(1);
        expect(figures.eventsPerSecond).toBeGreaterThan(0);
        expect(figures.wallMs).toBeGreaterThan(0);
        expect(figures.cpuMs).toBeGreaterThan(0);
        expect(figures.peakRssMb).toBeGreaterThan(10);
        expect(figures.emulatorCpuMs).toEqual(expect.any(Number));
        expect(figures.otherCpuShare).toEqual(expect.any(Number));
        expect(figures.bottleneck).toMatch(/^(client CPU|emulator CPU|network stack)/);
      }
    }
  });

  test('scenario-specific figures are there: latency, catch-up, RSS over the read', () => {
    const official = (scenario: string) =>
      results.summaries
        .find((summary) => summary.scenario === scenario)
        ?.clients.find((client) => client.client === 'official')?.figures;
    expect(official('s1-sequential-appends')?.latencyP99Ms).toBeGreaterThan(0);
    expect(official('s6-catch-up-subscription')?.caughtUpMs).toBeGreaterThan(0);
    expect(official('s6-catch-up-subscription')?.liveEventsPerSecond).toBeGreaterThan(0);
    expect(official('memory')?.rssTraceMb).toHaveLength(10);
  });

  test('every run is recorded, and the events really arrived', () => {
    expect(results.runs).toHaveLength(15);
    const read = results.runs.find((run) => run.scenario === 's4-read-stream' && run.client === 'official');
    expect(read?.outcome.status).toBe('ok');
    if (read?.outcome.status === 'ok') {
      expect(read.outcome.headline.events).toBe(results.sizes.readEvents);
      expect(read.outcome.dataBytes).toBe(results.sizes.readEvents * results.sizes.eventBytes);
    }
  });

  test('every target of the issue is reported as met, missed or not measured', () => {
    expect(results.targets).toHaveLength(8);
    for (const check of results.targets) {
      expect([true, false, null]).toContain(check.met);
      expect(check.detail).not.toBe('');
    }
  });

  test('the Markdown report has the machine, the table with ratios, and the targets', () => {
    expect(markdown).toContain(`Node ${process.version}`);
    expect(markdown).toContain('| Scenario | Client | events/s |');
    expect(markdown).toContain('**ours/official**');
    expect(markdown).toContain('## Targets (issue 6)');
    for (const summary of results.summaries) expect(markdown).toContain(summary.title);
  });

  test('the chart is an SVG document with one bar per measured client', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    const measured = results.summaries.flatMap((summary) =>
      summary.clients.filter((client) => client.figures !== undefined),
    );
    expect(svg.match(/<rect x="\d+" y="\d+" width="[\d.]+" height="16"/g)).toHaveLength(measured.length);
  });

  test('the committed results are left alone', () => {
    expect(existsSync(committed) ? statSync(committed).mtimeMs : undefined).toBe(committedMtime);
  });
});

describe('the harness arithmetic', () => {
  test('median and nearest-rank quantiles', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(quantile(hundred, 0.5)).toBe(50);
    expect(quantile(hundred, 0.99)).toBe(99);
    expect(quantile([7], 0.99)).toBe(7);
  });

  test('the bottleneck is the process using most of a core, else the round trips', () => {
    expect(bottleneckOf(0.95, 0.4)).toMatch(/^client CPU/);
    expect(bottleneckOf(0.5, 0.9)).toMatch(/^emulator CPU/);
    expect(bottleneckOf(0.9, 0.95)).toMatch(/^emulator CPU/);
    expect(bottleneckOf(0.5, 0.4)).toMatch(/^network stack/);
    expect(bottleneckOf(0.95, null)).toMatch(/^client CPU/);
  });
});

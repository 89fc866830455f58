// The benchmark harness itself (issues 6 and 11): a tiny run of every scenario completes end to end and writes a
// well-formed latest.json, latest.md and latest.svg. No timing is asserted: benchmarks are not tests; the
// targets' arithmetic is checked on made-up figures.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchResults } from '../../bench/bench-results.js';
import { FULL_SIZES, QUICK_SIZES, SCENARIO_IDS, type ScenarioId, TINY_SIZES } from '../../bench/config.js';
import { BENCH_EVENT_TYPE } from '../../bench/raw-requests.js';
import { median, quantile } from '../../bench/stats.js';
import { bottleneckOf, type ClientFigures, type ScenarioSummary } from '../../bench/summary.js';
import { checkTargets } from '../../bench/targets.js';

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

  test('scenario-specific figures are there: latency, MiB/s, catch-up, RSS over the read', () => {
    const official = (scenario: string) =>
      results.summaries
        .find((summary) => summary.scenario === scenario)
        ?.clients.find((client) => client.client === 'official')?.figures;
    for (const scenario of ['s1-sequential-appends', 's8-concurrent-writers', 's10-read-your-writes']) {
      expect(official(scenario)?.latencyP50Ms).toBeGreaterThan(0);
      expect(official(scenario)?.latencyP99Ms).toBeGreaterThanOrEqual(official(scenario)?.latencyP50Ms ?? 0);
    }
    expect(official('s2-batch-appends')?.latencyP50Ms).toBeUndefined();
    expect(official('s9-large-appends')?.dataMiBPerSecond).toBeGreaterThan(0);
    expect(official('s6-catch-up-subscription')?.caughtUpMs).toBeGreaterThan(0);
    expect(official('s6-catch-up-subscription')?.liveEventsPerSecond).toBeGreaterThan(0);
    expect(official('memory')?.rssTraceMb).toHaveLength(10);
  });

  test('every run is recorded, and the events really arrived', () => {
    expect(results.runs).toHaveLength(21);
    const outcome = (scenario: string) =>
      results.runs.find((run) => run.scenario === scenario && run.client === 'official')?.outcome;
    const { sizes } = results;
    const expected: [string, number, number][] = [
      ['s4-read-stream', sizes.readEvents, sizes.readEvents * sizes.eventBytes],
      [
        's8-concurrent-writers',
        sizes.writers * sizes.appendsPerWriter,
        sizes.writers * sizes.appendsPerWriter * sizes.eventBytes,
      ],
      [
        's9-large-appends',
        sizes.largeAppends * sizes.largeAppendEvents,
        sizes.largeAppends * sizes.largeAppendEvents * sizes.largeEventBytes,
      ],
      ['s10-read-your-writes', sizes.roundTrips, sizes.roundTrips * sizes.eventBytes],
    ];
    for (const [scenario, events, bytes] of expected) {
      const run = outcome(scenario);
      expect(run?.status).toBe('ok');
      if (run?.status !== 'ok') continue;
      expect(run.headline.events).toBe(events);
      expect(run.dataBytes).toBe(bytes);
    }
  });

  test('every target of the issue is reported as met, missed or not measured', () => {
    expect(results.targets).toHaveLength(16);
    for (const check of results.targets) {
      expect([true, false, null]).toContain(check.met);
      expect(check.detail).not.toBe('');
    }
  });

  test('the Markdown report has the machine, the table with ratios, and the targets', () => {
    expect(markdown).toContain(`Node ${process.version}`);
    expect(markdown).toContain('| Scenario | Client | events/s |');
    expect(markdown).toContain('**ours/official**');
    expect(markdown).toContain('## Latency');
    expect(markdown).toContain('| Scenario 10 | append, then read it back | ours |');
    expect(markdown).toContain('## Targets (issues 6 and 11)');
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

  test("scenario 9's appends are near the server's 1 MiB maximum but under it, in every preset", () => {
    for (const sizes of [FULL_SIZES, QUICK_SIZES, TINY_SIZES]) {
      // An event counts its data, its custom metadata (none) and twice the UTF-16 length of its type (§3.18).
      const counted = sizes.largeAppendEvents * (sizes.largeEventBytes + 2 * BENCH_EVENT_TYPE.length);
      expect(counted).toBeLessThanOrEqual(1_048_576);
      expect(counted).toBeGreaterThan(1_000_000);
    }
  });

  test('the targets compare ours with the official client in the direction each asks for', () => {
    const met = new Map(
      checkTargets([
        summaryOf(
          's1-sequential-appends',
          { eventsPerSecond: 1_000, latencyP50Ms: 0.5, cpuUsPerEvent: 100 },
          { eventsPerSecond: 1_000, latencyP50Ms: 0.6, cpuUsPerEvent: 90 },
        ),
        summaryOf(
          's8-concurrent-writers',
          { eventsPerSecond: 1_400, cpuUsPerEvent: 50 },
          { eventsPerSecond: 1_000, cpuUsPerEvent: 60 },
        ),
      ]).map((check) => [check.target, check.met]),
    );
    expect(met.get("s1-sequential-appends: events/s ≥ 1.0× the official client's")).toBe(true);
    expect(met.get("s1-sequential-appends: p50 latency ≤ the official client's")).toBe(true);
    expect(met.get("s1-sequential-appends: client CPU per append ≤ the official client's")).toBe(false);
    expect(met.get("s8-concurrent-writers: events/s ≥ 1.5× the official client's")).toBe(false);
    expect(met.get("s8-concurrent-writers: client CPU per append ≤ the official client's")).toBe(true);
    expect(met.get("s2-batch-appends: events/s ≥ 1.5× the official client's")).toBeNull();
    expect(met.get("s4-read-stream: events/s ≥ 2.0× the official client's")).toBeNull();
  });
});

/** A scenario's summary with made-up figures for ours and the official client. */
function summaryOf(
  scenario: ScenarioId,
  ours: Partial<ClientFigures>,
  official: Partial<ClientFigures>,
): ScenarioSummary {
  const base: ClientFigures = {
    runs: 1,
    eventsPerSecond: 1,
    wallMs: 1,
    cpuMs: 1,
    cpuUsPerEvent: 1,
    peakRssMb: 50,
    emulatorCpuMs: 1,
    clientCpuShare: 0.5,
    emulatorCpuShare: 0.5,
    otherCpuShare: 0,
    bottleneck: 'network stack / round trips',
    dataMiBPerSecond: 1,
  };
  return {
    scenario,
    title: scenario,
    clients: [
      { client: 'ours', status: 'ok', figures: { ...base, ...ours } },
      { client: 'official', status: 'ok', figures: { ...base, ...official } },
    ],
    ratios: null,
  };
}

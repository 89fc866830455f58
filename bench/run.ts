/**
 * `npm run bench`: runs the benchmark of issues 6 and 11 and writes `bench/results/latest.{json,md,svg}`.
 *
 *   npm run bench                      the full run (5 rounds, the memory scenario 3; the issues' sizes)
 *   npm run bench -- --quick           a tenth of the events, 1 round
 *   npm run bench -- --tiny            a few events per scenario (the harness's test uses it)
 *   options: --rounds N, --scenarios 1,4,10,memory, --out DIR, --cpu-prof DIR (V8 CPU profiles of every process),
 *            --report-only (rewrite latest.md and latest.svg from latest.json, running nothing)
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type BenchConfig,
  FULL_MEMORY_ROUNDS,
  FULL_ROUNDS,
  FULL_SIZES,
  QUICK_ROUNDS,
  QUICK_SIZES,
  SCENARIO_IDS,
  type ScenarioId,
  TINY_SIZES,
} from './config.js';
import type { BenchResults } from './bench-results.js';
import { runBench } from './harness.js';
import { latencyTable, resultsTable, targetsTable } from './report/markdown.js';
import { writeResults } from './report/write-results.js';

const usage =
  'Usage: npm run bench -- [--quick | --tiny] [--rounds N] [--scenarios 1,2,...,10,memory] [--out DIR] [--cpu-prof DIR] [--report-only]';

/** `4` or `s4-read-stream` or `memory` → the scenario id. */
function scenarioOf(text: string): ScenarioId {
  const found = SCENARIO_IDS.find((id) => id === text || id.startsWith(`s${text}-`));
  if (found === undefined) throw new Error(`unknown scenario '${text}'; known: ${SCENARIO_IDS.join(', ')}`);
  return found;
}

function configOf(argv: readonly string[]): { config: BenchConfig; reportOnly: boolean } {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean' },
      tiny: { type: 'boolean' },
      rounds: { type: 'string' },
      scenarios: { type: 'string' },
      out: { type: 'string' },
      'cpu-prof': { type: 'string' },
      'report-only': { type: 'boolean' },
    },
  });
  if (values.quick === true && values.tiny === true) throw new Error('choose --quick or --tiny');
  const preset = values.tiny === true ? 'tiny' : values.quick === true ? 'quick' : 'full';
  const sizes = preset === 'tiny' ? TINY_SIZES : preset === 'quick' ? QUICK_SIZES : FULL_SIZES;
  const rounds = Number(values.rounds ?? (preset === 'full' ? FULL_ROUNDS : QUICK_ROUNDS));
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`bad --rounds: ${values.rounds ?? ''}`);
  const scenarios =
    values.scenarios === undefined
      ? [...SCENARIO_IDS]
      : values.scenarios.split(',').map((s) => scenarioOf(s.trim()));
  const config: BenchConfig = {
    preset,
    rounds,
    memoryRounds: preset === 'full' ? FULL_MEMORY_ROUNDS : rounds,
    scenarios,
    sizes,
    outDir: values.out ?? join(__dirname, 'results'),
    runTimeoutMs: preset === 'full' ? 180_000 : 60_000,
    profileDir: values['cpu-prof'] === undefined ? undefined : resolve(values['cpu-prof']),
  };
  return { config, reportOnly: values['report-only'] === true };
}

async function main(): Promise<void> {
  let config: BenchConfig;
  let reportOnly: boolean;
  try {
    ({ config, reportOnly } = configOf(process.argv.slice(2)));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    console.error(usage);
    process.exit(2);
  }
  const results = reportOnly
    ? (JSON.parse(readFileSync(join(config.outDir, 'latest.json'), 'utf8')) as BenchResults)
    : await runBench(config, (line) => {
        console.log(line);
      });
  const files = writeResults(config.outDir, results);
  const latencies = latencyTable(results);
  const tables = [
    resultsTable(results),
    ...(latencies === undefined ? [] : [latencies]),
    targetsTable(results),
  ];
  console.log(`\n${tables.join('\n\n')}\n`);
  console.log(
    `Wrote ${files.json}, ${files.markdown} and ${files.svg} (the run took ${results.durationSeconds} s).`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

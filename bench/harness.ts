/**
 * The benchmark: starts the emulator in its own process, seeds it, then runs every scenario in fresh client
 * processes, alternating ours and the official client within each round, and summarises the runs.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { BenchResults } from './bench-results.js';
import { type BenchBuild, buildForBench } from './build.js';
import type { BenchConfig, ClientName, ScenarioId } from './config.js';
import { type ClientProcessOptions, runInClientProcess } from './client-process.js';
import { type EmulatorProcess, startEmulatorProcess } from './emulator-process.js';
import type { RunOutcome, RunTask } from './protocol.js';
import { machineInfo } from './report/machine.js';
import { type Phase, SCENARIOS } from './scenario-catalogue.js';
import { Seeder } from './seeder.js';
import { ratiosOf, type RunRecord, type ScenarioSummary, summariseClient } from './summary.js';
import { checkTargets } from './targets.js';

/** The stream scenarios 4 and 7 read, seeded once per read emulator. */
const READ_CORPUS = 'bench-read-corpus';
/** The stream the memory scenario reads. */
const MEMORY_CORPUS = 'bench-memory-corpus';
/** Scenario 6's live events are appended in batches of this many. */
const LIVE_BATCH = 100;

const PHASES: readonly Phase[] = ['writes', 'reads', 'memory'];

/** Progress lines go here (the CLI prints them; a test may drop them). */
export type Log = (line: string) => void;

function shortOutcome(outcome: RunOutcome): string {
  switch (outcome.status) {
    case 'ok': {
      const { headline } = outcome;
      const rate = Math.round((headline.events * 1000) / headline.wallMs).toLocaleString('en-US');
      const emulator = headline.emulatorCpuMs === null ? '?' : Math.round(headline.emulatorCpuMs);
      return `${rate} events/s, client CPU ${Math.round(headline.cpuMs)} ms, emulator CPU ${emulator} ms, wall ${Math.round(headline.wallMs)} ms, peak RSS ${outcome.peakRssMb.toFixed(0)} MB`;
    }
    case 'n/a':
      return `n/a: ${outcome.reason}`;
    case 'error':
      return `error: ${outcome.message}`;
  }
}

/** Node options that make a process write a CPU profile named `name` into the configured directory. */
function profiling(config: BenchConfig, name: string): string[] {
  if (config.profileDir === undefined) return [];
  return ['--cpu-prof', `--cpu-prof-dir=${config.profileDir}`, `--cpu-prof-name=${name}.cpuprofile`];
}

/** Appends scenario 6's live events once its subscriber has caught up. */
async function writeLive(seeder: Seeder, stream: string, count: number): Promise<void> {
  for (let done = 0; done < count; done += LIVE_BATCH) {
    await seeder.append(stream, Math.min(LIVE_BATCH, count - done));
  }
}

/** Runs the scenarios of one phase against one emulator, round after round. */
async function runPhase(
  config: BenchConfig,
  build: BenchBuild,
  phase: Phase,
  scenarios: readonly ScenarioId[],
  log: Log,
  records: RunRecord[],
): Promise<void> {
  const { sizes } = config;
  const emulator: EmulatorProcess = await startEmulatorProcess(
    build.emulatorCli,
    profiling(config, `emulator-${phase}`),
  );
  const seeder = new Seeder(emulator.address, sizes.eventBytes);
  try {
    log(`emulator pid ${emulator.pid} on ${emulator.address}`);
    // Scenarios 4, 5 and 7 read the corpus ($all from its start holds the start-up records, then the corpus).
    const readsCorpus = scenarios.some(
      (id) => SCENARIOS[id].phase === 'reads' && id !== 's6-catch-up-subscription',
    );
    if (readsCorpus) {
      log(`seeding ${sizes.readEvents.toLocaleString('en-US')} events into ${READ_CORPUS}`);
      await seeder.seed(READ_CORPUS, sizes.readEvents);
    }
    if (phase === 'writes') {
      log('warming the emulator up: appends');
      await seeder.warmUp('writes');
    } else if (readsCorpus) {
      log('warming the emulator up: reads');
      await seeder.warmUp('reads', { stream: READ_CORPUS, events: sizes.readEvents });
    }
    if (scenarios.includes('memory')) {
      log(`seeding ${sizes.memoryEvents.toLocaleString('en-US')} events into ${MEMORY_CORPUS}`);
      await seeder.seed(MEMORY_CORPUS, sizes.memoryEvents);
    }
    const rounds = phase === 'memory' ? Math.min(config.rounds, config.memoryRounds) : config.rounds;
    for (let round = 1; round <= rounds; round += 1) {
      for (const scenario of scenarios) {
        for (const client of SCENARIOS[scenario].clients) {
          const launch: ClientProcessOptions = {
            worker: build.worker,
            timeoutMs: config.runTimeoutMs,
            nodeOptions: profiling(config, `${scenario}-${client}-round${round}`),
          };
          const outcome = await runOne(config, launch, emulator, seeder, scenario, client);
          records.push({ scenario, client, round, outcome });
          log(`round ${round}/${rounds} ${scenario} ${client}: ${shortOutcome(outcome)}`);
        }
      }
    }
  } finally {
    seeder.close();
    await emulator.stop();
  }
}

async function runOne(
  config: BenchConfig,
  launch: ClientProcessOptions,
  emulator: EmulatorProcess,
  seeder: Seeder,
  scenario: ScenarioId,
  client: ClientName,
): Promise<RunOutcome> {
  const runId = `bench-${client}-${randomUUID()}`;
  const base: RunTask = {
    scenario,
    client,
    uri: emulator.uri,
    address: emulator.address,
    emulatorPid: emulator.pid,
    sizes: config.sizes,
    runId,
  };
  switch (scenario) {
    case 's4-read-stream':
    case 's5-read-all':
    case 's7-floor-read-stream':
      return runInClientProcess(launch, { ...base, stream: READ_CORPUS });
    case 'memory':
      return runInClientProcess(launch, { ...base, stream: MEMORY_CORPUS });
    case 's6-catch-up-subscription': {
      // The subscription starts after the last event so far and must see exactly this run's seeded events,
      // then the live ones.
      const after = await seeder.lastPosition();
      await seeder.seed(`${runId}-history`, config.sizes.readEvents);
      let live: Promise<void> | undefined;
      const outcome = await runInClientProcess(launch, { ...base, after }, () => {
        live ??= writeLive(seeder, `${runId}-live`, config.sizes.liveEvents);
      });
      await live?.catch(() => undefined);
      return outcome;
    }
    default:
      return runInClientProcess(launch, base);
  }
}

/** Runs the benchmark described by `config` and returns its results (writing them is the caller's job). */
export async function runBench(config: BenchConfig, log: Log): Promise<BenchResults> {
  const started = performance.now();
  const machine = machineInfo();
  const records: RunRecord[] = [];
  log('compiling the benchmark, the clients and the emulator');
  const build = buildForBench();
  try {
    for (const phase of PHASES) {
      const scenarios = config.scenarios.filter((id) => SCENARIOS[id].phase === phase);
      if (scenarios.length > 0) await runPhase(config, build, phase, scenarios, log, records);
    }
  } finally {
    build.remove();
  }
  const summaries: ScenarioSummary[] = config.scenarios.map((scenario) => {
    const clients = SCENARIOS[scenario].clients.map((client) =>
      summariseClient(
        client,
        records.filter((run) => run.scenario === scenario && run.client === client).map((run) => run.outcome),
      ),
    );
    return { scenario, title: SCENARIOS[scenario].title(config.sizes), clients, ratios: ratiosOf(clients) };
  });
  return {
    format: 1,
    machine,
    preset: config.preset,
    rounds: config.rounds,
    memoryRounds: Math.min(config.rounds, config.memoryRounds),
    scenarios: config.scenarios,
    sizes: config.sizes,
    durationSeconds: Math.round((performance.now() - started) / 100) / 10,
    summaries,
    targets: checkTargets(summaries),
    runs: records,
  };
}

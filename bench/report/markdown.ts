/** `latest.md`: the run's table with ratios and bottlenecks, the targets, and how it was measured. */
import type { BenchResults } from '../bench-results.js';
import type { ScenarioId } from '../config.js';
import { SCENARIOS } from '../scenario-catalogue.js';
import type { ClientSummary, ScenarioSummary } from '../summary.js';
import { fixed, times, whole } from './format.js';

const CLIENT_LABEL = { ours: 'ours', official: 'official', floor: 'raw floor' } as const;

function clientRow(title: string, summary: ClientSummary): string {
  const label = CLIENT_LABEL[summary.client];
  const f = summary.figures;
  if (f === undefined) {
    const what = summary.status === 'n/a' ? 'n/a' : 'error';
    return `| ${title} | ${label} | ${what}: ${escape(summary.note ?? '')} | | | | | | | |`;
  }
  const note = summary.note === undefined ? '' : ` (${escape(summary.note)})`;
  const others = f.otherCpuShare === null ? '–' : `${Math.round(f.otherCpuShare * 100)}%`;
  return `| ${title} | ${label} | ${whole(f.eventsPerSecond)} | ${whole(f.wallMs)} | ${whole(f.cpuMs)} | ${fixed(f.cpuUsPerEvent, 2)} | ${fixed(f.peakRssMb, 0)} | ${whole(f.emulatorCpuMs)} | ${f.bottleneck}${note} | ${others} |`;
}

function ratioRow(summary: ScenarioSummary): string | undefined {
  const r = summary.ratios;
  if (r === null) return undefined;
  return `| | **ours/official** | **${times(r.eventsPerSecond)}** | | | ${times(r.cpuUsPerEvent)} | ${times(r.peakRssMb)} | | | |`;
}

/** `Scenario 4` or `Memory scenario`. */
function shortName(scenario: ScenarioId): string {
  const number = /^s(\d+)-/.exec(scenario)?.[1];
  return number === undefined ? 'Memory scenario' : `Scenario ${number}`;
}

function escape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
}

/** The main table: one row per client and scenario, then the ratio row. */
export function resultsTable(results: BenchResults): string {
  const lines = [
    '| Scenario | Client | events/s | wall ms | client CPU ms | CPU µs/event | peak RSS MB | emulator CPU ms | bottleneck (CPU share of one core) | other processes |',
    '|---|---|--:|--:|--:|--:|--:|--:|---|--:|',
  ];
  for (const summary of results.summaries) {
    summary.clients.forEach((client, index) => {
      lines.push(clientRow(index === 0 ? summary.title : '', client));
    });
    const ratio = ratioRow(summary);
    if (ratio !== undefined) lines.push(ratio);
  }
  return lines.join('\n');
}

/**
 * The latencies of the scenarios that measure them (1, 8, 10): p50 and p99 per client, and ours/official
 * (below 1×: ours quicker). None when the run measured no latency.
 */
export function latencyTable(results: BenchResults): string | undefined {
  const lines = ['| Scenario | Latency of | Client | p50 ms | p99 ms |', '|---|---|---|--:|--:|'];
  for (const summary of results.summaries) {
    const latencyOf = SCENARIOS[summary.scenario].latencyOf;
    if (latencyOf === undefined) continue;
    summary.clients.forEach((client, index) => {
      const f = client.figures;
      const first = index === 0 ? `| ${shortName(summary.scenario)} | ${latencyOf} ` : '| | ';
      lines.push(
        `${first}| ${CLIENT_LABEL[client.client]} | ${fixed(f?.latencyP50Ms, 3)} | ${fixed(f?.latencyP99Ms, 3)} |`,
      );
    });
    const r = summary.ratios;
    if (r !== null)
      lines.push(`| | | **ours/official** | **${times(r.latencyP50)}** | ${times(r.latencyP99)} |`);
  }
  return lines.length > 2 ? lines.join('\n') : undefined;
}

/** Scenario-specific figures: MiB/s (9), catch-up and live (6), the RSS over the read (memory). */
function detailLines(results: BenchResults): string[] {
  const lines: string[] = [];
  for (const summary of results.summaries) {
    for (const client of summary.clients) {
      const f = client.figures;
      if (f === undefined) continue;
      const who = `${shortName(summary.scenario)}, ${CLIENT_LABEL[client.client]}`;
      if (SCENARIOS[summary.scenario].reportsThroughput === true) {
        lines.push(
          `- ${who}: ${fixed(f.dataMiBPerSecond, 1)} MiB/s of event data; ${whole(f.eventsPerSecond)} events/s`,
        );
      }
      if (f.caughtUpMs !== undefined) {
        lines.push(
          `- ${who}: caught up in ${whole(f.caughtUpMs)} ms; live events ${whole(f.liveEventsPerSecond)}/s (paced by the harness's writer)`,
        );
      }
      if (f.rssTraceMb !== undefined && f.rssTraceMb.length > 0) {
        lines.push(
          `- ${who}: RSS at each tenth of the read ${f.rssTraceMb.map((mb) => mb.toFixed(0)).join(' → ')} MB; peak ${fixed(f.peakRssMb, 0)} MB`,
        );
      }
    }
  }
  return lines;
}

/** The targets of issues 6 and 11 as a table. */
export function targetsTable(results: BenchResults): string {
  const lines = ['| Target | Met | Figures |', '|---|:-:|---|'];
  for (const check of results.targets) {
    const met = check.met === null ? 'n/a' : check.met ? 'yes' : 'no';
    lines.push(`| ${escape(check.target)} | ${met} | ${escape(check.detail)} |`);
  }
  return lines.join('\n');
}

/** The machine and the run, in one line each. */
export function runDescription(results: BenchResults): string {
  const m = results.machine;
  return [
    `- Date: ${m.date}; commit ${m.commit}`,
    `- Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB; ${m.os}; Node ${m.node}; load average at start ${m.loadAverage}`,
    `- Official client: @kurrent/kurrentdb-client ${m.officialClient}`,
    `- Preset: ${results.preset}, ${results.rounds} round(s) (memory scenario: ${results.memoryRounds}), medians over the rounds; took ${results.durationSeconds} s`,
  ].join('\n');
}

/** Interference above this share of a core (median over a scenario's runs) gets a warning. */
const NOISY = 0.1;

/** A warning when other processes used the machine noticeably during the runs, or nothing. */
export function interferenceWarning(results: BenchResults): string | undefined {
  const shares = results.summaries.flatMap((summary) =>
    summary.clients.flatMap((client) => {
      const share = client.figures?.otherCpuShare;
      return share === null || share === undefined ? [] : [share];
    }),
  );
  const worst = Math.max(0, ...shares);
  if (worst < NOISY) return undefined;
  return `> **Warning:** other processes used up to ${Math.round(worst * 100)}% of a core during the runs (column "other processes"): the machine was not quiet, so these figures are noisier than they should be.`;
}

/** The whole of `latest.md`. */
export function markdownReport(results: BenchResults): string {
  const details = detailLines(results);
  const latencies = latencyTable(results);
  const warning = interferenceWarning(results);
  return [
    '# Benchmark: esdbclient against @kurrent/kurrentdb-client',
    '',
    runDescription(results),
    '',
    ...(warning === undefined ? [] : [warning, '']),
    resultsTable(results),
    '',
    ...(details.length > 0 ? ['Scenario details (medians):', '', ...details, ''] : []),
    ...(latencies === undefined ? [] : ['## Latency', '', latencies, '']),
    '## Targets (issues 6 and 11)',
    '',
    targetsTable(results),
    '',
    '![events per second](latest.svg)',
    '',
    'Each run is a fresh client process against an emulator in its own process; ours and the official client',
    'alternate within each round. events/s is over the whole measured run (scenario 6: over the catch-up;',
    'scenario 10: round trips per second). In scenarios 1, 3 and 8 an event is an append, so CPU µs/event is the',
    "client's CPU per append. Latencies are each run's p50 and p99 over its samples, then the median over the",
    'rounds.',
    "Client CPU is user + system time of the client process (all threads, including the official client's",
    'native bridge); emulator CPU is from `/proc/<pid>/stat` over the same interval. The bottleneck is the',
    `process using at least 80% of a core (the busier one if both); when neither does, the time went in round`,
    'trips through the loopback network and the HTTP/2 stacks. "other processes" is the CPU the rest of the',
    'machine used meanwhile (share of one core): more than a few percent means something else was running and',
    'the figures are less trustworthy.',
    '',
  ].join('\n');
}

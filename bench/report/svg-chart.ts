/**
 * `latest.svg`: events/s per scenario for each client, as grouped horizontal bars on a logarithmic scale (the
 * scenarios span from a few thousand appends/s to hundreds of thousands of events/s read). Plain SVG text,
 * drawn here: no library, no service.
 */
import type { BenchResults } from '../bench-results.js';
import type { ClientName } from '../config.js';
import { SCENARIOS } from '../scenario-catalogue.js';
import { shortRate } from './format.js';

const COLOURS: Readonly<Record<ClientName, string>> = {
  ours: '#1f77b4',
  official: '#ff7f0e',
  floor: '#7f7f7f',
};
const LABELS: Readonly<Record<ClientName, string>> = {
  ours: 'esdbclient (ours)',
  official: '@kurrent/kurrentdb-client',
  floor: 'raw grpc-js floor',
};

const WIDTH = 960;
const LABEL_WIDTH = 200;
const RIGHT_MARGIN = 70;
const TOP = 56;
const BAR_HEIGHT = 16;
const BAR_GAP = 3;
const GROUP_GAP = 14;
const AXIS_HEIGHT = 36;

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A positive, finite rate, or undefined for a run that gave none. */
function rateOf(figures: { readonly eventsPerSecond: number } | undefined): number | undefined {
  const rate = figures?.eventsPerSecond;
  return rate !== undefined && Number.isFinite(rate) && rate > 0 ? rate : undefined;
}

/** The log-scale x axis: decades from `low` to `high`, mapped onto the plot's width. */
interface Axis {
  readonly low: number;
  readonly high: number;
  readonly plotWidth: number;
  readonly xOf: (value: number) => number;
}

function axisOf(results: BenchResults): Axis {
  const values = results.summaries.flatMap((summary) =>
    summary.clients.flatMap((client) => rateOf(client.figures) ?? []),
  );
  const low = Math.floor(Math.log10(Math.min(...values, 1_000)));
  const high = Math.ceil(Math.log10(Math.max(...values, 10_000)));
  const plotWidth = WIDTH - LABEL_WIDTH - RIGHT_MARGIN;
  const xOf = (value: number): number => LABEL_WIDTH + ((Math.log10(value) - low) / (high - low)) * plotWidth;
  return { low, high, plotWidth, xOf };
}

/** The bars of every scenario, top down; returns them and the y where the axis goes. */
function barsOf(results: BenchResults, axis: Axis): { parts: string[]; axisY: number } {
  const parts: string[] = [];
  let y = TOP;
  for (const summary of results.summaries) {
    const groupHeight = summary.clients.length * (BAR_HEIGHT + BAR_GAP) - BAR_GAP;
    parts.push(
      `<text x="${LABEL_WIDTH - 8}" y="${y + groupHeight / 2 + 4}" text-anchor="end">${escapeXml(SCENARIOS[summary.scenario].label)}</text>`,
    );
    for (const client of summary.clients) {
      const rate = rateOf(client.figures);
      if (rate !== undefined) {
        const width = Math.max(1, axis.xOf(rate) - LABEL_WIDTH);
        parts.push(
          `<rect x="${LABEL_WIDTH}" y="${y}" width="${width.toFixed(1)}" height="${BAR_HEIGHT}" fill="${COLOURS[client.client]}"><title>${escapeXml(`${LABELS[client.client]}: ${Math.round(rate)} events/s`)}</title></rect>`,
          `<text x="${(LABEL_WIDTH + width + 4).toFixed(1)}" y="${y + BAR_HEIGHT - 4}" class="value">${shortRate(rate)}</text>`,
        );
      } else {
        parts.push(
          `<text x="${LABEL_WIDTH + 4}" y="${y + BAR_HEIGHT - 4}" class="value" fill="${COLOURS[client.client]}">${escapeXml(`${client.client}: ${client.status}`)}</text>`,
        );
      }
      y += BAR_HEIGHT + BAR_GAP;
    }
    y += GROUP_GAP - BAR_GAP;
  }
  return { parts, axisY: y };
}

/** The grid lines and labels of each decade. */
function ticksOf(axis: Axis, axisY: number): string[] {
  const ticks: string[] = [];
  for (let power = axis.low; power <= axis.high; power += 1) {
    const x = axis.xOf(10 ** power).toFixed(1);
    ticks.push(
      `<line x1="${x}" y1="${TOP - 6}" x2="${x}" y2="${axisY}" class="grid"/>`,
      `<text x="${x}" y="${axisY + 16}" text-anchor="middle">${shortRate(10 ** power)}</text>`,
    );
  }
  return ticks;
}

/** The SVG document of the chart. */
export function eventsPerSecondChart(results: BenchResults): string {
  const axis = axisOf(results);
  const { parts, axisY } = barsOf(results, axis);
  const height = axisY + AXIS_HEIGHT;
  const legend = (['ours', 'official', 'floor'] as const).map((client, index) => {
    const x = LABEL_WIDTH + index * 210;
    return `<rect x="${x}" y="30" width="12" height="12" fill="${COLOURS[client]}"/><text x="${x + 18}" y="40">${escapeXml(LABELS[client])}</text>`;
  });
  const m = results.machine;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    '<style>.grid{stroke:#ddd;stroke-width:1}.value{font-size:11px}</style>',
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text x="10" y="18" font-size="14" font-weight="bold">${escapeXml(`Events per second, median of ${results.rounds} round(s), log scale — Node ${m.node}, ${m.cores} cores, ${m.commit}`)}</text>`,
    ...legend,
    ...ticksOf(axis, axisY),
    ...parts,
    `<text x="${LABEL_WIDTH + axis.plotWidth / 2}" y="${axisY + 32}" text-anchor="middle">events/s (scenario 1: appends/s)</text>`,
    '</svg>',
    '',
  ].join('\n');
}

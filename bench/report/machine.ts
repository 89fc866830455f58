/** Where and on what a benchmark ran: the machine, Node, the commit and the date. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly os: string;
  readonly node: string;
  /** The commit, with `+dirty` when the work tree had changes. */
  readonly commit: string;
  /** ISO 8601 date and time of the start of the run. */
  readonly date: string;
  /** The 1-minute load average when the run started: above ~0.5, something else was using the machine. */
  readonly loadAverage: number;
  /** The version of the official client compared. */
  readonly officialClient: string;
}

const ROOT = join(__dirname, '..', '..');

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

function officialClientVersion(): string {
  try {
    const path = join(ROOT, 'node_modules', '@kurrent', 'kurrentdb-client', 'package.json');
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as { version?: string };
    return manifest.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Describes this machine and checkout, now. */
export function machineInfo(): MachineInfo {
  const processors = cpus();
  const commit = git(['rev-parse', '--short=12', 'HEAD']) ?? 'unknown';
  const dirty = (git(['status', '--porcelain']) ?? '') !== '';
  return {
    cpu: processors[0]?.model.trim() ?? 'unknown',
    cores: processors.length,
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `${platform()} ${release()}`,
    node: process.version,
    commit: dirty ? `${commit}+dirty` : commit,
    date: new Date().toISOString(),
    loadAverage: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    officialClient: officialClientVersion(),
  };
}

/**
 * CPU time of another process, read from Linux's `/proc/<pid>/stat`: how the harness measures the emulator's
 * CPU during a scenario while the client runs in a process of its own. And the CPU time of the whole machine
 * (`/proc/stat`), which tells how much other processes used while a scenario ran.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

/** `sysconf(_SC_CLK_TCK)`, the unit of the times in `/proc/<pid>/stat` (100 on every common Linux). */
function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    let value = 100;
    try {
      value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    } catch {
      // No getconf: keep Linux's near-universal 100.
    }
    ticksPerSecond = Number.isFinite(value) && value > 0 ? value : 100;
  }
  return ticksPerSecond;
}

/**
 * CPU time, in milliseconds, that all the machine's cores have spent busy so far (user, nice, system, irq,
 * softirq and steal time summed over the cores), or `undefined` without `/proc/stat`.
 */
export function machineBusyMs(): number | undefined {
  let text: string;
  try {
    text = readFileSync('/proc/stat', 'utf8');
  } catch {
    return undefined;
  }
  // First line: "cpu  user nice system idle iowait irq softirq steal guest guest_nice" (guest is in user).
  const fields = text.slice(0, text.indexOf('\n')).trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = fields;
  const busy = [user, nice, system, irq, softirq, steal].reduce<number>(
    (sum, value) => sum + (value ?? 0),
    0,
  );
  return Number.isFinite(busy) ? (busy * 1000) / clockTicksPerSecond() : undefined;
}

/**
 * User plus system CPU time, in milliseconds, that process `pid` (all its threads) has used so far, or
 * `undefined` where `/proc` is not available (not Linux, or the process is gone).
 */
export function processCpuMs(pid: number): number | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
  // Fields after it start at field 3 (state); utime and stime are fields 14 and 15.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return ((utime + stime) * 1000) / clockTicksPerSecond();
}

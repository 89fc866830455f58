/**
 * Marks taken inside a client process: wall clock, the process's own CPU time, and the emulator's CPU time,
 * so that an interval between two marks says who was busy.
 */
import { performance } from 'node:perf_hooks';
import { machineBusyMs, processCpuMs } from './proc-cpu.js';
import type { Interval } from './protocol.js';

/** One instant of a run. */
export interface Mark {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly emulatorCpuMs: number | undefined;
  readonly machineBusyMs: number | undefined;
}

/** Takes marks for a run against the emulator process `emulatorPid`. */
export function meterFor(emulatorPid: number): {
  mark(): Mark;
  between(from: Mark, to: Mark, events: number): Interval;
} {
  return {
    mark() {
      const cpu = process.cpuUsage();
      return {
        wallMs: performance.now(),
        cpuMs: (cpu.user + cpu.system) / 1000,
        emulatorCpuMs: processCpuMs(emulatorPid),
        machineBusyMs: machineBusyMs(),
      };
    },
    between(from, to, events) {
      const cpuMs = to.cpuMs - from.cpuMs;
      const emulatorCpuMs =
        from.emulatorCpuMs === undefined || to.emulatorCpuMs === undefined
          ? null
          : to.emulatorCpuMs - from.emulatorCpuMs;
      const machine =
        from.machineBusyMs === undefined || to.machineBusyMs === undefined
          ? undefined
          : to.machineBusyMs - from.machineBusyMs;
      return {
        wallMs: to.wallMs - from.wallMs,
        cpuMs,
        emulatorCpuMs,
        // /proc counts in clock ticks (10 ms): small negative differences are rounding, not time.
        otherCpuMs:
          machine === undefined || emulatorCpuMs === null
            ? null
            : Math.max(0, machine - cpuMs - emulatorCpuMs),
        events,
      };
    },
  };
}

/** Peak RSS of this process so far, MB (`maxRSS` is in KiB). */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Current RSS of this process, MB. */
export function currentRssMb(): number {
  return process.memoryUsage.rss() / (1024 * 1024);
}

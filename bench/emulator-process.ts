/**
 * The emulator under benchmark, in a process of its own (so that its CPU is measured apart from the clients'):
 * its command line, `cli.js --insecure --port 0`, from the benchmark's build.
 */
import { type ChildProcess, spawn } from 'node:child_process';

/** A running emulator process. */
export interface EmulatorProcess {
  /** `host:port` of its gRPC endpoint. */
  readonly address: string;
  /** Its connection string (`tls=false`). */
  readonly uri: string;
  /** The process id, whose `/proc/<pid>/stat` gives its CPU time. */
  readonly pid: number;
  /** Stops it (SIGTERM, then SIGKILL after 5 s). */
  stop(): Promise<void>;
}

/** A heap big enough for the memory scenario's million events. */
const NODE_OPTIONS = ['--max-old-space-size=8192'];

/**
 * Starts an insecure in-memory emulator on a free port, from the compiled command line `cli`, and waits until
 * it says where it listens.
 */
export async function startEmulatorProcess(
  cli: string,
  nodeOptions: readonly string[] = [],
): Promise<EmulatorProcess> {
  const child = spawn(process.execPath, [...NODE_OPTIONS, ...nodeOptions, cli, '--insecure', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const address = await listeningAddress(child);
  const pid = child.pid;
  if (pid === undefined) throw new Error('the emulator process has no pid');
  return {
    address,
    uri: `esdb://${address}?tls=false`,
    pid,
    stop: () => stopProcess(child),
  };
}

/** Waits for the CLI's line `... listening on <host>:<port>`; rejects if the process ends first. */
function listeningAddress(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      fail(new Error(`the emulator did not start within 30 s: ${output}`));
    }, 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening on (\S+):(\d+)/.exec(output);
      if (match !== null) {
        cleanUp();
        resolve(`${match[1] ?? ''}:${match[2] ?? ''}`);
      }
    };
    const onExit = (code: number | null): void => {
      fail(new Error(`the emulator exited with ${String(code)} before listening: ${output}`));
    };
    function cleanUp(): void {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      // Keep draining its output so that it never blocks on a full pipe.
      child.stdout?.resume();
      child.stderr?.resume();
    }
    function fail(error: Error): void {
      cleanUp();
      child.kill('SIGKILL');
      reject(error);
    }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Sends SIGTERM and waits for the exit; SIGKILL if it takes more than 5 s. */
export function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

import { createServer } from 'node:net';

/** Whether this machine lets a server listen on `host` (Linux routes all of 127.0.0.0/8 to loopback; macOS
 * only 127.0.0.1 unless aliases are added). */
function canListenOn(host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => {
      resolve(false);
    });
    probe.listen(0, host, () => {
      probe.close(() => {
        resolve(true);
      });
    });
  });
}

/**
 * The addresses of `count` cluster nodes: 127.0.0.1, 127.0.0.2, … when this machine can listen on them all,
 * so the nodes can share one port as a real cluster on separate hosts does; otherwise undefined, and the nodes
 * share 127.0.0.1 on separate ports.
 */
export async function loopbackAddresses(count: number): Promise<string[] | undefined> {
  const hosts = Array.from({ length: count }, (_, index) => `127.0.0.${index + 1}`);
  for (const host of hosts.slice(1)) if (!(await canListenOn(host))) return undefined;
  return hosts;
}

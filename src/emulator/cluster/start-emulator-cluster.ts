import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MAX_APPEND_SIZE } from '../node.js';
import { checkProjectionOptions, type ProjectionOptions } from '../projections/projection-options.js';
import { createStore, type OpenedStore } from '../server/create-store.js';
import { type ClusterCertificates, generateClusterCertificatesAsync } from '../tls/certificates.js';
import { ClusterController, type ClusterTimings } from './cluster-controller.js';
import { launchAll, nodeLauncher } from './cluster-launch.js';
import { ClusterMember } from './cluster-member.js';
import type { EmulatorClusterOptions, RunningEmulatorCluster } from './emulator-cluster-api.js';
import { loopbackAddresses } from './loopback-addresses.js';
import { DEFAULT_FORWARD_TIMEOUT_MS } from './node-role.js';
import { runningCluster } from './running-cluster.js';

export type {
  EmulatedClusterNode,
  EmulatorClusterOptions,
  RunningEmulatorCluster,
} from './emulator-cluster-api.js';

/** The options with their defaults filled in. */
interface ClusterSettings {
  readonly voters: number;
  /** Voters and the read-only replica, if any. */
  readonly total: number;
  readonly secure: boolean;
  readonly port: number;
  readonly maxAppendSize: number;
  readonly timings: ClusterTimings;
  readonly projections: ProjectionOptions;
}

/** A cluster before its nodes start: the shared store, the members and their controller. */
interface AssembledCluster {
  readonly opened: OpenedStore;
  readonly members: readonly ClusterMember[];
  readonly controller: ClusterController;
}

const certificatesByHosts = new Map<string, Promise<ClusterCertificates>>();

/**
 * Starts an emulated cluster in this process (issue 5): `nodes` voting nodes and an optional read-only replica
 * on 127.0.0.1, 127.0.0.2, … sharing one port, or on 127.0.0.1 with one port each where the other loopback
 * addresses cannot be used. All nodes share one log, which stands for replication: a write through any node is
 * in every node's reads at once. Node 0 leads at the start; the others follow it. With `runProjections`, the
 * leader runs the projections (projections-on-leader.ts).
 */
export async function startEmulatorCluster(
  options: EmulatorClusterOptions = {},
): Promise<RunningEmulatorCluster> {
  const settings = clusterSettings(options);
  const aliases = await loopbackAddresses(settings.total);
  const hosts = aliases ?? Array.from({ length: settings.total }, () => '127.0.0.1');
  const certificates = settings.secure ? await sharedCertificates(hosts) : undefined;
  const { opened, members, controller } = assembleCluster(settings, hosts);
  const launch = nodeLauncher({ ...settings, store: opened.store, certificates });
  try {
    await launchAll(members, launch, aliases !== undefined, settings.port);
  } catch (error: unknown) {
    controller.close();
    opened.close();
    throw error;
  }
  for (const member of members) member.alive = true;
  controller.formed();
  const caFile = certificates === undefined ? undefined : writeCaFile(certificates.caCert);
  return runningCluster({
    members,
    controller,
    launch,
    caCert: certificates?.caCert,
    caCertPath: caFile?.path,
    release: () => {
      opened.close();
      if (caFile !== undefined) rmSync(caFile.dir, { recursive: true, force: true });
    },
  });
}

function clusterSettings(options: EmulatorClusterOptions): ClusterSettings {
  const voters = options.nodes ?? 3;
  if (!Number.isInteger(voters) || voters < 1) throw new RangeError(`bad cluster size: ${voters}`);
  checkProjectionOptions(options, 'startEmulatorCluster');
  const electionDelayMs = options.electionDelayMs ?? 500;
  return {
    voters,
    total: voters + (options.readOnlyReplica === true ? 1 : 0),
    secure: options.secure ?? false,
    port: options.port ?? 0,
    maxAppendSize: options.maxAppendSize ?? DEFAULT_MAX_APPEND_SIZE,
    timings: {
      electionDelayMs,
      stepMs: Math.min(25, electionDelayMs),
      forwardTimeoutMs: options.forwardTimeoutMs ?? DEFAULT_FORWARD_TIMEOUT_MS,
    },
    projections: {
      runProjections: options.runProjections,
      startStandardProjections: options.startStandardProjections,
    },
  };
}

/** RSA keys take a while: clusters of one process on the same addresses share their certificates. */
function sharedCertificates(hosts: readonly string[]): Promise<ClusterCertificates> {
  const key = hosts.join(',');
  let certificates = certificatesByHosts.get(key);
  if (certificates === undefined) {
    certificates = generateClusterCertificatesAsync(hosts.map((host) => [host]));
    certificatesByHosts.set(key, certificates);
  }
  return certificates;
}

/** One member per host, the read-only replica last, all over one new store. */
function assembleCluster(settings: ClusterSettings, hosts: readonly string[]): AssembledCluster {
  // The first leader wrote the log's first epoch (startup-records.ts), so it names node 0.
  const firstLeaderId = randomUUID();
  const opened = createStore({ secure: settings.secure, instanceId: firstLeaderId });
  const members: ClusterMember[] = [];
  const controller = new ClusterController(members, opened.store, settings.timings);
  hosts.forEach((host, index) => {
    members.push(new ClusterMember(index, { host, port: 0 }, index >= settings.voters, controller));
  });
  const [first] = members;
  if (first === undefined) throw new RangeError('a cluster needs a node');
  first.instanceId = firstLeaderId;
  return { opened, members, controller };
}

/** Writes the CA certificate, in a new temporary directory, where clients' `tlsCAFile` can name it. */
function writeCaFile(caCert: string): { readonly dir: string; readonly path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'esdbclient-cluster-'));
  const path = join(dir, 'ca.crt');
  writeFileSync(path, caCert);
  return { dir, path };
}

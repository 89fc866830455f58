import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MAX_APPEND_SIZE, EmulatorNode } from '../node.js';
import {
  checkProjectionOptions,
  type ProjectionOptions,
  type ProjectionSubsystem,
  startProjectionSubsystem,
} from '../projections/projection-subsystem.js';
import { generateCertificates, type EmulatorCertificates } from '../tls/certificates.js';
import { createStore, type OpenedStore } from './create-store.js';
import { type NodeServer, serveNode } from './node-server.js';

/** How to start an emulated node. Every option has a default suited to tests. */
export interface EmulatorOptions extends ProjectionOptions {
  /** Address to listen on. Default `127.0.0.1`. */
  readonly host?: string;
  /** Port to listen on; 0 picks a free one. Default 0. */
  readonly port?: number;
  /**
   * TLS with Basic authentication (`true`), or cleartext HTTP/2 where every call is privileged, like the
   * server's `--insecure` (`false`, the default).
   */
  readonly secure?: boolean;
  /** The certificates of a secure node. Default: a new CA and a node certificate signed by it. */
  readonly certificates?: EmulatorCertificates;
  /** `MaxAppendSize` in bytes. Default 1 MiB, as servers up to 25.0 (§3.18). */
  readonly maxAppendSize?: number;
  /**
   * Keep the log in this directory: every acknowledged write is on disk before it is acknowledged, and a node
   * started again on the same directory continues where it stopped. Default: in memory only.
   */
  readonly dataDir?: string;
  /**
   * With `dataDir`: what to do with a log damaged before its end (bad bytes followed by intact writes, which no
   * crash leaves). `false` (the default): refuse to start, with a `DamagedLogError` naming the file and
   * the offset. `true`: cut the log at the damage, dropping every write after it, and warn about what was
   * dropped. A torn last write, which a crash does leave, is always cut, with a warning.
   */
  readonly truncateDamagedLog?: boolean;
  /** Receives the node's warnings, such as what opening a durable log cut from it. Default: `console.warn`. */
  readonly onWarning?: (message: string) => void;
}

/** A running emulated node. */
export interface RunningEmulator {
  /** A connection string for this node, in the official clients' format. */
  readonly uri: string;
  readonly host: string;
  readonly port: number;
  /** PEM of the CA that signed the node certificate (secure mode only): what clients must trust. */
  readonly serverCert: string | undefined;
  /** A file holding {@link serverCert}, for `tlsCAFile` in connection strings (secure mode only). */
  readonly caCertPath: string | undefined;
  /** Stops the node: open calls are cancelled, the port closes. */
  stop(): Promise<void>;
  /**
   * Fault control: cuts every open connection at once, as a network failure does; open calls fail on the
   * client's side as a dropped connection. The node keeps listening.
   */
  dropConnections(): void;
  /**
   * Fault control: the node hangs. Connections stay open, but nothing is read or answered (requests, keepalive
   * pings, new connections' handshakes) until {@link resume}.
   */
  freeze(): void;
  /** Ends {@link freeze}: what arrived meanwhile is answered. */
  resume(): void;
  /**
   * Fault control: stops the node and starts it again on the same address, port and `dataDir`, as a server
   * process restarted. A durable node comes back with its log; an in-memory node comes back empty. The
   * instance id is new.
   */
  restart(): Promise<void>;
}

const certificatesByHost = new Map<string, EmulatorCertificates>();

/**
 * Making RSA keys takes the better part of a second, and test suites start many nodes: nodes of one process
 * listening on the same host share one generated CA and node certificate.
 */
function sharedCertificates(host: string): EmulatorCertificates {
  let certificates = certificatesByHost.get(host);
  if (certificates === undefined) {
    certificates = generateCertificates({ hosts: [host] });
    certificatesByHost.set(host, certificates);
  }
  return certificates;
}

/** A node started from the options: its server and its store. */
interface Incarnation {
  readonly server: NodeServer;
  readonly opened: OpenedStore;
  readonly projections: ProjectionSubsystem | undefined;
}

async function launch(
  options: EmulatorOptions,
  host: string,
  port: number,
  certificates: EmulatorCertificates | undefined,
): Promise<Incarnation> {
  const secure = certificates !== undefined;
  const instanceId = randomUUID();
  const opened = createStore({
    dataDir: options.dataDir,
    secure,
    instanceId,
    truncateDamagedLog: options.truncateDamagedLog,
    warn: options.onWarning,
  });
  const projections = startProjectionSubsystem(opened.store, options);
  const node = new EmulatorNode(opened.store, options.maxAppendSize ?? DEFAULT_MAX_APPEND_SIZE, instanceId);
  const server = await serveNode(node, {
    host,
    port,
    secure,
    tls: certificates === undefined ? undefined : { key: certificates.nodeKey, cert: certificates.nodeCert },
    projections,
  }).catch((error: unknown) => {
    projections?.stop();
    opened.close();
    throw error;
  });
  return { server, opened, projections };
}

async function halt({ server, opened, projections }: Incarnation): Promise<void> {
  await server.close();
  projections?.stop();
  opened.close();
}

/** Starts an EventStoreDB-compatible node in this process. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  checkProjectionOptions(options);
  const host = options.host ?? '127.0.0.1';
  const certificates =
    options.secure === true ? (options.certificates ?? sharedCertificates(host)) : undefined;
  let current = await launch(options, host, options.port ?? 0, certificates);
  let stopped = false;
  const port = current.server.port;

  let caDir: string | undefined;
  let caCertPath: string | undefined;
  if (certificates !== undefined) {
    caDir = mkdtempSync(join(tmpdir(), 'esdbclient-emulator-'));
    caCertPath = join(caDir, 'ca.crt');
    writeFileSync(caCertPath, certificates.caCert);
  }
  // An IPv6 address goes in brackets, as in any URI authority.
  const authority = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const uri =
    caCertPath === undefined
      ? `esdb://${authority}?tls=false`
      : `esdb://admin:changeit@${authority}?tls=true&tlsCAFile=${caCertPath}`;

  return {
    uri,
    host,
    port,
    serverCert: certificates?.caCert,
    caCertPath,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await halt(current);
      if (caDir !== undefined) rmSync(caDir, { recursive: true, force: true });
    },
    dropConnections: () => {
      current.server.dropConnections();
    },
    freeze: () => {
      current.server.freeze();
    },
    resume: () => {
      current.server.resume();
    },
    restart: async () => {
      if (stopped) throw new Error('the emulator is stopped');
      await halt(current);
      current = await launch(options, host, port, certificates);
    },
  };
}

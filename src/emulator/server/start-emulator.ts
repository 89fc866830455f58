import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GossipDefinition } from '../../generated/gossip.js';
import { PersistentSubscriptionsDefinition } from '../../generated/persistent.js';
import { ServerFeaturesDefinition } from '../../generated/serverfeatures.js';
import { StreamsDefinition } from '../../generated/streams.js';
import { DEFAULT_MAX_APPEND_SIZE, EmulatorNode } from '../node.js';
import { createGossipService } from '../services/gossip.js';
import { persistentSubscriptionsOf } from '../persistent/registry-of-node.js';
import { emulatorPersistentSubscriptionsDefinition } from '../services/persistent-subscriptions/definition.js';
import { createPersistentSubscriptionsService } from '../services/persistent-subscriptions/index.js';
import { createServerFeaturesService } from '../services/server-features.js';
import { emulatorStreamsDefinition } from '../services/streams/definition.js';
import { createStreamsService } from '../services/streams/index.js';
import { generateCertificates, type EmulatorCertificates } from '../tls/certificates.js';
import { createStore } from './create-store.js';
import { GrpcServer } from '../grpc/grpc-server.js';
import { callAuthenticator } from './call-context.js';

/** How to start an emulated node. Every option has a default suited to tests. */
export interface EmulatorOptions {
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
}

/**
 * The largest single request message the Streams service accepts: 16 MiB less 10 000 bytes (§3.18,
 * ClusterVNodeStartup.cs, which raises it for Streams only). gRPC itself refuses bigger ones with
 * RESOURCE_EXHAUSTED.
 */
const STREAMS_MAX_RECEIVE_MESSAGE_SIZE = 16 * 1024 * 1024 - 10_000;

/** ASP.NET Core gRPC's default receive limit, which the other services keep: 4 MiB. */
const DEFAULT_MAX_RECEIVE_MESSAGE_SIZE = 4 * 1024 * 1024;

/** Server keepalive, as the server's defaults: 10 s interval, 10 s timeout (§4). */
const KEEPALIVE_MS = 10_000;

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

/** Starts an EventStoreDB-compatible node in this process. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1';
  const secure = options.secure ?? false;
  const instanceId = randomUUID();
  const opened = createStore({ dataDir: options.dataDir, secure, instanceId });
  const node = new EmulatorNode(opened.store, options.maxAppendSize ?? DEFAULT_MAX_APPEND_SIZE, instanceId);

  const server = new GrpcServer({
    maxReceiveMessageSize: DEFAULT_MAX_RECEIVE_MESSAGE_SIZE,
    keepaliveMs: KEEPALIVE_MS,
    authenticate: callAuthenticator(secure),
  });
  // ServerFeatures advertises exactly these services, itself included (§3.16).
  const served = [
    StreamsDefinition,
    PersistentSubscriptionsDefinition,
    GossipDefinition,
    ServerFeaturesDefinition,
  ];
  server.add(emulatorStreamsDefinition, createStreamsService(node), {
    maxReceiveMessageSize: STREAMS_MAX_RECEIVE_MESSAGE_SIZE,
  });
  server.add(emulatorPersistentSubscriptionsDefinition, createPersistentSubscriptionsService(node));
  server.add(GossipDefinition, createGossipService(node));
  server.add(ServerFeaturesDefinition, createServerFeaturesService(served));

  const certificates = secure ? (options.certificates ?? sharedCertificates(host)) : undefined;
  const port = await server.listen(
    host,
    options.port ?? 0,
    certificates === undefined ? undefined : { key: certificates.nodeKey, cert: certificates.nodeCert },
  );
  node.endpoint = { host, port };

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
      persistentSubscriptionsOf(node).close();
      await server.close();
      opened.close();
      if (caDir !== undefined) rmSync(caDir, { recursive: true, force: true });
    },
  };
}

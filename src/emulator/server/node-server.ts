import { GossipDefinition } from '../../generated/gossip.js';
import { PersistentSubscriptionsDefinition } from '../../generated/persistent.js';
import { ProjectionsDefinition } from '../../generated/projections.js';
import { ServerFeaturesDefinition } from '../../generated/serverfeatures.js';
import { StreamsDefinition } from '../../generated/streams.js';
import { persistentSubscriptionsOnLeader } from '../cluster/persistent-subscriptions-on-leader.js';
import { GrpcServer, type TlsIdentity } from '../grpc/grpc-server.js';
import type { EmulatorNode } from '../node.js';
import { persistentSubscriptionsOf } from '../persistent/registry-of-node.js';
import type { ProjectionManagement } from '../projections/projection-management.js';
import { createGossipService } from '../services/gossip.js';
import { emulatorPersistentSubscriptionsDefinition } from '../services/persistent-subscriptions/definition.js';
import { createPersistentSubscriptionsService } from '../services/persistent-subscriptions/index.js';
import { createProjectionsService } from '../services/projections/index.js';
import { createServerFeaturesService } from '../services/server-features.js';
import { emulatorStreamsDefinition } from '../services/streams/definition.js';
import { createStreamsService } from '../services/streams/index.js';
import { callAuthenticator } from './call-context.js';

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

/** Where and how a node's gRPC server listens. */
export interface NodeServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** TLS and Basic authentication, or cleartext HTTP/2 where every call is privileged (§4). */
  readonly secure: boolean;
  /** The node's certificate and key; required when `secure`. */
  readonly tls?: TlsIdentity;
  /**
   * The node's projection manager when it runs projections; the Projections service is served only then, as
   * the server maps it only with its projections subsystem (§3.17.1).
   */
  readonly projections?: ProjectionManagement | undefined;
}

/** A node's listening gRPC server. */
export interface NodeServer {
  readonly port: number;
  /** Cuts open calls, closes the port and stops the node's persistent-subscription subsystem. */
  close(): Promise<void>;
  /** Fault control: cuts every open connection; the port stays open. */
  dropConnections(): void;
  /** Fault control: nothing is read or answered, on open connections or new ones, until {@link resume}. */
  freeze(): void;
  resume(): void;
}

/**
 * Serves one node's client services (Streams, PersistentSubscriptions, Gossip, ServerFeatures, and Projections
 * when it runs them) on `host:port` and records the address it listens on as the node's endpoint.
 */
export async function serveNode(node: EmulatorNode, options: NodeServerOptions): Promise<NodeServer> {
  const server = new GrpcServer({
    maxReceiveMessageSize: DEFAULT_MAX_RECEIVE_MESSAGE_SIZE,
    keepaliveMs: KEEPALIVE_MS,
    authenticate: callAuthenticator(options.secure),
  });
  // ServerFeatures advertises exactly these services, itself included (§3.16).
  const served = [
    StreamsDefinition,
    PersistentSubscriptionsDefinition,
    ...(options.projections === undefined ? [] : [ProjectionsDefinition]),
    GossipDefinition,
    ServerFeaturesDefinition,
  ];
  server.add(emulatorStreamsDefinition, createStreamsService(node), {
    maxReceiveMessageSize: STREAMS_MAX_RECEIVE_MESSAGE_SIZE,
  });
  server.add(
    emulatorPersistentSubscriptionsDefinition,
    persistentSubscriptionsOnLeader(node, createPersistentSubscriptionsService(node)),
  );
  if (options.projections !== undefined) {
    server.add(ProjectionsDefinition, createProjectionsService(options.projections));
  }
  server.add(GossipDefinition, createGossipService(node));
  server.add(ServerFeaturesDefinition, createServerFeaturesService(served));

  if (options.secure && options.tls === undefined) throw new Error('a secure node needs a certificate');
  let port: number;
  try {
    port = await server.listen(options.host, options.port, options.secure ? options.tls : undefined);
  } catch (error: unknown) {
    // The subsystem started with the services; it must not outlive a node that never listened.
    persistentSubscriptionsOf(node).close();
    throw error;
  }
  node.endpoint = { host: options.host, port };
  return {
    port,
    close: async () => {
      persistentSubscriptionsOf(node).close();
      await server.close();
    },
    dropConnections: () => {
      server.dropConnections();
    },
    freeze: () => {
      server.freeze();
    },
    resume: () => {
      server.resume();
    },
  };
}

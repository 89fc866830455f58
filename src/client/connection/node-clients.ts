/**
 * The gRPC clients of one node, all made through the call pipeline, so that every call they make has the
 * client's headers, deadlines, cancellation and typed errors.
 */
import { type Channel, type Client, createClientFactory } from 'nice-grpc';
import { GossipDefinition } from '../../generated/gossip.js';
import { PersistentSubscriptionsDefinition } from '../../generated/persistent.js';
import { ProjectionsDefinition } from '../../generated/projections.js';
import { ServerFeaturesDefinition } from '../../generated/serverfeatures.js';
import { StreamsDefinition } from '../../generated/streams.js';
import { callPipeline, type CallPipelineSettings, type PipelineCallOptions } from '../calls/call-pipeline.js';
import type { Endpoint } from '../discovery/discovery-settings.js';
import { BatchAppender } from '../streams/batch-appender.js';
import { StreamsBatchAppendDefinition } from '../wire/batch-append-definition.js';
import { PersistentReadDefinition } from '../wire/persistent-read-definition.js';
import { StreamsReadDefinition } from '../wire/read-definition.js';

/** The gRPC clients of the node a call runs on. */
export interface NodeClients {
  /** The node's address. */
  readonly endpoint: Endpoint;
  readonly channel: Channel;
  /** Streams service with the generated codecs (Append, Delete, ...). */
  readonly streams: Client<typeof StreamsDefinition, PipelineCallOptions>;
  /** Streams.Read with the client's own response decoder. */
  readonly reads: Client<StreamsReadDefinition, PipelineCallOptions>;
  /** PersistentSubscriptions service with the generated codecs (Create, ...). */
  readonly persistent: Client<typeof PersistentSubscriptionsDefinition, PipelineCallOptions>;
  /** PersistentSubscriptions.Read with the client's own response decoder. */
  readonly persistentReads: Client<PersistentReadDefinition, PipelineCallOptions>;
  /** Projections service (§3.17.1). */
  readonly projections: Client<typeof ProjectionsDefinition, PipelineCallOptions>;
  /** The node's appends over its one long-lived Streams.BatchAppend call (§3.5). */
  readonly appends: BatchAppender;
  /** Gossip service. */
  readonly gossip: Client<typeof GossipDefinition, PipelineCallOptions>;
  /** ServerFeatures service. */
  readonly serverFeatures: Client<typeof ServerFeaturesDefinition, PipelineCallOptions>;
}

/** The clients of the node at `endpoint`, on `channel`, with the pipeline `settings` describe. */
export function nodeClientsOn(
  endpoint: Endpoint,
  channel: Channel,
  settings: CallPipelineSettings,
): NodeClients {
  const factory = createClientFactory().use(callPipeline(settings));
  const streams = factory.create(StreamsDefinition, channel);
  const batchAppends = factory.create(StreamsBatchAppendDefinition, channel);
  return {
    endpoint: { host: endpoint.host, port: endpoint.port },
    channel,
    streams,
    reads: factory.create(StreamsReadDefinition, channel),
    persistent: factory.create(PersistentSubscriptionsDefinition, channel),
    persistentReads: factory.create(PersistentReadDefinition, channel),
    projections: factory.create(ProjectionsDefinition, channel),
    appends: new BatchAppender(
      (requests) => batchAppends.batchAppend(requests, { longLived: true }),
      settings.defaultDeadline,
    ),
    gossip: factory.create(GossipDefinition, channel),
    serverFeatures: factory.create(ServerFeaturesDefinition, channel),
  };
}

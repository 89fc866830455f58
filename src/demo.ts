// The quick start. Until the client and the emulator exist it shows what the generated code offers: the
// gRPC services of the EventStoreDB client protocol, with their methods and how each one streams.
import { protocol } from './client/index.js';

interface ServiceShape {
  fullName: string;
  methods: Record<string, { name: string; requestStream: boolean; responseStream: boolean }>;
}

const definitions: ServiceShape[] = [
  protocol.streams.StreamsDefinition,
  protocol.persistentSubscriptions.PersistentSubscriptionsDefinition,
  protocol.gossip.GossipDefinition,
  protocol.serverFeatures.ServerFeaturesDefinition,
];

function streamingKind(method: { requestStream: boolean; responseStream: boolean }): string {
  if (method.requestStream && method.responseStream) return 'bidirectional streaming';
  if (method.requestStream) return 'client streaming';
  if (method.responseStream) return 'server streaming';
  return 'unary';
}

for (const definition of definitions) {
  console.log(definition.fullName);
  for (const method of Object.values(definition.methods)) {
    console.log(`  ${method.name.padEnd(20)} ${streamingKind(method)}`);
  }
}

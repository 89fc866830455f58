import type { SupportedMethod, SupportedMethods } from '../../generated/serverfeatures.js';
import { EMULATED_SERVER_VERSION } from '../node.js';

/** A gRPC service definition, as far as ServerFeatures looks at it. */
interface ServiceShape {
  readonly fullName: string;
  readonly methods: Readonly<Record<string, { readonly name: string }>>;
}

/**
 * The features the server attaches to some methods (§3.16, server: ServerFeatures.cs); every other method
 * has none.
 */
function featuresOf(serviceName: string, methodName: string): string[] {
  if (serviceName === 'event_store.client.persistent_subscriptions.persistentsubscriptions')
    return ['stream', 'all'];
  if (serviceName === 'event_store.client.streams.streams' && methodName === 'read')
    return ['position', 'events'];
  if (serviceName === 'event_store.client.streams.streams' && methodName === 'batchappend') {
    return ['deadline_duration'];
  }
  if (serviceName === 'event_store.client.projections.projections' && methodName === 'create') {
    return ['track_emitted_streams'];
  }
  return [];
}

/**
 * Methods our protos declare that a 24.10 server does not have: `TruncateParked` exists only in unreleased
 * KurrentDB builds (§1.2), and the emulator answers it UNIMPLEMENTED like 24.10 does.
 */
const NOT_IN_EMULATED_VERSION = new Set([
  'event_store.client.persistent_subscriptions.persistentsubscriptions/truncateparked',
]);

/**
 * `ServerFeatures.GetSupportedMethods` (§3.16): one lower-cased entry per method of every client service the
 * emulator serves, so clients pick exactly the code paths the emulator implements.
 */
export function createServerFeaturesService(served: readonly ServiceShape[]) {
  const methods: SupportedMethod[] = served.flatMap((service) => {
    const serviceName = service.fullName.toLowerCase();
    return Object.values(service.methods)
      .map((method) => method.name.toLowerCase())
      .filter((methodName) => !NOT_IN_EMULATED_VERSION.has(`${serviceName}/${methodName}`))
      .map((methodName) => ({ serviceName, methodName, features: featuresOf(serviceName, methodName) }));
  });
  const answer: SupportedMethods = { methods, eventStoreServerVersion: EMULATED_SERVER_VERSION };
  return {
    getSupportedMethods(): Promise<SupportedMethods> {
      return Promise.resolve(answer);
    },
  };
}

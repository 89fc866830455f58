import { PersistentSubscriptionsDefinition } from '../../../generated/persistent.js';
import { acceptingEncodedResponses } from '../../server/encoded-responses.js';

/** The PersistentSubscriptions service as the emulator registers it: Read may send pre-encoded events. */
export const emulatorPersistentSubscriptionsDefinition = {
  ...PersistentSubscriptionsDefinition,
  methods: {
    ...PersistentSubscriptionsDefinition.methods,
    read: acceptingEncodedResponses(PersistentSubscriptionsDefinition.methods.read),
  },
} as const;

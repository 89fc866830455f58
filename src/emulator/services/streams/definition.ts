import { StreamsDefinition } from '../../../generated/streams.js';
import { acceptingEncodedResponses } from '../../server/encoded-responses.js';

/** The Streams service as the emulator registers it: Read may send pre-encoded event messages. */
export const emulatorStreamsDefinition = {
  ...StreamsDefinition,
  methods: { ...StreamsDefinition.methods, read: acceptingEncodedResponses(StreamsDefinition.methods.read) },
} as const;

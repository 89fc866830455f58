// appendEvents over Streams.Append, one call per append: the path taken when the server does not list
// BatchAppend (servers before 21.10 do not answer ServerFeatures at all, §3.16). The node's features are made
// to list nothing, so that the same behaviours run against the same server on the other path.
import { describeAppendBehaviours } from './support/append-behaviours.js';

jest.mock('../../src/client/features/get-server-features.js', () =>
  jest
    .requireActual<typeof import('./support/features-listing-nothing.js')>(
      './support/features-listing-nothing.js',
    )
    .featuresListingNothing(),
);

describeAppendBehaviours('Append');

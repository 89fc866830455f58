// Cluster appends over Streams.Append, one call per append: the path taken when a node does not list
// BatchAppend (§3.16). The nodes' features are made to list nothing, as in append-fallback.test.ts.
import { describeClusterAppendBehaviours } from './support/cluster-append-behaviours.js';

jest.setTimeout(60_000);

jest.mock('../../src/client/features/get-server-features.js', () =>
  jest
    .requireActual<typeof import('./support/features-listing-nothing.js')>(
      './support/features-listing-nothing.js',
    )
    .featuresListingNothing(),
);

describeClusterAppendBehaviours('Append');

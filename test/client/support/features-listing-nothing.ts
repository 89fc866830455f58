// The features module as a server that lists no methods (servers before 21.10 answer no ServerFeatures, §3.16),
// for the suites that run appends over Streams.Append: `jest.mock(<get-server-features>, () =>
// jest.requireActual(<this module>).featuresListingNothing())`.
import type * as GetServerFeatures from '../../../src/client/features/get-server-features.js';
import type * as ServerFeaturesModule from '../../../src/client/features/server-features.js';

/** The real get-server-features module, except that every node's features list nothing. */
export function featuresListingNothing(): typeof GetServerFeatures {
  const actual = jest.requireActual<typeof GetServerFeatures>(
    '../../../src/client/features/get-server-features.js',
  );
  const { ServerFeatures } = jest.requireActual<typeof ServerFeaturesModule>(
    '../../../src/client/features/server-features.js',
  );
  const nothingListed = new ServerFeatures({ version: null, methods: [] });
  return { ...actual, featuresOf: () => Promise.resolve(nothingListed) };
}

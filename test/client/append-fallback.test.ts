// appendEvents over Streams.Append, one call per append: the path taken when the server does not list
// BatchAppend (servers before 21.10 do not answer ServerFeatures at all, §3.16). The node's features are made
// to list nothing, so that the same behaviours run against the same server on the other path.
import { describeAppendBehaviours } from './support/append-behaviours.js';

jest.mock('../../src/client/features/get-server-features.js', () => {
  const actual = jest.requireActual<typeof import('../../src/client/features/get-server-features.js')>(
    '../../src/client/features/get-server-features.js',
  );
  const { ServerFeatures } = jest.requireActual<
    typeof import('../../src/client/features/server-features.js')
  >('../../src/client/features/server-features.js');
  const nothingListed = new ServerFeatures({ version: null, methods: [] });
  return { ...actual, featuresOf: () => Promise.resolve(nothingListed) };
});

describeAppendBehaviours('Append');

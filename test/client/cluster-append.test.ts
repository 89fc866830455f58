// Cluster appends over the node's shared BatchAppend call, the path servers from 21.10 take.
import { describeClusterAppendBehaviours } from './support/cluster-append-behaviours.js';

jest.setTimeout(60_000);

describeClusterAppendBehaviours('BatchAppend');

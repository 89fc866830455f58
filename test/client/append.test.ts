// appendEvents over the node's shared BatchAppend call: the path taken when the server lists BatchAppend in its
// features (docs/protocol.md §3.5, §3.16), as the emulator and 21.10+ servers do.
import { describeAppendBehaviours } from './support/append-behaviours.js';

describeAppendBehaviours('BatchAppend');

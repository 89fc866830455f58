import { dotnetExceptions } from '../server/dotnet-exception.js';
import type { ExpectedRevision } from '../store/expected-revision.js';

const INT64_MAX = 9223372036854775807n;
const UINT64_MAX = 18446744073709551615n;

/**
 * Applies the server's `new StreamRevision(value).ToInt64()` to an expected revision read off the wire
 * (Transport/Common/StreamRevision.cs): UINT64 max is `StreamRevision.End`, which becomes -1, i.e. `no_stream`;
 * any other value above `long.MaxValue` makes the constructor throw ArgumentOutOfRangeException.
 */
export function expectedRevisionAsServerReadsIt(expected: ExpectedRevision): ExpectedRevision {
  if (expected.kind !== 'revision') return expected;
  if (expected.revision === UINT64_MAX) return { kind: 'no-stream' };
  if (expected.revision > INT64_MAX) throw dotnetExceptions.argumentOutOfRange('value');
  return expected;
}

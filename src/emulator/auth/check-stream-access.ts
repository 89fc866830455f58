import { rpcErrors } from '../server/rpc-error.js';
import type { EventStore } from '../store/event-store.js';
import { isMetastream, originalStreamOf } from '../store/stored-event.js';
import { mayAccessStream } from './stream-access.js';
import type { User } from './user.js';

/**
 * Throws `access-denied` unless `user` may do `operation` on `streamName` (§4). Reads and writes of `$$S` are
 * decided by `S`'s metadata-read and metadata-write entries.
 */
export function checkStreamAccess(
  store: EventStore,
  user: User,
  operation: 'read' | 'write' | 'delete',
  streamName: string,
): void {
  const meta = isMetastream(streamName);
  const target = meta ? originalStreamOf(streamName) : streamName;
  const effective = meta ? (operation === 'read' ? 'metaRead' : 'metaWrite') : operation;
  if (!mayAccessStream(user, effective, target, store.metadataOf(target).acl)) throw rpcErrors.accessDenied();
}

/*
 * What a fresh single KurrentDB / EventStoreDB 24.10 node (log format V2, default options) writes to its
 * transaction log before any client writes, in order. Facts taken from the 24.10.0 sources, in our own words.
 *
 * 1. Epoch 0 at position 0: a system record (SystemLogRecord, type Epoch, JSON serialization) written when the
 *    node becomes pre-leader (Services/Storage/StorageWriterService.cs WriteEpoch handler ->
 *    Services/Storage/EpochManager/EpochManager.cs WriteNewEpoch; LogV2/LogV2RecordFactory.cs CreateEpoch).
 *    Its payload is the EpochRecord DTO (TransactionLog/LogRecords/EpochRecord.cs) serialized by
 *    EventStore.Common/Utils/Json.cs ToJsonBytes: Newtonsoft, indented with two spaces, camelCase names,
 *    properties equal to their type's default OMITTED (so epochPosition 0 and epochNumber 0 do not appear),
 *    UTF-8 without BOM. Property order: epochPosition, epochNumber, epochId, prevEpochPosition, timeStamp,
 *    leaderInstanceId. Guids are lower-case 36-character strings; the time stamp is ISO 8601 UTC with the
 *    fraction of the second written with up to 7 digits and trailing zeros dropped (no dot when zero), then
 *    "Z". Line breaks are the platform's (LF on Linux, which is what containers run).
 * 2. Right after it, the same JSON as the data of a self-committed JSON event in stream "$epoch-information",
 *    event type "$epoch-information", no metadata (EpochManager.cs WriteEpochInformationWithRetry).
 * 3. Secure mode only (insecure mode uses the pass-through authentication provider, which has no user
 *    management: EventStore.ClusterNode/ClusterVNodeHostedService.cs): when the node becomes leader,
 *    Authentication/InternalAuthentication/UserManagementService.cs creates "admin" and "ops" concurrently.
 *    For each user, in order: a "$metadata" event on "$$$user-<login>" with the ACL
 *    {"$acl":{"$w":"$admins","$d":"$admins","$mw":"$admins"}} (compact JSON, Data/StreamMetadata.cs), a
 *    "$UserCreated" JSON event on "$user-<login>" (Data/UserData.cs via Json.ToJsonBytes: loginName, fullName,
 *    groups, hash, salt; disabled=false is omitted), then a non-JSON "$User" event on "$users" whose data is the
 *    login name. The two chains run side by side, so the log normally holds them interleaved step by step
 *    (admin then ops at each step); the interleaving does not change the total size. Hash and salt come from
 *    Services/Transport/Http/Authentication/Rfc2898PasswordHashAlgorithm.cs: PBKDF2-HMAC-SHA1, 1000 iterations,
 *    random 16-byte salt, 20-byte hash, both base64 (24 and 28 characters). Default passwords "changeit".
 * 4. When the node first becomes leader or follower, Services/Storage/StorageScavenger.cs has
 *    TransactionLog/Chunks/TFChunkScavengerLogManager.cs Initialise the scavenge history: it reads "$$$scavenges"
 *    and, unless that already holds a "$maxAge" of the history age (ScavengeHistoryMaxAge, 30 days by default,
 *    Configuration/ClusterVNodeOptions.cs) and "$ops" read access, writes (expected version Any, a new random
 *    event id) a "$metadata" JSON event there: Data/StreamMetadata.cs ToJsonBytes of maxAge 2592000 seconds and
 *    an ACL with "$ops" as readers and empty lists for the rest, compact:
 *    {"$maxAge":2592000,"$acl":{"$r":"$ops","$w":[],"$d":[],"$mr":[],"$mw":[]}} (a single role is written as a
 *    string, an empty list as []). So it is written once per database: a restart finds it and writes nothing.
 *    On a secure node the user-management service, which is subscribed to the same leader message first,
 *    starts its reads first too, so the event normally lands after the two "$$$user-" metadata events and
 *    before the "$UserCreated" ones (each user's next write waits for the previous one's acknowledgement).
 * Nothing else is written by default: projections are off (RunProjections defaults to None,
 * Configuration/ClusterVNodeOptions.cs; unless --dev), stats go to the log file not a stream (StatsStorage
 * defaults to File), and the persistent-subscription service only reads "$persistentSubscriptionConfig" on
 * start-up (Services/PersistentSubscription/PersistentSubscriptionService.cs). The connectors plugin that the
 * packaged 24.10 binaries carry is not in the open-source tree and is not modelled here.
 */
import { pbkdf2Sync, randomBytes, randomUUID } from 'node:crypto';

import { epochRecordJson, formatNewtonsoftUtc, userCreatedJson } from './newtonsoft-json.js';
import { prepareRecordSize, systemRecordSize } from './record-size.js';

export interface StartupEventRecord {
  kind: 'event';
  streamName: string;
  eventType: string;
  isJson: boolean;
  eventId: string;
  data: Uint8Array;
  metadata: Uint8Array;
  /** Bytes this prepare occupies in the log, framing included. */
  size: number;
}

export interface StartupSystemRecord {
  kind: 'system';
  /** What the record is; it is not an event and is never returned by reads. */
  description: string;
  /** Bytes this record occupies in the log, framing included. */
  size: number;
}

export type StartupRecord = StartupEventRecord | StartupSystemRecord;

export interface StartupOptions {
  /** The node's instance id (lower- or upper-case guid); stored as the epoch's leader instance id. */
  instanceId: string;
  /** When the epoch was written. */
  time: Date;
  /** Secure node (internal users created at start-up) or --insecure. */
  secure: boolean;
  /**
   * 100-nanosecond ticks within the millisecond of `time` (0 to 9999). A real node's clock has 100 ns
   * resolution, so its epoch time stamp nearly always has 7 fractional digits; by default a random value with a
   * non-zero last digit is used so that the JSON, and so every later position, has that usual length.
   */
  subMillisecondTicks?: number;
  /** Id of epoch 0; random by default. */
  epochId?: string;
  /** Line break used by the indented JSON; LF (Linux) by default. */
  newline?: '\n' | '\r\n';
  /** Default admin password (secure mode). */
  adminPassword?: string;
  /** Default ops password (secure mode). */
  opsPassword?: string;
  /** Source of the 16-byte password salts; random by default. */
  salt?: (loginName: string) => Uint8Array;
  /** Source of event ids; random v4 uuids by default. */
  newId?: () => string;
}

export const EPOCH_INFORMATION_STREAM = '$epoch-information';
export const EPOCH_INFORMATION_EVENT_TYPE = '$epoch-information';
const USERS_STREAM = '$users';
const USER_STREAM_EVENT_TYPE = '$User';
const USER_CREATED_EVENT_TYPE = '$UserCreated';
/** Metadata every internal user stream gets: only $admins may write, delete or write metadata. */
const USER_STREAM_ACL_JSON = '{"$acl":{"$w":"$admins","$d":"$admins","$mw":"$admins"}}';
const DEFAULT_PASSWORD = 'changeit';
/** The scavenge history's metastream and the metadata the scavenger sets on it (item 4 above). */
const SCAVENGES_METASTREAM = '$$$scavenges';
const SCAVENGE_HISTORY_METADATA_JSON =
  '{"$maxAge":2592000,"$acl":{"$r":"$ops","$w":[],"$d":[],"$mr":[],"$mw":[]}}';

const PBKDF2_ITERATIONS = 1000;
const PASSWORD_HASH_BYTES = 20;
const PASSWORD_SALT_BYTES = 16;

/** Base64 PBKDF2-HMAC-SHA1 hash and salt as the internal authentication provider stores them. */
export function hashPassword(password: string, salt: Uint8Array): { hash: string; salt: string } {
  if (salt.length !== PASSWORD_SALT_BYTES) {
    throw new RangeError(`salt must be ${PASSWORD_SALT_BYTES} bytes, got ${salt.length}`);
  }
  const hash = pbkdf2Sync(
    Buffer.from(password, 'utf8'),
    salt,
    PBKDF2_ITERATIONS,
    PASSWORD_HASH_BYTES,
    'sha1',
  );
  return { hash: hash.toString('base64'), salt: Buffer.from(salt).toString('base64') };
}

function randomSubMillisecondTicks(): number {
  // 0..999 then a last digit of 1..9, so the 7-digit fraction never ends in zero.
  const bytes = randomBytes(3);
  return (bytes.readUInt16LE(0) % 1000) * 10 + 1 + (bytes.readUInt8(2) % 9);
}

function makeEvent(
  streamName: string,
  eventType: string,
  isJson: boolean,
  data: string,
  eventId: string,
): StartupEventRecord {
  const dataBytes = new Uint8Array(Buffer.from(data, 'utf8'));
  const metadata = new Uint8Array(0);
  return {
    kind: 'event',
    streamName,
    eventType,
    isJson,
    eventId,
    data: dataBytes,
    metadata,
    size: prepareRecordSize({ streamName, eventType, dataLength: dataBytes.length, metadataLength: 0 }),
  };
}

/** The records a fresh node writes at start-up, in log order. The first one starts at position 0. */
export function startupRecords(options: StartupOptions): StartupRecord[] {
  const newline = options.newline ?? '\n';
  const newId = options.newId ?? randomUUID;
  const epoch = epochZeroRecords(options, newline, newId);
  const scavengeHistory = makeEvent(
    SCAVENGES_METASTREAM,
    '$metadata',
    true,
    SCAVENGE_HISTORY_METADATA_JSON,
    newId(),
  );
  if (!options.secure) {
    return [...epoch, scavengeHistory];
  }
  const [userAcls, userRecords] = internalUserRecords(options, newline, newId);
  return [...epoch, ...userAcls, scavengeHistory, ...userRecords];
}

/** Epoch 0: the system record, then the same JSON as a `$epoch-information` event (items 1 and 2 above). */
function epochZeroRecords(
  options: StartupOptions,
  newline: '\n' | '\r\n',
  newId: () => string,
): StartupRecord[] {
  const ticks = options.subMillisecondTicks ?? randomSubMillisecondTicks();
  const epochJson = epochRecordJson(
    {
      epochPosition: 0,
      epochNumber: 0,
      epochId: options.epochId ?? randomUUID(),
      prevEpochPosition: -1,
      timeStamp: formatNewtonsoftUtc(options.time, ticks),
      leaderInstanceId: options.instanceId,
    },
    newline,
  );
  return [
    {
      kind: 'system',
      description: 'epoch 0 (system record, JSON payload)',
      size: systemRecordSize(Buffer.byteLength(epochJson, 'utf8')),
    },
    makeEvent(EPOCH_INFORMATION_STREAM, EPOCH_INFORMATION_EVENT_TYPE, true, epochJson, newId()),
  ];
}

/**
 * The internal users a secure node creates (item 3 above): each step for admin, then for ops. The first step
 * (the ACLs) apart from the rest, since the scavenge history's metadata normally lands between (item 4).
 */
function internalUserRecords(
  options: StartupOptions,
  newline: '\n' | '\r\n',
  newId: () => string,
): [StartupEventRecord[], StartupEventRecord[]] {
  const salt = options.salt ?? ((): Uint8Array => new Uint8Array(randomBytes(PASSWORD_SALT_BYTES)));
  const users = [
    {
      loginName: 'admin',
      fullName: 'Event Store Administrator',
      groups: ['$admins'],
      password: options.adminPassword ?? DEFAULT_PASSWORD,
    },
    {
      loginName: 'ops',
      fullName: 'Event Store Operations',
      groups: ['$ops'],
      password: options.opsPassword ?? DEFAULT_PASSWORD,
    },
  ];
  const acls = users.map((user) =>
    makeEvent(`$$$user-${user.loginName}`, '$metadata', true, USER_STREAM_ACL_JSON, newId()),
  );
  const records: StartupEventRecord[] = [];
  for (const user of users) {
    const hashed = hashPassword(user.password, salt(user.loginName));
    const json = userCreatedJson(
      { loginName: user.loginName, fullName: user.fullName, groups: user.groups, ...hashed },
      newline,
    );
    records.push(makeEvent(`$user-${user.loginName}`, USER_CREATED_EVENT_TYPE, true, json, newId()));
  }
  for (const user of users) {
    records.push(makeEvent(USERS_STREAM, USER_STREAM_EVENT_TYPE, false, user.loginName, newId()));
  }
  return [acls, records];
}

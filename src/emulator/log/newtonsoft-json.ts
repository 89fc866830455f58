/**
 * The JSON payloads of the start-up records, as the server's Newtonsoft serializer writes them
 * (EventStore.Common/Utils/Json.cs `ToJsonBytes`; see the notes at the top of startup-records.ts): indented with
 * two spaces, camelCase names, members that hold their type's default value left out.
 */

const GUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function normaliseGuid(value: string, name: string): string {
  if (!GUID_PATTERN.test(value)) {
    throw new RangeError(`${name} must be a guid, got ${JSON.stringify(value)}`);
  }
  return value.toLowerCase();
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/**
 * A UTC time the way Newtonsoft writes a DateTime of kind Utc in ISO format: seconds, then a dot and the
 * 100 ns fraction with trailing zeros removed (nothing when the fraction is zero), then "Z".
 */
export function formatNewtonsoftUtc(time: Date, subMillisecondTicks = 0): string {
  if (!Number.isInteger(subMillisecondTicks) || subMillisecondTicks < 0 || subMillisecondTicks > 9999) {
    throw new RangeError(`subMillisecondTicks must be an integer from 0 to 9999, got ${subMillisecondTicks}`);
  }
  const base =
    `${pad(time.getUTCFullYear(), 4)}-${pad(time.getUTCMonth() + 1, 2)}-${pad(time.getUTCDate(), 2)}` +
    `T${pad(time.getUTCHours(), 2)}:${pad(time.getUTCMinutes(), 2)}:${pad(time.getUTCSeconds(), 2)}`;
  const fraction = time.getUTCMilliseconds() * 10000 + subMillisecondTicks;
  if (fraction === 0) {
    return `${base}Z`;
  }
  return `${base}.${pad(fraction, 7).replace(/0+$/, '')}Z`;
}

export interface EpochJsonInput {
  epochPosition: number;
  epochNumber: number;
  epochId: string;
  prevEpochPosition: number;
  /** Already formatted time stamp (see formatNewtonsoftUtc). */
  timeStamp: string;
  leaderInstanceId: string;
}

/** Indents a flat JSON object the way Newtonsoft's indented mode does (two spaces, `"name": value`). */
function indentedObject(entries: [string, unknown][], newline: string): string {
  const body = JSON.stringify(Object.fromEntries(entries), null, 2);
  return newline === '\n' ? body : body.replace(/\n/g, newline);
}

/** The epoch record's JSON payload (also the data of the $epoch-information event). */
export function epochRecordJson(input: EpochJsonInput, newline: '\n' | '\r\n' = '\n'): string {
  const entries: [string, unknown][] = [];
  // Newtonsoft is configured to leave out members that hold their type's default value.
  if (input.epochPosition !== 0) entries.push(['epochPosition', input.epochPosition]);
  if (input.epochNumber !== 0) entries.push(['epochNumber', input.epochNumber]);
  entries.push(['epochId', normaliseGuid(input.epochId, 'epochId')]);
  if (input.prevEpochPosition !== 0) entries.push(['prevEpochPosition', input.prevEpochPosition]);
  entries.push(['timeStamp', input.timeStamp]);
  entries.push(['leaderInstanceId', normaliseGuid(input.leaderInstanceId, 'leaderInstanceId')]);
  return indentedObject(entries, newline);
}

export interface UserJsonInput {
  loginName: string;
  fullName: string;
  groups: string[];
  hash: string;
  salt: string;
}

/** The "$UserCreated" event's JSON payload (disabled=false is left out as a default value). */
export function userCreatedJson(input: UserJsonInput, newline: '\n' | '\r\n' = '\n'): string {
  return indentedObject(
    [
      ['loginName', input.loginName],
      ['fullName', input.fullName],
      ['groups', input.groups],
      ['hash', input.hash],
      ['salt', input.salt],
    ],
    newline,
  );
}

/**
 * A minimal DER (ITU-T X.690 Distinguished Encoding Rules) encoder: just the types an X.509 certificate
 * needs. Every function returns one complete encoded element (tag, length, contents), so elements nest by
 * passing them to {@link sequence}, {@link set} or {@link explicit}.
 *
 * @packageDocumentation
 */

/** Universal tag numbers, with the constructed bit (0x20) already set on SEQUENCE and SET. */
const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  objectIdentifier: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

/** Context-specific class bits; constructed adds 0x20. Tag numbers above 30 are never needed here. */
const CONTEXT = 0x80;
const CONSTRUCTED = 0x20;

/** The length octets: short form below 128, otherwise 0x80 + count, then the length big-endian. */
export function encodeLength(length: number): Buffer {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`bad DER length: ${length}`);
  if (length < 0x80) return Buffer.from([length]);
  const octets: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest % 256);
  return Buffer.from([0x80 | octets.length, ...octets]);
}

/** One element from its identifier octet and contents. */
function element(tag: number, contents: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(contents.length), contents]);
}

/** BOOLEAN; DER spells true as 0xff. */
export function boolean(value: boolean): Buffer {
  return element(TAG.boolean, Buffer.from([value ? 0xff : 0x00]));
}

/**
 * A non-negative INTEGER, from a safe integer or from unsigned big-endian bytes. Leading zero bytes are
 * dropped and one put back where the top bit is set, since a set top bit would read as negative.
 */
export function integer(value: number | Buffer): Buffer {
  let bytes: Buffer;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`bad DER integer: ${value}`);
    const hex = value.toString(16);
    bytes = Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex');
  } else {
    bytes = value;
  }
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const minimal = bytes.length === 0 ? Buffer.from([0]) : bytes.subarray(start);
  const contents = (minimal[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), minimal]) : minimal;
  return element(TAG.integer, contents);
}

/** BIT STRING of whole bytes, or with `unusedBits` (0-7) low bits of the last byte not part of it. */
export function bitString(bytes: Buffer, unusedBits = 0): Buffer {
  if (!Number.isInteger(unusedBits) || unusedBits < 0 || unusedBits > 7 || (unusedBits > 0 && !bytes.length))
    throw new RangeError(`bad BIT STRING unused bit count: ${unusedBits}`);
  return element(TAG.bitString, Buffer.concat([Buffer.from([unusedBits]), bytes]));
}

/**
 * A BIT STRING holding a list of named bits (bit 0 is the most significant bit of the first byte). DER
 * drops trailing zero bits, so the encoding ends at the highest bit set.
 */
export function namedBits(bits: readonly number[]): Buffer {
  if (bits.length === 0) return bitString(Buffer.alloc(0));
  const highest = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const bit of bits) bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) | (0x80 >> (bit & 7));
  return bitString(bytes, 7 - (highest & 7));
}

/** OCTET STRING. */
export function octetString(bytes: Buffer): Buffer {
  return element(TAG.octetString, bytes);
}

/** NULL. */
export function nullValue(): Buffer {
  return element(TAG.null, Buffer.alloc(0));
}

/**
 * OBJECT IDENTIFIER from dotted text. The first two arcs share one subidentifier (40 × first + second);
 * each subidentifier is base 128, most significant group first, with the high bit on all but the last.
 */
export function objectIdentifier(dotted: string): Buffer {
  const arcs = dotted.split('.').map((arc) => (/^\d+$/.test(arc) ? BigInt(arc) : -1n));
  const [first = -1n, second = -1n, ...rest] = arcs;
  if (arcs.length < 2 || arcs.some((arc) => arc < 0n) || first > 2n || (first < 2n && second >= 40n))
    throw new RangeError(`bad object identifier: ${dotted}`);
  const octets: number[] = [];
  for (const subidentifier of [first * 40n + second, ...rest]) {
    const groups = [Number(subidentifier & 0x7fn)];
    for (let high = subidentifier >> 7n; high > 0n; high >>= 7n) groups.unshift(Number(high & 0x7fn) | 0x80);
    octets.push(...groups);
  }
  return element(TAG.objectIdentifier, Buffer.from(octets));
}

/** UTF8String. */
export function utf8String(text: string): Buffer {
  return element(TAG.utf8String, Buffer.from(text, 'utf8'));
}

/** The characters PrintableString allows. */
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/** PrintableString; throws on characters outside its set. */
export function printableString(text: string): Buffer {
  if (!PRINTABLE.test(text)) throw new RangeError(`not a PrintableString: ${JSON.stringify(text)}`);
  return element(TAG.printableString, Buffer.from(text, 'latin1'));
}

/** PrintableString where the text allows it, UTF8String otherwise. */
export function directoryString(text: string): Buffer {
  return PRINTABLE.test(text) ? printableString(text) : utf8String(text);
}

/** UTCTime, YYMMDDHHMMSSZ, whole seconds; years 1950-2049 only. */
export function utcTime(date: Date): Buffer {
  const year = date.getUTCFullYear();
  if (year < 1950 || year > 2049) throw new RangeError(`UTCTime cannot hold the year ${year}`);
  return element(TAG.utcTime, Buffer.from(`${timeDigits(date).slice(2)}Z`, 'latin1'));
}

/** GeneralizedTime, YYYYMMDDHHMMSSZ, whole seconds. */
export function generalizedTime(date: Date): Buffer {
  const year = date.getUTCFullYear();
  if (year < 0 || year > 9999) throw new RangeError(`GeneralizedTime cannot hold the year ${year}`);
  return element(TAG.generalizedTime, Buffer.from(`${timeDigits(date)}Z`, 'latin1'));
}

/** YYYYMMDDHHMMSS in UTC. */
function timeDigits(date: Date): string {
  return date.toISOString().slice(0, 19).replace(/[-T:]/g, '');
}

/** SEQUENCE of the given elements, in order. */
export function sequence(...elements: Buffer[]): Buffer {
  return element(TAG.sequence, Buffer.concat(elements));
}

/** SET OF the given elements; DER orders them by their encodings. */
export function set(...elements: Buffer[]): Buffer {
  return element(TAG.set, Buffer.concat([...elements].sort((a, b) => Buffer.compare(a, b))));
}

/** `[number] EXPLICIT`: a constructed context-specific tag wrapping one whole element. */
export function explicit(number: number, inner: Buffer): Buffer {
  return element(contextTag(number) | CONSTRUCTED, inner);
}

/** `[number] IMPLICIT` over a primitive type: its contents under a context-specific tag. */
export function implicit(number: number, contents: Buffer): Buffer {
  return element(contextTag(number), contents);
}

/** The identifier octet of a context-specific tag number, which must fit the low-tag-number form. */
function contextTag(number: number): number {
  if (!Number.isInteger(number) || number < 0 || number > 30)
    throw new RangeError(`bad tag number: ${number}`);
  return CONTEXT | number;
}

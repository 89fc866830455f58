/**
 * A small DER reader for tests: splits an encoding into its tag-length-value tree and reads the few X.509
 * fields that node:crypto's X509Certificate does not expose (extension criticality, keyUsage bits, the
 * signature algorithm). Written separately from the emulator's encoder so that it checks the bytes, not
 * the encoder's own idea of them.
 */

/** One decoded element. */
export interface DerElement {
  /** The identifier octet, e.g. 0x30 for SEQUENCE. */
  readonly tag: number;
  readonly contents: Buffer;
  /** The elements inside a constructed element (identifier bit 0x20); empty for a primitive one. */
  readonly children: readonly DerElement[];
}

/** Decodes exactly one element spanning all of `bytes`. */
export function readDer(bytes: Buffer): DerElement {
  const { element, end } = readElementAt(bytes, 0);
  if (end !== bytes.length) throw new Error(`${bytes.length - end} bytes after the element`);
  return element;
}

function readElementAt(bytes: Buffer, offset: number): { element: DerElement; end: number } {
  const tag = byteAt(bytes, offset);
  if ((tag & 0x1f) === 0x1f) throw new Error('high tag numbers are not supported');
  let length = byteAt(bytes, offset + 1);
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new Error(`unsupported length form 0x${length.toString(16)}`);
    length = bytes.readUIntBE(start, count);
    if (length < 0x80 || byteAt(bytes, start) === 0) throw new Error('non-minimal length');
    start += count;
  }
  const end = start + length;
  if (end > bytes.length) throw new Error('element runs past the end');
  const contents = bytes.subarray(start, end);
  const children: DerElement[] = [];
  for (let at = 0; tag & 0x20 && at < contents.length;) {
    const child = readElementAt(contents, at);
    children.push(child.element);
    at = child.end;
  }
  return { element: { tag, contents, children }, end };
}

function byteAt(bytes: Buffer, offset: number): number {
  const value = bytes[offset];
  if (value === undefined) throw new Error(`truncated at byte ${offset}`);
  return value;
}

/** The `index`th child of `element`, which must have tag `tag`. */
export function child(element: DerElement, index: number, tag: number): DerElement {
  const found = element.children[index];
  if (found?.tag !== tag) {
    throw new Error(`expected tag 0x${tag.toString(16)} at child ${index}, got 0x${found?.tag.toString(16)}`);
  }
  return found;
}

/** Dotted text of an OBJECT IDENTIFIER element. */
export function objectIdentifierText(element: DerElement): string {
  if (element.tag !== 0x06) throw new Error(`not an OBJECT IDENTIFIER: 0x${element.tag.toString(16)}`);
  const values: bigint[] = [];
  let value = 0n;
  for (const byte of element.contents) {
    value = (value << 7n) | BigInt(byte & 0x7f);
    if ((byte & 0x80) === 0) {
      values.push(value);
      value = 0n;
    }
  }
  const [first = 0n, ...rest] = values;
  const top = first < 80n ? first / 40n : 2n;
  return [top, first - top * 40n, ...rest].join('.');
}

/** The numbers of the bits set in a BIT STRING element, bit 0 being the first byte's top bit. */
export function setBits(element: DerElement): number[] {
  if (element.tag !== 0x03) throw new Error(`not a BIT STRING: 0x${element.tag.toString(16)}`);
  const bits: number[] = [];
  element.contents.subarray(1).forEach((byte, index) => {
    for (let bit = 0; bit < 8; bit++) if (byte & (0x80 >> bit)) bits.push(index * 8 + bit);
  });
  return bits;
}

/** One extension of a certificate, with its extnValue decoded. */
export interface CertificateExtensionEntry {
  readonly critical: boolean;
  readonly value: DerElement;
}

/** The extensions of a DER certificate, by dotted OID. */
export function certificateExtensions(certificate: Buffer): Map<string, CertificateExtensionEntry> {
  const toBeSigned = child(readDer(certificate), 0, 0x30);
  const wrapper = toBeSigned.children.find((element) => element.tag === 0xa3);
  const entries = new Map<string, CertificateExtensionEntry>();
  for (const extension of wrapper?.children[0]?.children ?? []) {
    const [oid, second, third] = extension.children;
    if (oid === undefined || second === undefined) throw new Error('malformed extension');
    const critical = second.tag === 0x01 && second.contents[0] === 0xff;
    const valueHolder = third ?? second;
    entries.set(objectIdentifierText(oid), { critical, value: readDer(valueHolder.contents) });
  }
  return entries;
}

/** The dotted OID of a DER certificate's outer signatureAlgorithm. */
export function signatureAlgorithm(certificate: Buffer): string {
  return objectIdentifierText(child(child(readDer(certificate), 1, 0x30), 0, 0x06));
}

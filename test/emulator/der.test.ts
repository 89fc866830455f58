// The DER encoder against encodings worked out by hand from X.690.
import * as der from '../../src/emulator/tls/der.js';

/** Spaced hex, for readable expectations. */
function hex(bytes: Buffer): string {
  return bytes.toString('hex').replace(/(..)(?!$)/g, '$1 ');
}

describe('lengths', () => {
  it('use the short form below 128 and the long form from 128 on', () => {
    expect(hex(der.encodeLength(0))).toBe('00');
    expect(hex(der.encodeLength(127))).toBe('7f');
    expect(hex(der.encodeLength(128))).toBe('81 80');
    expect(hex(der.encodeLength(255))).toBe('81 ff');
    expect(hex(der.encodeLength(256))).toBe('82 01 00');
    expect(hex(der.encodeLength(70_000))).toBe('83 01 11 70');
  });

  it('are written in front of long contents', () => {
    const encoded = der.octetString(Buffer.alloc(300, 0xab));
    expect(hex(encoded.subarray(0, 5))).toBe('04 82 01 2c ab');
    expect(encoded.length).toBe(304);
  });

  it('refuse negative and fractional values', () => {
    expect(() => der.encodeLength(-1)).toThrow(RangeError);
    expect(() => der.encodeLength(1.5)).toThrow(RangeError);
  });
});

describe('INTEGER', () => {
  it('is minimal, with a leading zero where the top bit is set', () => {
    expect(hex(der.integer(0))).toBe('02 01 00');
    expect(hex(der.integer(2))).toBe('02 01 02');
    expect(hex(der.integer(127))).toBe('02 01 7f');
    expect(hex(der.integer(0x80))).toBe('02 02 00 80');
    expect(hex(der.integer(256))).toBe('02 02 01 00');
    expect(hex(der.integer(65_537))).toBe('02 03 01 00 01');
  });

  it('takes unsigned big-endian bytes, dropping superfluous leading zeros', () => {
    expect(hex(der.integer(Buffer.from([0, 0, 1])))).toBe('02 01 01');
    expect(hex(der.integer(Buffer.from([0, 0, 0xff])))).toBe('02 02 00 ff');
    expect(hex(der.integer(Buffer.from([0x40, 0])))).toBe('02 02 40 00');
    expect(hex(der.integer(Buffer.alloc(0)))).toBe('02 01 00');
  });

  it('refuses negative numbers', () => {
    expect(() => der.integer(-1)).toThrow(RangeError);
  });
});

describe('OBJECT IDENTIFIER', () => {
  it('joins the first two arcs and writes the rest base 128', () => {
    expect(hex(der.objectIdentifier('1.2.840.113549'))).toBe('06 06 2a 86 48 86 f7 0d');
    expect(hex(der.objectIdentifier('2.5.29.17'))).toBe('06 03 55 1d 11');
    expect(hex(der.objectIdentifier('1.3.6.1.5.5.7.3.1'))).toBe('06 08 2b 06 01 05 05 07 03 01');
    // A first arc of 2 allows a second arc of 40 or more: 2.999 is 1079 = 0x437.
    expect(hex(der.objectIdentifier('2.999.3'))).toBe('06 03 88 37 03');
  });

  it('refuses what is not an object identifier', () => {
    for (const bad of ['1', '3.1', '1.40', '1.2.x', '1..2', '']) {
      expect(() => der.objectIdentifier(bad)).toThrow(RangeError);
    }
  });
});

describe('simple types', () => {
  it('encode BOOLEAN, NULL and OCTET STRING', () => {
    expect(hex(der.boolean(true))).toBe('01 01 ff');
    expect(hex(der.boolean(false))).toBe('01 01 00');
    expect(hex(der.nullValue())).toBe('05 00');
    expect(hex(der.octetString(Buffer.from([1, 2])))).toBe('04 02 01 02');
  });

  it('encode BIT STRING with its count of unused bits', () => {
    expect(hex(der.bitString(Buffer.from([0xff, 0x00])))).toBe('03 03 00 ff 00');
    expect(hex(der.bitString(Buffer.from([0xa0]), 5))).toBe('03 02 05 a0');
    expect(() => der.bitString(Buffer.from([1]), 8)).toThrow(RangeError);
  });

  it('encode named bits up to the highest one set', () => {
    // digitalSignature (0) + keyEncipherment (2): 1010 0000, five unused bits.
    expect(hex(der.namedBits([0, 2]))).toBe('03 02 05 a0');
    // keyCertSign (5) + cRLSign (6): 0000 0110, one unused bit.
    expect(hex(der.namedBits([5, 6]))).toBe('03 02 01 06');
    // decipherOnly (8) spills into a second byte.
    expect(hex(der.namedBits([0, 8]))).toBe('03 03 07 80 80');
    expect(hex(der.namedBits([]))).toBe('03 01 00');
  });

  it('encode strings, choosing PrintableString when it can hold the text', () => {
    expect(hex(der.printableString('Ab 1'))).toBe('13 04 41 62 20 31');
    expect(hex(der.utf8String('é'))).toBe('0c 02 c3 a9');
    expect(hex(der.directoryString('A-b'))).toBe('13 03 41 2d 62');
    expect(hex(der.directoryString('a_b'))).toBe('0c 03 61 5f 62');
    expect(() => der.printableString('a@b')).toThrow(RangeError);
  });
});

describe('times', () => {
  const date = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678));

  it('write UTCTime as YYMMDDHHMMSSZ, dropping milliseconds', () => {
    expect(der.utcTime(date).toString('latin1')).toBe('\x17\x0d240102030405Z');
    expect(() => der.utcTime(new Date(Date.UTC(2050, 0, 1)))).toThrow(RangeError);
  });

  it('write GeneralizedTime as YYYYMMDDHHMMSSZ', () => {
    expect(der.generalizedTime(date).toString('latin1')).toBe('\x18\x0f20240102030405Z');
  });
});

describe('constructed types', () => {
  it('nest SEQUENCE contents in order', () => {
    expect(hex(der.sequence(der.integer(2), der.nullValue()))).toBe('30 05 02 01 02 05 00');
    expect(hex(der.sequence())).toBe('30 00');
  });

  it('sort SET OF contents by their encodings', () => {
    expect(hex(der.set(der.integer(2), der.integer(1)))).toBe('31 06 02 01 01 02 01 02');
  });

  it('tag explicitly (constructed, wrapping the element) and implicitly (replacing its tag)', () => {
    expect(hex(der.explicit(0, der.integer(2)))).toBe('a0 03 02 01 02');
    expect(hex(der.explicit(3, der.sequence()))).toBe('a3 02 30 00');
    expect(hex(der.implicit(2, Buffer.from('a', 'latin1')))).toBe('82 01 61');
    expect(hex(der.implicit(7, Buffer.from([127, 0, 0, 1])))).toBe('87 04 7f 00 00 01');
    expect(() => der.implicit(31, Buffer.alloc(0))).toThrow(RangeError);
  });
});

// The X.509 writer on its own: what it accepts, and how it writes what the emulator's certificates never use.
import { X509Certificate, generateKeyPairSync } from 'node:crypto';

import { signCertificate, type CertificateTemplate } from '../../src/emulator/tls/x509.js';
import { readDer } from '../support/der-reader.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

function template(overrides: Partial<CertificateTemplate> = {}): CertificateTemplate {
  return {
    serialNumber: Buffer.from([0x01, 0x02]),
    subjectCommonName: 'test',
    issuerCommonName: 'test',
    notBefore: new Date(Date.UTC(2024, 0, 1)),
    notAfter: new Date(Date.UTC(2025, 0, 1)),
    publicKey: rsa.publicKey,
    extensions: [],
    ...overrides,
  };
}

/** The identifier octets of the validity's two times. */
function validityTags(cert: X509Certificate): number[] {
  const validity = readDer(cert.raw).children[0]?.children[4];
  return (validity?.children ?? []).map((time) => time.tag);
}

test('a minimal self-signed certificate parses and verifies', () => {
  const cert = new X509Certificate(signCertificate(template(), rsa.privateKey));
  expect(cert.subject).toBe('CN=test');
  expect(cert.serialNumber).toBe('0102');
  expect(cert.verify(rsa.publicKey)).toBe(true);
  expect(new Date(cert.validFrom).toISOString()).toBe('2024-01-01T00:00:00.000Z');
  expect(validityTags(cert)).toEqual([0x17, 0x17]);
});

test('PEM has lines of at most 64 characters and a trailing newline', () => {
  const pem = signCertificate(template(), rsa.privateKey);
  const lines = pem.split('\n');
  expect(lines[0]).toBe('-----BEGIN CERTIFICATE-----');
  expect(lines.at(-2)).toBe('-----END CERTIFICATE-----');
  expect(lines.at(-1)).toBe('');
  expect(Math.max(...lines.map((line) => line.length))).toBe(64);
});

test('dates from 2050 on are written as GeneralizedTime', () => {
  const notAfter = new Date(Date.UTC(2051, 5, 7, 8, 9, 10));
  const cert = new X509Certificate(signCertificate(template({ notAfter }), rsa.privateKey));
  expect(validityTags(cert)).toEqual([0x17, 0x18]);
  expect(new Date(cert.validTo).toISOString()).toBe(notAfter.toISOString());
});

test('a name outside PrintableString is written as UTF-8', () => {
  const cert = new X509Certificate(
    signCertificate(template({ subjectCommonName: 'nœud_1' }), rsa.privateKey),
  );
  expect(cert.subject).toBe('CN=nœud_1');
});

test('only RSA private keys sign, and serial numbers must be positive and at most 20 bytes', () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  expect(() => signCertificate(template(), ec.privateKey)).toThrow(TypeError);
  expect(() => signCertificate(template(), rsa.publicKey)).toThrow(TypeError);
  for (const serialNumber of [Buffer.alloc(0), Buffer.from([0x80]), Buffer.alloc(21, 1)]) {
    expect(() => signCertificate(template({ serialNumber }), rsa.privateKey)).toThrow(RangeError);
  }
});

/**
 * The X.509 v3 extensions (RFC 5280 section 4.2.1) that a CA and a TLS node certificate need, as
 * {@link CertificateExtension} values for `signCertificate` (x509.ts).
 *
 * @packageDocumentation
 */
import { createHash, type KeyObject } from 'node:crypto';

import * as der from './der.js';
import type { CertificateExtension } from './x509.js';

const OID = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extendedKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

/** The bit positions of the KeyUsage BIT STRING (RFC 5280 section 4.2.1.3). */
const KEY_USAGE_BITS = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
  encipherOnly: 7,
  decipherOnly: 8,
} as const;

/** One purpose a key may be used for. */
export type KeyUsage = keyof typeof KEY_USAGE_BITS;

/** A purpose of the extended key usage extension. */
export type ExtendedKeyUsage = 'serverAuth' | 'clientAuth';

/** basicConstraints, critical: whether the subject is a CA, with no path length limit. */
export function basicConstraints(ca: boolean): CertificateExtension {
  // cA defaults to FALSE, and DER omits defaults: a non-CA's value is an empty SEQUENCE.
  return {
    oid: OID.basicConstraints,
    critical: true,
    value: der.sequence(...(ca ? [der.boolean(true)] : [])),
  };
}

/** keyUsage, critical. */
export function keyUsage(usages: readonly KeyUsage[]): CertificateExtension {
  return {
    oid: OID.keyUsage,
    critical: true,
    value: der.namedBits(usages.map((usage) => KEY_USAGE_BITS[usage])),
  };
}

/** extKeyUsage, not critical, as certificate generators usually leave it. */
export function extendedKeyUsage(purposes: readonly ExtendedKeyUsage[]): CertificateExtension {
  const oids = purposes.map((purpose) => der.objectIdentifier(OID[purpose]));
  return { oid: OID.extendedKeyUsage, critical: false, value: der.sequence(...oids) };
}

/**
 * subjectAltName, not critical since the subject name is not empty: DNS names as dNSName ([2] IA5String)
 * and addresses as iPAddress ([7] OCTET STRING of the 4 or 16 address octets).
 */
export function subjectAltName(
  dnsNames: readonly string[],
  ipAddresses: readonly Buffer[],
): CertificateExtension {
  const names = [
    ...dnsNames.map((name) => {
      // IA5String is ASCII; an internationalised name would first need converting to its A-label form.
      if (!/^[\x20-\x7e]+$/.test(name)) throw new RangeError(`not an ASCII host name: ${name}`);
      return der.implicit(2, Buffer.from(name, 'latin1'));
    }),
    ...ipAddresses.map((address) => der.implicit(7, address)),
  ];
  return { oid: OID.subjectAltName, critical: false, value: der.sequence(...names) };
}

/** subjectKeyIdentifier, not critical: `keyId` names the subject's key (see {@link keyIdentifier}). */
export function subjectKeyIdentifier(keyId: Buffer): CertificateExtension {
  return { oid: OID.subjectKeyIdentifier, critical: false, value: der.octetString(keyId) };
}

/** authorityKeyIdentifier, not critical: the issuer's key identifier, as `[0] keyIdentifier` only. */
export function authorityKeyIdentifier(issuerKeyId: Buffer): CertificateExtension {
  return {
    oid: OID.authorityKeyIdentifier,
    critical: false,
    value: der.sequence(der.implicit(0, issuerKeyId)),
  };
}

/**
 * A key identifier for an RSA public key by RFC 5280 section 4.2.1.2 method (1): the SHA-1 of the
 * subjectPublicKey bits, which for RSA are the PKCS#1 RSAPublicKey encoding.
 */
export function keyIdentifier(publicKey: KeyObject): Buffer {
  if (publicKey.asymmetricKeyType !== 'rsa')
    throw new TypeError('key identifiers are made for RSA keys only');
  return createHash('sha1')
    .update(publicKey.export({ type: 'pkcs1', format: 'der' }))
    .digest();
}

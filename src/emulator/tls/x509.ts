/**
 * Writes and signs X.509 v3 certificates (RFC 5280 section 4.1) with node:crypto: the to-be-signed part is
 * assembled in DER, signed with SHA-256 and RSA, and the whole wrapped in PEM.
 *
 * @packageDocumentation
 */
import { sign, type KeyObject } from 'node:crypto';

import * as der from './der.js';

/** One certificate extension (RFC 5280 section 4.1.2.9). */
export interface CertificateExtension {
  /** The extension's object identifier, dotted. */
  readonly oid: string;
  /** Whether a verifier that does not know the extension must reject the certificate. */
  readonly critical: boolean;
  /** The extension's value: one DER element, which goes inside the extnValue OCTET STRING. */
  readonly value: Buffer;
}

/** What goes into a certificate, besides the signature. */
export interface CertificateTemplate {
  /** A positive serial number as unsigned big-endian bytes, at most 20 of them. */
  readonly serialNumber: Buffer;
  /** The subject's distinguished name, reduced to a single common name (CN). */
  readonly subjectCommonName: string;
  /** The issuer's common name; equal to the subject's for a self-signed certificate. */
  readonly issuerCommonName: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The subject's public key. */
  readonly publicKey: KeyObject;
  readonly extensions: readonly CertificateExtension[];
}

const OID = {
  commonName: '2.5.4.3',
  sha256WithRsaEncryption: '1.2.840.113549.1.1.11',
} as const;

/** X.509 v3 is encoded as version number 2. */
const VERSION_3 = 2;

/**
 * Builds the certificate described by `template` and signs it with `issuerKey`, the issuer's RSA
 * private key (the subject's own for a self-signed certificate).
 *
 * @returns the certificate in PEM.
 */
export function signCertificate(template: CertificateTemplate, issuerKey: KeyObject): string {
  if (issuerKey.type !== 'private' || issuerKey.asymmetricKeyType !== 'rsa') {
    throw new TypeError('certificates are signed with an RSA private key only');
  }
  const serial = template.serialNumber;
  if (serial.length === 0 || serial.length > 20 || (serial[0] ?? 0) & 0x80) {
    throw new RangeError('a serial number is 1 to 20 bytes and positive');
  }
  // The algorithm appears twice, inside the signed part and next to the signature, and must match.
  // RSA's AlgorithmIdentifier carries explicit NULL parameters (RFC 4055 section 5).
  const algorithm = der.sequence(der.objectIdentifier(OID.sha256WithRsaEncryption), der.nullValue());
  const toBeSigned = der.sequence(
    der.explicit(0, der.integer(VERSION_3)),
    der.integer(serial),
    algorithm,
    distinguishedName(template.issuerCommonName),
    der.sequence(certificateTime(template.notBefore), certificateTime(template.notAfter)),
    distinguishedName(template.subjectCommonName),
    template.publicKey.export({ type: 'spki', format: 'der' }),
    der.explicit(3, der.sequence(...template.extensions.map(encodeExtension))),
  );
  const signature = sign('sha256', toBeSigned, issuerKey);
  return toPem(der.sequence(toBeSigned, algorithm, der.bitString(signature)));
}

/** A Name of one relative distinguished name holding one attribute, the common name. */
function distinguishedName(commonName: string): Buffer {
  const attribute = der.sequence(der.objectIdentifier(OID.commonName), der.directoryString(commonName));
  return der.sequence(der.set(attribute));
}

/** RFC 5280 section 4.1.2.5: UTCTime for dates through 2049, GeneralizedTime from 2050. */
function certificateTime(date: Date): Buffer {
  return date.getUTCFullYear() < 2050 ? der.utcTime(date) : der.generalizedTime(date);
}

/** Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }. */
function encodeExtension(extension: CertificateExtension): Buffer {
  // DER leaves out a value equal to its default, so only critical extensions carry the flag.
  const critical = extension.critical ? [der.boolean(true)] : [];
  return der.sequence(der.objectIdentifier(extension.oid), ...critical, der.octetString(extension.value));
}

/** PEM: base64 in lines of 64 characters between the CERTIFICATE markers (RFC 7468). */
function toPem(certificate: Buffer): string {
  const lines = certificate.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

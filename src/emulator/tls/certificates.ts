/**
 * Throw-away TLS material for the emulator, shaped like what EventStoreDB's own certificate generator
 * (`es-gencert-cli`) produces: a self-signed CA plus one node certificate issued by it.
 *
 * Clients under test are configured exactly as they would be against a real secure cluster (trusting a
 * CA, verifying host names), so the emulator must not cut corners such as a self-signed leaf.
 *
 * @packageDocumentation
 */
import { generateKeyPair, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';

import { ipAddressBytes } from './ip-address.js';
import { signCertificate } from './x509.js';
import {
  authorityKeyIdentifier,
  basicConstraints,
  extendedKeyUsage,
  keyIdentifier,
  keyUsage,
  subjectAltName,
  subjectKeyIdentifier,
} from './x509-extensions.js';

/** PEM-encoded TLS material for one emulator instance. */
export interface EmulatorCertificates {
  /** The self-signed CA certificate; clients put this in their trust store (`tlsCAFile`, `ca`). */
  caCert: string;
  /** The node certificate, issued by {@link EmulatorCertificates.caCert}, served by the emulator. */
  nodeCert: string;
  /** The node certificate's private key (PKCS#8), for the emulator's server credentials. */
  nodeKey: string;
}

/** Options for {@link generateCertificates}. */
export interface CertificateOptions {
  /**
   * Extra host names and IP addresses (IPv4 or IPv6, IPv6 optionally in brackets) to put in the node
   * certificate's subjectAltName, besides `localhost` and `127.0.0.1` which are always present.
   * IP addresses become IP SANs, everything else DNS SANs: TLS clients match an address only against
   * IP SANs, so `127.0.0.2` as a DNS SAN would not verify.
   */
  hosts?: string[];
}

/** TLS material for a cluster: one CA, and one node certificate per node (§4; as `es-gencert-cli` makes them). */
export interface ClusterCertificates {
  /** The CA every node certificate is issued by; clients trust this one. */
  readonly caCert: string;
  /** One certificate and key per node, in the order the nodes' hosts were given. */
  readonly nodes: readonly Pick<EmulatorCertificates, 'nodeCert' | 'nodeKey'>[];
}

/** A generated key pair. */
interface KeyPair {
  readonly publicKey: KeyObject;
  readonly privateKey: KeyObject;
}

// RSA 2048 with e = 65537, as the real generator uses.
const RSA_KEY_OPTIONS = { modulusLength: 2048, publicExponent: 0x10001 } as const;

const DAY_MS = 24 * 60 * 60 * 1000;
const NODE_COMMON_NAME = 'eventstoredb-node';

/**
 * Generates a fresh CA and a node certificate signed by it, synchronously.
 *
 * @param options - extra SAN entries; see {@link CertificateOptions}.
 * @returns the CA certificate, the node certificate and the node's private key, all PEM.
 */
export function generateCertificates(options: CertificateOptions = {}): EmulatorCertificates {
  const caKeys = generateKeyPairSync('rsa', RSA_KEY_OPTIONS);
  const nodeKeys = generateKeyPairSync('rsa', RSA_KEY_OPTIONS);
  return buildCertificates(caKeys, nodeKeys, options.hosts ?? []);
}

/**
 * Generates a CA and a node certificate for each entry of `hostsPerNode` (its extra SAN entries, as in
 * {@link CertificateOptions.hosts}), all keys on libuv's thread pool in parallel.
 */
export async function generateClusterCertificatesAsync(
  hostsPerNode: readonly (readonly string[])[],
): Promise<ClusterCertificates> {
  const [caKeys, ...nodeKeys] = await Promise.all([
    generateRsaKeyPair(),
    ...hostsPerNode.map(() => generateRsaKeyPair()),
  ]);
  const now = Date.now();
  const authority = buildAuthority(caKeys, now);
  return {
    caCert: authority.certificate,
    nodes: nodeKeys.map((keys, index) =>
      issueNodeCertificate(authority, keys, hostsPerNode[index] ?? [], now),
    ),
  };
}

/** An RSA key pair made on libuv's thread pool. */
function generateRsaKeyPair(): Promise<KeyPair> {
  return new Promise((resolve, reject) => {
    generateKeyPair('rsa', RSA_KEY_OPTIONS, (error, publicKey, privateKey) => {
      if (error) reject(error);
      else resolve({ publicKey, privateKey });
    });
  });
}

/** Builds and signs both certificates from already generated keys. */
function buildCertificates(
  caKeys: KeyPair,
  nodeKeys: KeyPair,
  hosts: readonly string[],
): EmulatorCertificates {
  const now = Date.now();
  const authority = buildAuthority(caKeys, now);
  return { caCert: authority.certificate, ...issueNodeCertificate(authority, nodeKeys, hosts, now) };
}

/** A CA certificate and what is needed to sign node certificates with it. */
interface CertificateAuthority {
  /** PEM. */
  readonly certificate: string;
  readonly commonName: string;
  readonly privateKey: KeyObject;
  readonly keyId: Buffer;
}

/** The self-signed CA. */
function buildAuthority(caKeys: KeyPair, now: number): CertificateAuthority {
  // A random suffix, as the real generator adds, keeps CAs from different runs distinguishable by name.
  const commonName = `EventStoreDB CA ${randomBytes(16).toString('hex')}`;
  const keyId = keyIdentifier(caKeys.publicKey);
  const certificate = signCertificate(
    {
      serialNumber: randomSerialNumber(),
      subjectCommonName: commonName,
      issuerCommonName: commonName,
      ...validity(now),
      publicKey: caKeys.publicKey,
      extensions: [basicConstraints(true), keyUsage(['keyCertSign', 'cRLSign']), subjectKeyIdentifier(keyId)],
    },
    caKeys.privateKey,
  );
  return { certificate, commonName, privateKey: caKeys.privateKey, keyId };
}

/** A node certificate for `hosts`, signed by `authority`. */
function issueNodeCertificate(
  authority: CertificateAuthority,
  nodeKeys: KeyPair,
  hosts: readonly string[],
  now: number,
): { nodeCert: string; nodeKey: string } {
  const { dnsNames, ipAddresses } = subjectAltNames(hosts);
  const nodeCert = signCertificate(
    {
      serialNumber: randomSerialNumber(),
      subjectCommonName: NODE_COMMON_NAME,
      issuerCommonName: authority.commonName,
      ...validity(now),
      publicKey: nodeKeys.publicKey,
      extensions: [
        basicConstraints(false),
        keyUsage(['digitalSignature', 'keyEncipherment']),
        extendedKeyUsage(['serverAuth', 'clientAuth']),
        subjectAltName(dnsNames, ipAddresses),
        subjectKeyIdentifier(keyIdentifier(nodeKeys.publicKey)),
        authorityKeyIdentifier(authority.keyId),
      ],
    },
    authority.privateKey,
  );
  const nodeKey = nodeKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { nodeCert, nodeKey };
}

/** Valid from a day ago, so that small clock skew between processes cannot make it "not yet valid". */
function validity(now: number): { notBefore: Date; notAfter: Date } {
  return { notBefore: new Date(now - DAY_MS), notAfter: new Date(now + 365 * DAY_MS) };
}

/**
 * A random 128-bit serial number. The top bit is cleared so the DER INTEGER is positive, and the next
 * one set so the first byte is never zero: the encoding is then always exactly these 16 bytes.
 */
function randomSerialNumber(): Buffer {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes;
}

/** localhost and 127.0.0.1 first, then the requested hosts, each once, IPs as IP SANs. */
function subjectAltNames(hosts: readonly string[]): { dnsNames: string[]; ipAddresses: Buffer[] } {
  const dnsNames = new Set<string>(['localhost']);
  const ipAddresses = new Map<string, Buffer>();
  for (const host of ['127.0.0.1', ...hosts]) {
    const trimmed = host.trim();
    // Accept URL-style "[::1]" for IPv6 literals.
    const unbracketed = /^\[(.*)\]$/.exec(trimmed)?.[1] ?? trimmed;
    const ipBytes = ipAddressBytes(unbracketed);
    if (ipBytes !== undefined) {
      // Keyed by the encoded bytes so that equal addresses spelled differently appear once.
      ipAddresses.set(ipBytes.toString('hex'), ipBytes);
    } else if (trimmed !== '') {
      dnsNames.add(trimmed.toLowerCase());
    }
  }
  return { dnsNames: [...dnsNames], ipAddresses: [...ipAddresses.values()] };
}

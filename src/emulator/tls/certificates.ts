/**
 * Throw-away TLS material for the emulator, shaped like what EventStoreDB's own certificate generator
 * (`es-gencert-cli`) produces: a self-signed CA plus one node certificate issued by it.
 *
 * Clients under test are configured exactly as they would be against a real secure cluster (trusting a
 * CA, verifying host names), so the emulator must not cut corners such as a self-signed leaf.
 *
 * @packageDocumentation
 */
import { generateKeyPair, generateKeyPairSync, randomBytes, type RSAKeyPairOptions } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import forge from 'node-forge';

/** PEM-encoded TLS material for one emulator instance. */
export interface EmulatorCertificates {
  /** The self-signed CA certificate; clients put this in their trust store (`tlsCAFile`, `ca`). */
  caCert: string;
  /** The node certificate, issued by {@link EmulatorCertificates.caCert}, served by the emulator. */
  nodeCert: string;
  /** The node certificate's private key (PKCS#8), for the emulator's server credentials. */
  nodeKey: string;
}

/** Options for {@link generateCertificates} and {@link generateCertificatesAsync}. */
export interface CertificateOptions {
  /**
   * Extra host names and IP addresses (IPv4 or IPv6, IPv6 optionally in brackets) to put in the node
   * certificate's subjectAltName, besides `localhost` and `127.0.0.1` which are always present.
   * IP addresses become IP SANs, everything else DNS SANs: TLS clients match an address only against
   * IP SANs, so `127.0.0.2` as a DNS SAN would not verify.
   */
  hosts?: string[];
}

/** The pair of PEM strings Node's key generator returns when asked for PEM output. */
interface PemKeyPair {
  publicKey: string;
  privateKey: string;
}

// RSA 2048 with e = 65537, as the real generator uses. PEM output, because that is both what node-forge
// reads the keys from and what Node's TLS and grpc-js take as the server key.
const RSA_KEY_OPTIONS: RSAKeyPairOptions<'pem', 'pem'> = {
  modulusLength: 2048,
  publicExponent: 0x10001,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
};

const DAY_MS = 24 * 60 * 60 * 1000;
const NODE_COMMON_NAME = 'eventstoredb-node';

/**
 * Generates a fresh CA and a node certificate signed by it, synchronously.
 *
 * Keys come from Node's native (OpenSSL) generator: node-forge's pure-JS RSA key generation takes
 * roughly 0.4-0.6 s per 2048-bit key, against 0.15-0.3 s natively, and emulators start often in tests.
 * node-forge is used only to build, sign and encode the certificates, which is fast.
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
 * Like {@link generateCertificates}, but generates both keys on libuv's thread pool, in parallel and
 * without blocking the event loop, which roughly halves the wall-clock time.
 *
 * @param options - extra SAN entries; see {@link CertificateOptions}.
 * @returns the CA certificate, the node certificate and the node's private key, all PEM.
 */
export async function generateCertificatesAsync(
  options: CertificateOptions = {},
): Promise<EmulatorCertificates> {
  const generate = (): Promise<PemKeyPair> =>
    new Promise((resolve, reject) => {
      generateKeyPair('rsa', RSA_KEY_OPTIONS, (error, publicKey, privateKey) => {
        if (error) {
          reject(error);
        } else {
          resolve({ publicKey, privateKey });
        }
      });
    });
  const [caKeys, nodeKeys] = await Promise.all([generate(), generate()]);
  return buildCertificates(caKeys, nodeKeys, options.hosts ?? []);
}

/** Builds and signs both certificates from already generated keys. */
function buildCertificates(
  caKeys: PemKeyPair,
  nodeKeys: PemKeyPair,
  hosts: readonly string[],
): EmulatorCertificates {
  const now = Date.now();
  const authority = buildAuthority(caKeys, now);
  return {
    caCert: forge.pki.certificateToPem(authority.certificate),
    ...issueNodeCertificate(authority, nodeKeys, hosts, now),
  };
}

/** A CA certificate and what is needed to sign node certificates with it. */
interface CertificateAuthority {
  readonly certificate: forge.pki.Certificate;
  readonly privateKey: forge.pki.rsa.PrivateKey;
  readonly keyId: string;
}

/** The self-signed CA. */
function buildAuthority(caKeys: PemKeyPair, now: number): CertificateAuthority {
  const privateKey = forge.pki.privateKeyFromPem(caKeys.privateKey);
  const ca = forge.pki.createCertificate();
  ca.publicKey = forge.pki.publicKeyFromPem(caKeys.publicKey);
  ca.serialNumber = randomSerialNumber();
  setValidity(ca, now);
  // A random suffix, as the real generator adds, keeps CAs from different runs distinguishable by name.
  const caName = [{ name: 'commonName', value: `EventStoreDB CA ${randomBytes(16).toString('hex')}` }];
  ca.setSubject(caName);
  ca.setIssuer(caName);
  const keyId = ca.generateSubjectKeyIdentifier().getBytes();
  ca.setExtensions([
    { name: 'basicConstraints', critical: true, cA: true },
    { name: 'keyUsage', critical: true, keyCertSign: true, cRLSign: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(privateKey, forge.md.sha256.create());
  return { certificate: ca, privateKey, keyId };
}

/** A node certificate for `hosts`, signed by `authority`. */
function issueNodeCertificate(
  authority: CertificateAuthority,
  nodeKeys: PemKeyPair,
  hosts: readonly string[],
  now: number,
): { nodeCert: string; nodeKey: string } {
  const node = forge.pki.createCertificate();
  node.publicKey = forge.pki.publicKeyFromPem(nodeKeys.publicKey);
  node.serialNumber = randomSerialNumber();
  setValidity(node, now);
  node.setSubject([{ name: 'commonName', value: NODE_COMMON_NAME }]);
  node.setIssuer(authority.certificate.subject.attributes);
  node.setExtensions([
    { name: 'basicConstraints', critical: true, cA: false },
    { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
    { name: 'subjectAltName', altNames: subjectAltNames(hosts) },
    { name: 'subjectKeyIdentifier' },
    // Passed explicitly: node-forge's `keyIdentifier: true` shorthand would use the node's own key id.
    { name: 'authorityKeyIdentifier', keyIdentifier: authority.keyId },
  ]);
  node.sign(authority.privateKey, forge.md.sha256.create());
  return { nodeCert: forge.pki.certificateToPem(node), nodeKey: nodeKeys.privateKey };
}

/** TLS material for a cluster: one CA, and one node certificate per node (§4; as `es-gencert-cli` makes them). */
export interface ClusterCertificates {
  /** The CA every node certificate is issued by; clients trust this one. */
  readonly caCert: string;
  /** One certificate and key per node, in the order the nodes' hosts were given. */
  readonly nodes: readonly Pick<EmulatorCertificates, 'nodeCert' | 'nodeKey'>[];
}

/**
 * Generates a CA and a node certificate for each entry of `hostsPerNode` (its extra SAN entries, as in
 * {@link CertificateOptions.hosts}), all keys on libuv's thread pool in parallel.
 */
export async function generateClusterCertificatesAsync(
  hostsPerNode: readonly (readonly string[])[],
): Promise<ClusterCertificates> {
  const generate = (): Promise<PemKeyPair> =>
    new Promise((resolve, reject) => {
      generateKeyPair('rsa', RSA_KEY_OPTIONS, (error, publicKey, privateKey) => {
        if (error) reject(error);
        else resolve({ publicKey, privateKey });
      });
    });
  const [caKeys, ...nodeKeys] = await Promise.all([generate(), ...hostsPerNode.map(() => generate())]);
  const now = Date.now();
  const authority = buildAuthority(caKeys, now);
  return {
    caCert: forge.pki.certificateToPem(authority.certificate),
    nodes: nodeKeys.map((keys, index) =>
      issueNodeCertificate(authority, keys, hostsPerNode[index] ?? [], now),
    ),
  };
}

/** Valid from a day ago, so that small clock skew between processes cannot make it "not yet valid". */
function setValidity(cert: forge.pki.Certificate, now: number): void {
  cert.validity.notBefore = new Date(now - DAY_MS);
  cert.validity.notAfter = new Date(now + 365 * DAY_MS);
}

/**
 * A random 128-bit serial number as hex. The top bit is cleared so the DER INTEGER is positive, and the
 * next one set so the first byte is never zero: a leading zero byte would be a non-minimal encoding,
 * which strict parsers reject.
 */
function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes.toString('hex');
}

/** One GeneralName of a subjectAltName, in the form node-forge's extension encoder takes. */
type AltName = { type: 2; value: string } | { type: 7; value: string };

/** localhost and 127.0.0.1 first, then the requested hosts, each once, IPs as IP SANs. */
function subjectAltNames(hosts: readonly string[]): AltName[] {
  const dnsNames = new Set<string>(['localhost']);
  const ipAddresses = new Map<string, string>();
  for (const host of ['127.0.0.1', ...hosts]) {
    const trimmed = host.trim();
    // Accept URL-style "[::1]" for IPv6 literals.
    const unbracketed = /^\[(.*)\]$/.exec(trimmed)?.[1] ?? trimmed;
    const ipBytes = ipAddressBytes(unbracketed);
    if (ipBytes !== undefined) {
      // Keyed by the encoded bytes so that equal addresses spelled differently appear once.
      ipAddresses.set(ipBytes.toString('hex'), ipBytes.toString('binary'));
    } else if (trimmed !== '') {
      dnsNames.add(trimmed.toLowerCase());
    }
  }
  return [
    ...[...dnsNames].map((value): AltName => ({ type: 2, value })),
    // The raw address octets, as a binary string: node-forge's own IPv6 parser mishandles "::" forms.
    ...[...ipAddresses.values()].map((value): AltName => ({ type: 7, value })),
  ];
}

/** The network-order octets of an IPv4 or IPv6 address, or undefined if `text` is not one. */
function ipAddressBytes(text: string): Buffer | undefined {
  if (isIPv4(text)) {
    return Buffer.from(text.split('.').map(Number));
  }
  if (!isIPv6(text)) {
    return undefined;
  }
  // Node validated the syntax; expand it here. A zone ("%eth0") has no place in a certificate.
  let address = text.split('%')[0] ?? '';
  // An IPv4 tail ("::ffff:1.2.3.4") is rewritten as its two final 16-bit groups.
  const ipv4Tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  if (ipv4Tail) {
    const [a, b, c, d] = ipv4Tail.slice(1).map(Number) as [number, number, number, number];
    address = `${address.slice(0, ipv4Tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = address.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeroGroups =
    tail === undefined ? [] : new Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  const bytes = Buffer.alloc(16);
  [...headGroups, ...zeroGroups, ...tailGroups].forEach((group, index) => {
    bytes.writeUInt16BE(parseInt(group, 16), index * 2);
  });
  return bytes;
}

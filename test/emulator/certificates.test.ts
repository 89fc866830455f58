import { X509Certificate, createHash, createPrivateKey } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';

import {
  generateCertificates,
  generateClusterCertificatesAsync,
  type EmulatorCertificates,
} from '../../src/emulator/tls/certificates.js';
import {
  certificateExtensions,
  setBits,
  signatureAlgorithm,
  type CertificateExtensionEntry,
} from '../support/der-reader.js';

// Generated once: RSA key generation costs a few hundred milliseconds and every test only reads it.
const certs = generateCertificates({ hosts: ['127.0.0.2', 'Node1.Example', '[::1]'] });
const ca = new X509Certificate(certs.caCert);
const node = new X509Certificate(certs.nodeCert);

/** The entries of a certificate's subjectAltName, as Node prints them ("DNS:localhost", ...). */
function altNames(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? '').split(', ');
}

const OID = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extendedKeyUsage: '2.5.29.37',
} as const;

/**
 * The extension `name` of a certificate. Node's X509Certificate exposes neither the keyUsage bits nor
 * criticality, so the tests read those from the DER.
 */
function extension(cert: X509Certificate, name: keyof typeof OID): CertificateExtensionEntry {
  const found = certificateExtensions(cert.raw).get(OID[name]);
  if (found === undefined) throw new Error(`no ${name} extension`);
  return found;
}

/**
 * The keyUsage bits set (RFC 5280 section 4.2.1.3): digitalSignature 0, keyEncipherment 2, keyCertSign 5, cRLSign 6.
 */
function keyUsageBits(cert: X509Certificate): number[] {
  return setBits(extension(cert, 'keyUsage').value);
}

/** The outcome of one TLS client handshake. */
interface HandshakeResult {
  authorized: boolean;
  authorizationError?: string;
}

/**
 * Serves `served` on 127.0.0.1, connects once with `options`, and reports whether the client accepted
 * the server's chain. `rejectUnauthorized: false` lets the handshake finish either way, so that the
 * verdict is read from `authorized` rather than inferred from a socket error.
 */
async function handshake(
  served: EmulatorCertificates,
  options: tls.ConnectionOptions,
): Promise<HandshakeResult> {
  const server = tls.createServer({ key: served.nodeKey, cert: served.nodeCert }, (socket) => {
    socket.end();
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    return await new Promise<HandshakeResult>((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...options });
      socket.once('secureConnect', () => {
        // Typed as an Error, but at run time a string code such as "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
        // and null once authorized.
        const authorizationError: unknown = socket.authorizationError;
        resolve({
          authorized: socket.authorized,
          ...(typeof authorizationError === 'string' ? { authorizationError } : {}),
        });
        socket.destroy();
      });
      socket.once('error', reject);
    });
  } finally {
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
  }
}

describe('generated CA certificate', () => {
  it('is a self-signed CA', () => {
    expect(ca.ca).toBe(true);
    expect(ca.subject).toMatch(/^CN=EventStoreDB CA [0-9a-f]+$/);
    expect(ca.issuer).toBe(ca.subject);
    expect(ca.verify(ca.publicKey)).toBe(true);
  });

  it('has critical CA:true basic constraints and keyCertSign + cRLSign key usage', () => {
    const constraints = extension(ca, 'basicConstraints');
    expect(constraints.critical).toBe(true);
    // SEQUENCE { BOOLEAN TRUE }, no path length limit.
    expect(constraints.value.contents.toString('hex')).toBe('0101ff');
    expect(extension(ca, 'keyUsage').critical).toBe(true);
    expect(keyUsageBits(ca)).toEqual([5, 6]);
  });

  it('issued itself and names its key by the SHA-1 of its RSA public key', () => {
    expect(ca.checkIssued(ca)).toBe(true);
    const keyId = extension(ca, 'subjectKeyIdentifier');
    expect(keyId.critical).toBe(false);
    const expected = createHash('sha1')
      .update(ca.publicKey.export({ type: 'pkcs1', format: 'der' }))
      .digest('hex');
    expect(keyId.value.contents.toString('hex')).toBe(expected);
  });

  it('uses RSA 2048 and is valid from a day ago to about a year ahead', () => {
    expect(ca.publicKey.asymmetricKeyType).toBe('rsa');
    expect(ca.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const day = 24 * 60 * 60 * 1000;
    const from = Date.parse(ca.validFrom);
    const to = Date.parse(ca.validTo);
    expect(Math.abs(Date.now() - day - from)).toBeLessThan(60_000);
    expect(Math.abs(Date.now() + 365 * day - to)).toBeLessThan(60_000);
  });
});

describe('generated node certificate', () => {
  it('is issued by the CA and verifies with its public key, not its own', () => {
    expect(node.ca).toBe(false);
    expect(node.subject).toBe('CN=eventstoredb-node');
    expect(node.issuer).toBe(ca.subject);
    expect(node.checkIssued(ca)).toBe(true);
    expect(node.verify(ca.publicKey)).toBe(true);
    expect(node.verify(node.publicKey)).toBe(false);
  });

  it('has critical CA:false and critical digitalSignature + keyEncipherment key usage', () => {
    const constraints = extension(node, 'basicConstraints');
    expect(constraints.critical).toBe(true);
    // cA FALSE is the default, which DER leaves out: an empty SEQUENCE.
    expect(constraints.value.contents.length).toBe(0);
    expect(extension(node, 'keyUsage').critical).toBe(true);
    expect(keyUsageBits(node)).toEqual([0, 2]);
  });

  it('is signed with SHA-256 by an RSA 2048 key, and points at the CA key', () => {
    expect(node.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(signatureAlgorithm(node.raw)).toBe('1.2.840.113549.1.1.11');
    const caKeyId = extension(ca, 'subjectKeyIdentifier').value.contents.toString('hex');
    expect(caKeyId).toMatch(/^[0-9a-f]{40}$/);
    // SEQUENCE { [0] keyIdentifier }.
    const authorityKeyId = extension(node, 'authorityKeyIdentifier');
    expect(authorityKeyId.critical).toBe(false);
    expect(authorityKeyId.value.contents.toString('hex')).toBe(`8014${caKeyId}`);
    const nodeKeyId = extension(node, 'subjectKeyIdentifier').value.contents.toString('hex');
    expect(nodeKeyId).toMatch(/^[0-9a-f]{40}$/);
    expect(nodeKeyId).not.toBe(caKeyId);
  });

  it('is not issued by another CA, nor by itself', () => {
    const other = new X509Certificate(generateCertificates().caCert);
    expect(node.checkIssued(other)).toBe(false);
    expect(node.verify(other.publicKey)).toBe(false);
    expect(node.checkIssued(node)).toBe(false);
  });

  it('is for both server and client authentication, in non-critical extensions', () => {
    expect(extension(node, 'extendedKeyUsage').critical).toBe(false);
    expect(extension(node, 'subjectAltName').critical).toBe(false);
    expect(node.keyUsage).toEqual(
      expect.arrayContaining(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']) as unknown,
    );
  });

  it('matches the private key handed out with it', () => {
    expect(node.checkPrivateKey(createPrivateKey(certs.nodeKey))).toBe(true);
  });

  it('names localhost and 127.0.0.1, plus the requested hosts with IPs as IP SANs', () => {
    expect(altNames(node)).toEqual([
      'DNS:localhost',
      'DNS:node1.example',
      'IP Address:127.0.0.1',
      'IP Address:127.0.0.2',
      'IP Address:0:0:0:0:0:0:0:1',
    ]);
    expect(node.checkHost('localhost')).toBe('localhost');
    expect(node.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(node.checkIP('127.0.0.2')).toBe('127.0.0.2');
    expect(node.checkIP('::1')).toBe('::1');
    // An address must not be satisfied by a DNS entry, nor a host name by an IP entry.
    expect(node.checkHost('127.0.0.2')).toBeUndefined();
  });

  it('names only localhost and 127.0.0.1 by default, and lists no duplicates', () => {
    const plain = new X509Certificate(generateCertificates().nodeCert);
    expect(altNames(plain)).toEqual(['DNS:localhost', 'IP Address:127.0.0.1']);
    const repeated = new X509Certificate(
      generateCertificates({ hosts: ['LOCALHOST', '127.0.0.1', ' '] }).nodeCert,
    );
    expect(altNames(repeated)).toEqual(['DNS:localhost', 'IP Address:127.0.0.1']);
  });

  it('has a positive serial number that differs from the CA one', () => {
    // Node prints the serial as upper-case hex without a sign; a top bit set would mean negative.
    expect(node.serialNumber).toMatch(/^[0-7][0-9A-F]+$/);
    expect(ca.serialNumber).toMatch(/^[0-7][0-9A-F]+$/);
    expect(node.serialNumber).not.toBe(ca.serialNumber);
  });
});

describe('generateClusterCertificatesAsync', () => {
  it('issues one node certificate per host list, all from one CA', async () => {
    const result = await generateClusterCertificatesAsync([['127.0.0.1'], ['127.0.0.2']]);
    const clusterCa = new X509Certificate(result.caCert);
    expect(clusterCa.ca).toBe(true);
    const nodes = result.nodes.map((entry) => new X509Certificate(entry.nodeCert));
    expect(nodes.map((entry) => entry.verify(clusterCa.publicKey))).toEqual([true, true]);
    expect(nodes[1]?.checkIP('127.0.0.2')).toBe('127.0.0.2');
    expect(nodes[0]?.checkIP('127.0.0.2')).toBeUndefined();
    expect(nodes[0]?.serialNumber).not.toBe(nodes[1]?.serialNumber);
    result.nodes.forEach((entry, index) => {
      expect(nodes[index]?.checkPrivateKey(createPrivateKey(entry.nodeKey))).toBe(true);
    });
  });
});

describe('TLS handshake with the generated certificates', () => {
  it('is authorized when the client trusts the CA and checks "localhost"', async () => {
    await expect(handshake(certs, { ca: certs.caCert, servername: 'localhost' })).resolves.toEqual({
      authorized: true,
    });
  });

  it('is authorized when the client trusts the CA and checks 127.0.0.1', async () => {
    // No servername: Node then verifies the certificate against the connected IP address.
    await expect(handshake(certs, { ca: certs.caCert })).resolves.toEqual({ authorized: true });
  });

  it('is not authorized when the client trusts no such CA', async () => {
    const result = await handshake(certs, { servername: 'localhost' });
    expect(result.authorized).toBe(false);
    expect(result.authorizationError).toMatch(/^UNABLE_TO_VERIFY_LEAF_SIGNATURE$/);
  });

  it('is not authorized when the client trusts a different generated CA', async () => {
    const other = generateCertificates();
    await expect(handshake(certs, { ca: other.caCert, servername: 'localhost' })).resolves.toEqual({
      authorized: false,
      authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
  });

  it('is refused outright by a client that rejects unauthorized servers', async () => {
    await expect(handshake(certs, { servername: 'localhost', rejectUnauthorized: true })).rejects.toThrow(
      /unable to verify the first certificate/,
    );
  });
});

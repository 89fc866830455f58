import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';

import forge from 'node-forge';

import {
  generateCertificates,
  generateCertificatesAsync,
  type EmulatorCertificates,
} from '../../src/emulator/tls/certificates.js';

// Generated once: RSA key generation costs a few hundred milliseconds and every test only reads it.
const certs = generateCertificates({ hosts: ['127.0.0.2', 'Node1.Example', '[::1]'] });
const ca = new X509Certificate(certs.caCert);
const node = new X509Certificate(certs.nodeCert);

/** The entries of a certificate's subjectAltName, as Node prints them ("DNS:localhost", ...). */
function altNames(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? '').split(', ');
}

/**
 * A certificate extension as node-forge decodes it. Node's X509Certificate exposes neither the
 * keyUsage bits nor criticality, so the tests read those through node-forge.
 */
interface DecodedExtension {
  critical?: boolean;
  [field: string]: unknown;
}

/** The decoded extension `name` of a PEM certificate, or undefined if it has none. */
function extension(pem: string, name: string): DecodedExtension | undefined {
  // node-forge types a decoded extension as `{}`; every field of DecodedExtension is optional.
  return forge.pki.certificateFromPem(pem).getExtension(name);
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
    expect(extension(certs.caCert, 'basicConstraints')).toMatchObject({ critical: true, cA: true });
    expect(extension(certs.caCert, 'keyUsage')).toMatchObject({
      critical: true,
      keyCertSign: true,
      cRLSign: true,
      digitalSignature: false,
      keyEncipherment: false,
    });
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

  it('has CA:false and digitalSignature + keyEncipherment key usage', () => {
    expect(extension(certs.nodeCert, 'basicConstraints')).toMatchObject({ cA: false });
    expect(extension(certs.nodeCert, 'keyUsage')).toMatchObject({
      critical: true,
      digitalSignature: true,
      keyEncipherment: true,
      keyCertSign: false,
      cRLSign: false,
    });
  });

  it('is signed with SHA-256 by an RSA 2048 key, and points at the CA key', () => {
    expect(node.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const parsed = forge.pki.certificateFromPem(certs.nodeCert);
    expect(forge.pki.oids[parsed.siginfo.algorithmOid]).toBe('sha256WithRSAEncryption');
    // node-forge decodes the CA's key id to hex but leaves the authority key id as raw DER, whose
    // SEQUENCE { [0] keyIdentifier } ends with the identifier's bytes.
    const caKeyId = extension(certs.caCert, 'subjectKeyIdentifier')?.['subjectKeyIdentifier'];
    const authorityKeyId = extension(certs.nodeCert, 'authorityKeyIdentifier')?.['value'];
    expect(caKeyId).toMatch(/^[0-9a-f]{40}$/);
    expect(forge.util.bytesToHex(String(authorityKeyId))).toBe(`30168014${String(caKeyId)}`);
  });

  it('is for both server and client authentication', () => {
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

describe('generateCertificatesAsync', () => {
  it('produces an equally shaped chain', async () => {
    const result = await generateCertificatesAsync({ hosts: ['10.1.2.3'] });
    const asyncCa = new X509Certificate(result.caCert);
    const asyncNode = new X509Certificate(result.nodeCert);
    expect(asyncNode.verify(asyncCa.publicKey)).toBe(true);
    expect(asyncNode.checkIP('10.1.2.3')).toBe('10.1.2.3');
    expect(asyncNode.checkPrivateKey(createPrivateKey(result.nodeKey))).toBe(true);
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

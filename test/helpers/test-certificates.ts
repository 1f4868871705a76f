import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PEM files made for one test run (nothing is committed): a CA, a server and a client it signed. */
export interface TestCertificates {
  dir: string;
  caFile: string;
  /** A second CA that signed nothing here: trusting it must fail the handshake. */
  otherCaFile: string;
  serverKey: Buffer;
  serverCert: Buffer;
  ca: Buffer;
  clientKeyFile: string;
  clientCertFile: string;
  /** A client identity signed by the other CA (the server must refuse it). */
  strangerKeyFile: string;
  strangerCertFile: string;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: 'pipe' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        'the TLS tests generate certificates with openssl: install it (apt-get install openssl)',
        {
          cause: error,
        },
      );
    }
    throw error;
  }
}

/** Generates the certificates with `openssl` (ECDSA P-256, valid one day, server SAN 127.0.0.1). */
export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'logweave-tls-'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  for (const name of ['ca', 'other-ca']) {
    openssl(
      [
        'req',
        '-x509',
        ...ec,
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.pem`,
        '-days',
        '1',
        '-subj',
        `/CN=logweave test ${name}`,
      ],
      dir,
    );
  }
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  const issue = (name: string, ca: string, ext: string): void => {
    openssl(
      ['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=logweave test ${name}`],
      dir,
    );
    openssl(
      [
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        `${ca}.pem`,
        '-CAkey',
        `${ca}.key`,
        '-CAcreateserial',
        '-out',
        `${name}.pem`,
        '-days',
        '1',
        '-extfile',
        ext,
      ],
      dir,
    );
  };
  issue('server', 'ca', 'server.ext');
  issue('client', 'ca', 'client.ext');
  issue('stranger', 'other-ca', 'client.ext');
  const file = (name: string): string => join(dir, name);
  return {
    dir,
    caFile: file('ca.pem'),
    otherCaFile: file('other-ca.pem'),
    ca: readFileSync(file('ca.pem')),
    serverKey: readFileSync(file('server.key')),
    serverCert: readFileSync(file('server.pem')),
    clientKeyFile: file('client.key'),
    clientCertFile: file('client.pem'),
    strangerKeyFile: file('stranger.key'),
    strangerCertFile: file('stranger.pem'),
  };
}

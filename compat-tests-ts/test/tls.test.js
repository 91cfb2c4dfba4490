// The official TypeScript SDK (worker and client) against a Sundial that requires mutual TLS,
// with a CA and certificates made by openssl for this test.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const { randomUUID } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { Client, Connection } = require('@temporalio/client');
const { Worker, NativeConnection, DefaultLogger, bundleWorkflowCode } = require('@temporalio/worker');

const { startSundial } = require('../lib/sundial');
const { installQuietRuntime } = require('../lib/quiet-sdk');
const activities = require('../lib/activities');

installQuietRuntime();

let dir;
let server;

/** A CA, a server certificate for localhost/127.0.0.1 and a client certificate, as PEM files. */
function makeCertificates(into) {
  const ssl = (...args) => execFileSync('openssl', args, { cwd: into, stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=Test CA');
  for (const [name, ext] of [
    ['server', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
    ['client', 'extendedKeyUsage=clientAuth'],
  ]) {
    ssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    fs.writeFileSync(path.join(into, `${name}.ext`), `${ext}\n`);
    ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key',
      '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`);
  }
  const read = (f) => fs.readFileSync(path.join(into, f));
  return { ca: read('ca.crt'), crt: read('client.crt'), key: read('client.key') };
}

let certs;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sundial-ts-tls-'));
  certs = makeCertificates(dir);
  server = await startSundial([
    '--tls-cert', path.join(dir, 'server.crt'), '--tls-key', path.join(dir, 'server.key'),
    '--tls-client-ca', path.join(dir, 'ca.crt'), '--tls-require-client-cert',
  ]);
});

after(async () => {
  if (server) await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('mTLS: a TypeScript worker and client with certificates run a workflow', { timeout: 60_000 }, async () => {
  const tls = {
    serverRootCACertificate: certs.ca,
    serverNameOverride: 'localhost',
    clientCertPair: { crt: certs.crt, key: certs.key },
  };
  const nativeConnection = await NativeConnection.connect({ address: server.address, tls });
  const connection = await Connection.connect({ address: server.address, tls });
  try {
    const taskQueue = `ts-tls-${randomUUID()}`;
    const worker = await Worker.create({
      connection: nativeConnection,
      taskQueue,
      workflowBundle: await bundleWorkflowCode({
        workflowsPath: require.resolve('../lib/workflows'),
        logger: new DefaultLogger('WARN'),
      }),
      activities,
    });
    const client = new Client({ connection, namespace: 'default' });
    const result = await worker.runUntil(
      client.workflow.execute('activityWorkflow', { taskQueue, workflowId: `tls-${randomUUID()}`, args: ['TLS'] })
    );
    assert.match(result, /^Hello, TLS!/);
  } finally {
    await connection.close().catch(() => {});
    await nativeConnection.close().catch(() => {});
  }
});

test('mTLS: a client without a certificate is refused', { timeout: 60_000 }, async () => {
  // Refused at the handshake: the connection or its first call fails, never succeeds.
  await assert.rejects(async () => {
    const connection = await Connection.connect({
      address: server.address,
      tls: { serverRootCACertificate: certs.ca, serverNameOverride: 'localhost' },
      connectTimeout: '5s',
    });
    try {
      await connection.workflowService.getSystemInfo({});
    } finally {
      await connection.close().catch(() => {});
    }
  });
});

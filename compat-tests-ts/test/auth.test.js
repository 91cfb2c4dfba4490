// The official TypeScript SDK (worker and client) against a Sundial that requires API keys:
// keys made with `sundial operator api-key create`, sent with the SDK's apiKey option.
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
let adminKey;

/** Runs the sundial CLI of the server's JAR as the bootstrap admin; returns its JSON output. */
function cli(...args) {
  const out = execFileSync('java', ['-jar', server.jar, ...args, '--address', server.address,
    '--api-key', adminKey, '--tls=false', '-o', 'json'], { encoding: 'utf8', stdio: 'pipe' });
  return JSON.parse(out);
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sundial-ts-auth-'));
  const keyFile = path.join(dir, 'admin.key');
  server = await startSundial(['--auth', 'api-key', '--bootstrap-admin-key-file', keyFile]);
  adminKey = fs.readFileSync(keyFile, 'utf8').trim();
});

after(async () => {
  if (server) await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('API keys: a TypeScript worker and client with their own keys run a workflow', { timeout: 90_000 }, async () => {
  const workerKey = cli('operator', 'api-key', 'create', '--name', 'ts-worker', '--role', 'default:worker').key;
  const appKey = cli('operator', 'api-key', 'create', '--name', 'ts-app', '--role', 'default:write').key;
  assert.match(workerKey, /^sundial_/);
  // tls: false because this loopback server is plaintext (an API key turns TLS on by default).
  const nativeConnection = await NativeConnection.connect({ address: server.address, apiKey: workerKey, tls: false });
  const connection = await Connection.connect({ address: server.address, apiKey: appKey, tls: false });
  try {
    const taskQueue = `ts-auth-${randomUUID()}`;
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
      client.workflow.execute('activityWorkflow', { taskQueue, workflowId: `auth-${randomUUID()}`, args: ['keys'] })
    );
    assert.match(result, /^Hello, keys!/);

    // The worker's key may poll and complete tasks, but not start workflows.
    const asWorker = await Connection.connect({ address: server.address, apiKey: workerKey, tls: false });
    try {
      await assert.rejects(
        new Client({ connection: asWorker }).workflow.start('activityWorkflow', { taskQueue, workflowId: `refused-${randomUUID()}`, args: ['x'] }),
        (err) => /PERMISSION_DENIED|may not call StartWorkflowExecution/.test(`${err.code} ${err.message} ${err.cause?.message}`)
      );
    } finally {
      await asWorker.close().catch(() => {});
    }
  } finally {
    await connection.close().catch(() => {});
    await nativeConnection.close().catch(() => {});
  }
});

test('API keys: no key or a revoked key is refused', { timeout: 60_000 }, async () => {
  const noKey = await Connection.connect({ address: server.address });
  try {
    await assert.rejects(noKey.workflowService.listNamespaces({}), (err) => err.code === 16);
  } finally {
    await noKey.close().catch(() => {});
  }
  const key = cli('operator', 'api-key', 'create', '--name', 'ts-short', '--role', 'default:read').key;
  const conn = await Connection.connect({ address: server.address, apiKey: key, tls: false });
  try {
    const listed = await conn.workflowService.listNamespaces({});
    assert.deepEqual(listed.namespaces.map((n) => n.namespaceInfo.name), ['default']);
    cli('operator', 'api-key', 'revoke', 'ts-short');
    await assert.rejects(conn.workflowService.listNamespaces({}), (err) => err.code === 16 && /revoked/.test(err.details ?? err.message));
  } finally {
    await conn.close().catch(() => {});
  }
});

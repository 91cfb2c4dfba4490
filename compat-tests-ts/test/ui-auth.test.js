// The web UI with authentication on, in Debian's Chromium: sign-in with a user name and password,
// a read-only user sees no workflow actions and the API refuses them if forced, a writer sees
// them, sign-out ends the session, the audit log page shows the refusal. Users and keys are made
// with the sundial CLI.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { chromium } = require('playwright-core');
const { Client, Connection } = require('@temporalio/client');

const { startSundial } = require('../lib/sundial');

const CHROMIUM = process.env.SUNDIAL_CHROMIUM || '/usr/bin/chromium';
const TEST_TIMEOUT_MS = 90_000;
const UI_TIMEOUT_MS = 20_000;
const SHOTS = path.resolve(__dirname, '..', 'target', 'ui-screenshots');

const haveChromium = fs.existsSync(CHROMIUM);
if (!haveChromium && process.env.CI) {
  throw new Error(`Chromium not found at ${CHROMIUM} (CI installs Debian's chromium package)`);
}
const skip = haveChromium ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium)`;

let dir;
let server;
let adminKey;
let connection;
let client;
let browser;

function cli(...args) {
  return execFileSync('java', ['-jar', server.jar, ...args, '--address', server.address,
    '--api-key', adminKey, '--tls=false'], { encoding: 'utf8', stdio: 'pipe' });
}

function createUser(name, role, password) {
  const file = path.join(dir, `${name}.pw`);
  fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
  cli('operator', 'user', 'create', '--name', name, '--role', role, '--password-file', file);
}

before(async () => {
  if (skip) return;
  fs.mkdirSync(SHOTS, { recursive: true });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sundial-ui-auth-'));
  const keyFile = path.join(dir, 'admin.key');
  server = await startSundial(['--auth', 'api-key', '--bootstrap-admin-key-file', keyFile]);
  adminKey = fs.readFileSync(keyFile, 'utf8').trim();
  createUser('viewer', 'default:read', 'viewer-password-1');
  createUser('operator', 'default:write', 'operator-password-1');
  connection = await Connection.connect({ address: server.address, apiKey: adminKey, tls: false });
  client = new Client({ connection, namespace: 'default' });
  // No worker: the workflow stays running, with its actions on offer.
  await client.workflow.start('approvalWorkflow', { taskQueue: 'nobody-polls', workflowId: 'guarded-1', args: ['x'] });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

after(async () => {
  await browser?.close().catch(() => {});
  await connection?.close().catch(() => {});
  if (server) await server.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function newPage() {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(UI_TIMEOUT_MS);
  return page;
}

async function signIn(page, username, password) {
  await page.locator('[data-testid="username"]').fill(username);
  await page.locator('[data-testid="password"]').fill(password);
  await page.locator('[data-testid="sign-in"]').click();
}

/** Calls the HTTP API from the page, as the UI would, with its session and CSRF token. */
function apiFromPage(page, method, urlPath) {
  return page.evaluate(async ({ method, urlPath }) => {
    const csrf = document.cookie.split(';').map((c) => c.trim()).find((c) => c.startsWith('_csrf='))?.slice(6) ?? '';
    const r = await fetch(urlPath, {
      method, credentials: 'include',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-TOKEN': decodeURIComponent(csrf) },
      body: method === 'GET' ? undefined : JSON.stringify({ reason: 'forced from the page' }),
    });
    return { status: r.status, body: await r.text() };
  }, { method, urlPath });
}

async function openWorkflow(page) {
  const runId = (await client.workflow.getHandle('guarded-1').describe()).runId;
  await page.goto(`${server.uiUrl}/namespaces/default/workflows/guarded-1/${runId}/history`);
  await page.locator('[data-testid="workflow-id-heading"]').filter({ hasText: 'guarded-1' }).first().waitFor();
}

test('UI sign-in: a read-only user sees the workflow but no actions, and the API refuses them', { skip, timeout: TEST_TIMEOUT_MS }, async () => {
  const page = await newPage();
  try {
    await page.goto(`${server.uiUrl}/namespaces/default/workflows`);
    await page.waitForURL(/\/login\?returnUrl=/);
    await signIn(page, 'viewer', 'wrong-password');
    await page.locator('[data-testid="login-error"]').filter({ hasText: 'wrong user name or password' }).waitFor();

    await signIn(page, 'viewer', 'viewer-password-1');
    await page.waitForURL(/\/namespaces\/default\/workflows/);
    await page.locator('[data-testid="signed-in-user"] >> visible=true').filter({ hasText: 'viewer' }).waitFor();
    await page.locator('main, body').filter({ hasText: 'guarded-1' }).first().waitFor();

    // The session cookie is HttpOnly: scripts cannot read it.
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'sundial_session');
    assert.ok(session, 'a session cookie is set');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Strict');
    assert.ok(!(await page.evaluate(() => document.cookie)).includes('sundial_session'));

    await openWorkflow(page);
    assert.equal(await page.locator('#workflow-actions-menu-button >> visible=true').first().isDisabled(), true,
      'the workflow actions are disabled for a read-only user');
    await page.screenshot({ path: path.join(SHOTS, 'auth-01-read-only-workflow.png'), fullPage: true });

    const forced = await apiFromPage(page, 'POST', '/api/v1/namespaces/default/workflows/guarded-1/terminate');
    assert.equal(forced.status, 403, forced.body);
    assert.match(forced.body, /needs the write role on namespace default/);
    assert.equal((await client.workflow.getHandle('guarded-1').describe()).status.name, 'RUNNING');

    // Sign out: the session ends, the API answers 401 again.
    await page.locator('[data-testid="sign-out"] >> visible=true').click();
    await page.waitForURL(/\/login/);
    const after = await apiFromPage(page, 'GET', '/api/v1/namespaces/default/workflows');
    assert.equal(after.status, 401, after.body);
  } finally {
    await page.close();
  }
});

test('UI sign-in: a writer sees the workflow actions enabled; an admin signs in with an API key, reads the audit log, manages keys and users', { skip, timeout: TEST_TIMEOUT_MS }, async () => {
  const page = await newPage();
  try {
    await page.goto(`${server.uiUrl}/login`);
    await signIn(page, 'operator', 'operator-password-1');
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    await openWorkflow(page);
    assert.equal(await page.locator('#workflow-actions-menu-button >> visible=true').first().isDisabled(), false);
    await page.screenshot({ path: path.join(SHOTS, 'auth-02-writer-workflow.png'), fullPage: true });
  } finally {
    await page.close();
  }
  const keyPage = await newPage();
  try {
    await keyPage.goto(`${server.uiUrl}/login`);
    await keyPage.locator('[data-testid="toggle-key"]').click();
    await keyPage.locator('[data-testid="api-key"]').fill(adminKey);
    await keyPage.locator('[data-testid="sign-in"]').click();
    await keyPage.locator('[data-testid="signed-in-user"] >> visible=true').filter({ hasText: 'bootstrap-admin' }).waitFor();

    // The audit log page shows the refused terminate of the read-only user, filtered by principal.
    await keyPage.goto(`${server.uiUrl}/audit`);
    await keyPage.locator('[data-testid="audit-filter-principal"]').fill('viewer');
    await keyPage.locator('[data-testid="audit-search"]').click();
    await keyPage.waitForURL(/principal=viewer/);
    const row = keyPage.locator('[data-testid="audit-records"] tr').filter({ hasText: 'TerminateWorkflowExecution' });
    await row.filter({ hasText: 'PERMISSION_DENIED' }).filter({ hasText: 'workflow:guarded-1' }).first().waitFor();
    assert.match(await row.first().innerText(), /\bui\b/);
    await keyPage.screenshot({ path: path.join(SHOTS, 'auth-03-audit-log.png'), fullPage: true });

    // The admin page: a key made there is shown once and works; revoked there, it is refused.
    await keyPage.goto(`${server.uiUrl}/admin`);
    await keyPage.locator('[data-testid="key-name"]').fill('from-ui');
    await keyPage.locator('[data-testid="key-roles"]').fill('default:read');
    await keyPage.locator('[data-testid="key-create"]').click();
    const shown = (await keyPage.locator('[data-testid="new-api-key"]').innerText()).trim();
    assert.match(shown, /^sundial_/);
    const asKey = await Connection.connect({ address: server.address, apiKey: shown, tls: false });
    try {
      const listed = await asKey.workflowService.listNamespaces({});
      assert.deepEqual(listed.namespaces.map((n) => n.namespaceInfo.name), ['default']);
      await keyPage.locator('[data-testid="revoke-from-ui"]').click();
      await keyPage.locator('[data-testid="api-keys"] tr').filter({ hasText: 'from-ui' }).filter({ hasText: 'revoked' }).waitFor();
      await assert.rejects(asKey.workflowService.listNamespaces({}), (err) => err.code === 16);
    } finally {
      await asKey.close().catch(() => {});
    }
    // A user made there can sign in.
    await keyPage.locator('[data-testid="user-name"]').fill('newcomer');
    await keyPage.locator('[data-testid="user-roles"]').fill('default:read');
    await keyPage.locator('[data-testid="user-password"]').fill('newcomer-password-1');
    await keyPage.locator('[data-testid="user-create"]').click();
    await keyPage.locator('[data-testid="users"] tr').filter({ hasText: 'newcomer' }).waitFor();
    await keyPage.screenshot({ path: path.join(SHOTS, 'auth-04-admin.png'), fullPage: true });
  } finally {
    await keyPage.close();
  }
  const newcomer = await newPage();
  try {
    await newcomer.goto(`${server.uiUrl}/login`);
    await signIn(newcomer, 'newcomer', 'newcomer-password-1');
    await newcomer.locator('[data-testid="signed-in-user"] >> visible=true').filter({ hasText: 'newcomer' }).waitFor();
  } finally {
    await newcomer.close();
  }
});

// Black-box compatibility tests: the official Temporal TypeScript SDK against a standalone
// Sundial server started from the runnable JAR. Run with `npm test` (node's built-in runner).
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { randomUUID } = require('node:crypto');

const { Client, Connection } = require('@temporalio/client');
const { Worker, NativeConnection, DefaultLogger, bundleWorkflowCode } = require('@temporalio/worker');

const { startSundial } = require('../lib/sundial');
const { installQuietRuntime } = require('../lib/quiet-sdk');
const activities = require('../lib/activities');
const wf = require('../lib/workflows');

const NAMESPACE = 'default';
const TEST_TIMEOUT_MS = 60_000;
const RESULT_TIMEOUT_MS = 20_000;
const SHUTDOWN_TIMEOUT_MS = 10_000;

installQuietRuntime();

let server;
let nativeConnection;
let connection;
let client;
let workflowBundle;

before(async () => {
  // Bundling (webpack) does not need the server, so it runs while the JVM starts.
  const bundling = bundleWorkflowCode({
    workflowsPath: require.resolve('../lib/workflows'),
    logger: new DefaultLogger('WARN'),
  });
  server = await startSundial();
  workflowBundle = await bundling;
  nativeConnection = await NativeConnection.connect({ address: server.address });
  connection = await Connection.connect({ address: server.address });
  client = new Client({ connection, namespace: NAMESPACE });
});

after(async () => {
  await connection?.close().catch(() => {});
  await nativeConnection?.close().catch(() => {});
  if (server) {
    await server.stop();
    const log = server.stderr().trim();
    if (log) {
      const tail = log.split('\n').slice(-60).join('\n');
      console.log(`--- Sundial server log (stderr, last 60 lines) ---\n${tail}`);
    }
  }
  // Safety net: if a native worker failed to shut down it would keep this process (and the
  // build) alive; every result has been reported by now. The timer itself keeps nothing alive.
  setTimeout(() => process.exit(), 10_000).unref();
});

/** A task queue used by one test only. */
function taskQueueFor(name) {
  return `ts-compat-${name}-${randomUUID()}`;
}

/** Rejects after ms with a message naming what was awaited, so a missing feature fails instead of hanging. */
function within(ms, what, promise) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Error text with its causes (the server's gRPC status message is usually the innermost one). */
function explain(err) {
  const parts = [];
  for (let e = err, depth = 0; e && depth < 6; e = e.cause, depth++) {
    const label = [e.name && e.name !== 'Error' ? e.name : '', e.code !== undefined ? `[gRPC code ${e.code}]` : '']
      .filter(Boolean)
      .join(' ');
    parts.push(label ? `${label}: ${e.message}` : e.message);
  }
  return parts.join('\n  caused by: ');
}

/** Runs fn while a worker polls the given task queue, then shuts the worker down (bounded in time). */
async function withWorker(taskQueue, fn) {
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace: NAMESPACE,
    taskQueue,
    workflowBundle,
    activities,
  });
  const running = worker.run();
  let outcome;
  try {
    const stoppedEarly = running.then(() => {
      throw new Error('the worker stopped before the test finished');
    });
    outcome = { value: await within(RESULT_TIMEOUT_MS, 'the workflow', Promise.race([fn(), stoppedEarly])) };
  } catch (err) {
    outcome = { error: err };
  }
  worker.shutdown();
  try {
    await within(SHUTDOWN_TIMEOUT_MS, 'the worker to shut down', running);
  } catch (err) {
    outcome.error ??= err;
  }
  if (!('error' in outcome)) return outcome.value;
  const err = outcome.error;
  if (err instanceof assert.AssertionError) throw err;
  // One readable message with the server's status text instead of nested SDK stack traces.
  throw new Error(explain(err));
}

test('activity: workflow calls an activity and returns its result', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  t.diagnostic(`Sundial at ${server.address}, started from ${server.jar}`);
  const taskQueue = taskQueueFor('activity');
  const result = await withWorker(taskQueue, () =>
    client.workflow.execute(wf.activityWorkflow, { taskQueue, workflowId: `activity-${randomUUID()}`, args: ['Sundial'] })
  );
  assert.equal(result, 'Hello, Sundial! (activity greet, attempt 1)');
});

test('timer: sleep(1s) takes at least one second', { timeout: TEST_TIMEOUT_MS }, async () => {
  const taskQueue = taskQueueFor('timer');
  const started = Date.now();
  const workflowElapsed = await withWorker(taskQueue, () =>
    client.workflow.execute(wf.timerWorkflow, { taskQueue, workflowId: `timer-${randomUUID()}`, args: [1000] })
  );
  const wallElapsed = Date.now() - started;
  assert.ok(wallElapsed >= 1000, `wall-clock elapsed ${wallElapsed} ms < 1000 ms`);
  assert.ok(workflowElapsed >= 1000, `workflow-time elapsed ${workflowElapsed} ms < 1000 ms`);
});

test('signal: workflow waits on a condition until a signal sets its state', { timeout: TEST_TIMEOUT_MS }, async () => {
  const taskQueue = taskQueueFor('signal');
  const result = await withWorker(taskQueue, async () => {
    const handle = await client.workflow.start(wf.signalWorkflow, { taskQueue, workflowId: `signal-${randomUUID()}` });
    await handle.signal(wf.setValueSignal, 'signalled value');
    return await handle.result();
  });
  assert.equal(result, 'signalled value');
});

test('query: defineQuery returns the state of a running workflow', { timeout: TEST_TIMEOUT_MS }, async () => {
  const taskQueue = taskQueueFor('query');
  const { first, second, result } = await withWorker(taskQueue, async () => {
    const handle = await client.workflow.start(wf.queryWorkflow, {
      taskQueue,
      workflowId: `query-${randomUUID()}`,
      args: ['initial'],
    });
    const first = await handle.query(wf.getStateQuery);
    await handle.signal(wf.setValueSignal, 'changed');
    // A signal accepted before the query is visible to it once its workflow task ran.
    let second = await handle.query(wf.getStateQuery);
    for (const deadline = Date.now() + 10_000; second !== 'changed' && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 200));
      second = await handle.query(wf.getStateQuery);
    }
    const { status } = await handle.describe();
    assert.equal(status.name, 'RUNNING', 'the workflow must still be running when queried');
    await handle.signal(wf.finishSignal);
    return { first, second, result: await handle.result() };
  });
  assert.equal(first, 'initial');
  assert.equal(second, 'changed');
  assert.equal(result, 'changed');
});

test('child workflow: executeChild returns the child result', { timeout: TEST_TIMEOUT_MS }, async () => {
  const taskQueue = taskQueueFor('child');
  const workflowId = `parent-${randomUUID()}`;
  const result = await withWorker(taskQueue, () =>
    client.workflow.execute(wf.parentWorkflow, { taskQueue, workflowId, args: ['hi'] })
  );
  assert.equal(result, 'parent got: child says hi');
  const child = await client.workflow.getHandle(`${workflowId}-child`).describe();
  assert.equal(child.status.name, 'COMPLETED');
});

test('update: executeUpdate returns the update handler result', { timeout: TEST_TIMEOUT_MS }, async () => {
  const taskQueue = taskQueueFor('update');
  const { first, second, result } = await withWorker(taskQueue, async () => {
    const handle = await client.workflow.start(wf.updateWorkflow, { taskQueue, workflowId: `update-${randomUUID()}` });
    const first = await handle.executeUpdate(wf.addUpdate, { args: [5] });
    const second = await handle.executeUpdate(wf.addUpdate, { args: [3] });
    await handle.signal(wf.finishSignal);
    return { first, second, result: await handle.result() };
  });
  assert.equal(first, 5);
  assert.equal(second, 8);
  assert.equal(result, 8);
});

// The official TypeScript SDK against Sundial for the feature list every SDK suite covers
// (compat-tests-py and compat-tests-go test the same): activities with retries, all timeouts,
// heartbeats and cancellation; signal-with-start, stack-trace queries, update validators,
// continue-as-new, cancellation, termination, describe; a saga, a schedule, search attributes
// with a list query; a workflow that survives kill -9 of the server.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { randomUUID } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { Client, Connection, WorkflowFailedError, WorkflowUpdateFailedError } = require('@temporalio/client');
const { ApplicationFailure, CancelledFailure, TerminatedFailure } = require('@temporalio/common');
const { Worker, NativeConnection, DefaultLogger, bundleWorkflowCode } = require('@temporalio/worker');

const { startSundial, freePort } = require('../lib/sundial');
const { installQuietRuntime } = require('../lib/quiet-sdk');
const { events, activities } = require('../lib/feature-activities');
const wf = require('../lib/feature-workflows');

const TASK_QUEUE = 'ts-features';
const TEST_TIMEOUT_MS = 60_000;
const WAIT_MS = 30_000;

installQuietRuntime();

let server;
let nativeConnection;
let connection;
let client;
let workflowBundle;
let worker;
let workerRun;

before(async () => {
  const bundling = bundleWorkflowCode({
    workflowsPath: require.resolve('../lib/feature-workflows'),
    logger: new DefaultLogger('WARN'),
  });
  server = await startSundial(['--search-attribute', 'CustomerId=Keyword', '--search-attribute', 'Stage=Keyword']);
  workflowBundle = await bundling;
  nativeConnection = await NativeConnection.connect({ address: server.address });
  connection = await Connection.connect({ address: server.address });
  client = new Client({ connection });
  worker = await Worker.create({ connection: nativeConnection, taskQueue: TASK_QUEUE, workflowBundle, activities });
  workerRun = worker.run();
});

after(async () => {
  worker?.shutdown();
  await workerRun?.catch(() => {});
  await connection?.close().catch(() => {});
  await nativeConnection?.close().catch(() => {});
  await server?.stop();
  setTimeout(() => process.exit(), 10_000).unref();
});

function within(promise, what, ms = WAIT_MS) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Calls check until it returns something truthy; fails naming what after WAIT_MS. */
async function eventually(check, what) {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${WAIT_MS} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function wid(name) {
  return `ts-${name}-${randomUUID().slice(0, 8)}`;
}

function start(fn, id, ...args) {
  return client.workflow.start(fn, { workflowId: id, taskQueue: TASK_QUEUE, args });
}

async function execute(fn, id, ...args) {
  return await within((await start(fn, id, ...args)).result(), `the result of ${id}`);
}

async function historyHas(handle, attribute) {
  const history = await handle.fetchHistory();
  return history.events.some((e) => e[attribute]);
}

const options = { timeout: TEST_TIMEOUT_MS };

test('activity: retried until it succeeds, the started event carries the last failure', options, async () => {
  const handle = await start(wf.retryWorkflow, wid('retry'), 3);
  assert.equal(await within(handle.result(), 'the result'), 3);
  const started = (await handle.fetchHistory()).events.filter((e) => e.activityTaskStartedEventAttributes);
  assert.deepEqual(started.map((e) => e.activityTaskStartedEventAttributes.attempt), [3]);
  assert.match(started[0].activityTaskStartedEventAttributes.lastFailure.message, /attempt 2 failed/);
});

for (const [kind, expected] of [
  ['start_to_close', 'TimeoutFailure:START_TO_CLOSE'],
  ['schedule_to_close', 'TimeoutFailure:SCHEDULE_TO_CLOSE'],
  ['schedule_to_start', 'TimeoutFailure:SCHEDULE_TO_START'],
  ['heartbeat', 'TimeoutFailure:HEARTBEAT'],
]) {
  test(`activity timeout: ${kind}`, options, async () => {
    assert.equal(await execute(wf.timeoutWorkflow, wid(kind), kind), expected);
  });
}

test('activity: heartbeat details reach the retry', options, async () => {
  assert.equal(await execute(wf.heartbeatWorkflow, wid('heartbeat'), 3), 4); // the first attempt heartbeated 3
});

test('activity: cancellation reaches it through its heartbeat', options, async () => {
  const id = wid('cancel-activity');
  const handle = await start(wf.cancelActivityWorkflow, id, id);
  await eventually(async () => {
    const pending = (await handle.describe()).raw.pendingActivities;
    return pending.length === 1 && pending[0].heartbeatDetails;
  }, 'the activity to heartbeat');
  await handle.signal(wf.cancelActivitySignal);
  assert.equal(await within(handle.result(), 'the result'), 'CancelledFailure');
  assert.ok(events.some(([what, key]) => what === 'cancelled' && key === id), JSON.stringify(events));
});

test('signal-with-start starts once, then signals the running workflow', options, async () => {
  const id = wid('signal-with-start');
  const opts = { workflowId: id, taskQueue: TASK_QUEUE, signal: wf.addSignal };
  const handle = await client.workflow.signalWithStart(wf.accumulatorWorkflow, { ...opts, signalArgs: [7] });
  const again = await client.workflow.signalWithStart(wf.accumulatorWorkflow, { ...opts, signalArgs: [1] });
  assert.equal(again.signaledRunId, handle.signaledRunId);
  await eventually(async () => (await handle.query(wf.totalQuery)) === 8, 'both signals');
  await handle.signal(wf.finishSignal);
  assert.equal(await within(handle.result(), 'the result'), 8);
});

test('query: __stack_trace names where the workflow waits', options, async () => {
  const id = wid('stack');
  const handle = await start(wf.accumulatorWorkflow, id);
  const trace = await within(handle.query('__stack_trace'), 'the stack trace');
  assert.match(trace, /accumulatorWorkflow/);
  await handle.terminate('done');
});

test('update: a validator refuses without a trace in history; accepted updates return', options, async () => {
  const handle = await start(wf.accumulatorWorkflow, wid('update'));
  assert.equal(await handle.executeUpdate(wf.addAndGetUpdate, { args: [4] }), 4);
  const refused = await handle.executeUpdate(wf.addAndGetUpdate, { args: [-1] }).then(
    () => assert.fail('a negative update was accepted'),
    (err) => err
  );
  assert.ok(refused instanceof WorkflowUpdateFailedError, String(refused));
  assert.match(refused.cause.message, /negative/);
  assert.equal(await handle.executeUpdate(wf.addAndGetUpdate, { args: [6] }), 10);
  const accepted = (await handle.fetchHistory()).events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
  assert.equal(accepted.length, 2);
  await handle.signal(wf.finishSignal);
  assert.equal(await within(handle.result(), 'the result'), 10);
});

test('continue-as-new: the chain ends in the last run', options, async () => {
  const id = wid('countdown');
  const handle = await start(wf.countdownWorkflow, id, 3);
  assert.equal(await within(handle.result(), 'the result'), 4);
  const first = await client.workflow.getHandle(id, handle.firstExecutionRunId).describe();
  assert.equal(first.status.name, 'CONTINUED_AS_NEW');
  const latest = await client.workflow.getHandle(id).describe();
  assert.equal(latest.status.name, 'COMPLETED');
  assert.notEqual(latest.runId, handle.firstExecutionRunId);
});

test('cancellation: the workflow runs its cleanup and ends cancelled', options, async () => {
  const id = wid('cancel');
  const handle = await start(wf.cancellableWorkflow, id, id);
  await eventually(() => historyHas(handle, 'timerStartedEventAttributes'), 'the timer to start');
  await handle.cancel();
  const err = await within(handle.result(), 'the result').then(() => assert.fail('completed'), (e) => e);
  assert.ok(err instanceof WorkflowFailedError && err.cause instanceof CancelledFailure, String(err));
  assert.ok(events.some(([what, step]) => what === 'record' && step === `cleanup ${id}`));
  assert.equal((await handle.describe()).status.name, 'CANCELLED');
});

test('termination: ends the workflow at once with the reason', options, async () => {
  const id = wid('terminate');
  const handle = await start(wf.cancellableWorkflow, id, id);
  await handle.terminate('stopped by the test');
  const err = await within(handle.result(), 'the result').then(() => assert.fail('completed'), (e) => e);
  assert.ok(err instanceof WorkflowFailedError && err.cause instanceof TerminatedFailure, String(err));
  assert.match(err.cause.message, /stopped by the test/);
  assert.equal((await handle.describe()).status.name, 'TERMINATED');
  assert.ok(!events.some(([, step]) => step === `cleanup ${id}`));
});

test('describe: a running and a closed workflow', options, async () => {
  const id = wid('describe');
  const handle = await client.workflow.start(wf.accumulatorWorkflow, { workflowId: id, taskQueue: TASK_QUEUE, memo: { owner: 'ts' } });
  const running = await handle.describe();
  assert.equal(running.workflowId, id);
  assert.equal(running.runId, handle.firstExecutionRunId);
  assert.equal(running.type, 'accumulatorWorkflow');
  assert.equal(running.taskQueue, TASK_QUEUE);
  assert.equal(running.status.name, 'RUNNING');
  assert.deepEqual(running.memo, { owner: 'ts' });
  assert.equal(running.closeTime, undefined);
  await handle.signal(wf.finishSignal);
  await within(handle.result(), 'the result');
  const closed = await handle.describe();
  assert.equal(closed.status.name, 'COMPLETED');
  assert.ok(closed.closeTime >= closed.startTime);
  assert.ok(closed.historyLength > 0);
});

test('saga: a step failing for good undoes the booked steps in reverse', options, async () => {
  const id = wid('saga');
  const err = await execute(wf.sagaWorkflow, id, id, 'car').then(() => assert.fail('completed'), (e) => e);
  assert.ok(err instanceof WorkflowFailedError && err.cause instanceof ApplicationFailure, String(err));
  assert.equal(err.cause.message, `booking ${id} failed and was undone`);
  const mine = events.filter(([, step]) => step.endsWith(` ${id}`));
  assert.deepEqual(mine, [
    ['record', `book flight ${id}`],
    ['record', `book hotel ${id}`],
    ['refuse', `book car ${id}`],
    ['record', `cancel hotel ${id}`],
    ['record', `cancel flight ${id}`],
  ]);
});

test('schedule: starts workflows, is listed, and is gone once deleted', options, async () => {
  const id = wid('schedule');
  const schedule = await client.schedule.create({
    scheduleId: id,
    spec: { intervals: [{ every: '1 second' }] },
    action: { type: 'startWorkflow', workflowType: wf.greetingWorkflow, args: ['schedule'], workflowId: `${id}-wf`, taskQueue: TASK_QUEUE },
  });
  const actions = await eventually(async () => {
    const recent = (await schedule.describe()).info.recentActions;
    return recent.length > 0 && recent;
  }, 'the schedule to start a workflow');
  const started = actions[0].action.workflow;
  assert.ok(started.workflowId.startsWith(`${id}-wf`), started.workflowId);
  const result = await within(client.workflow.getHandle(started.workflowId, started.firstExecutionRunId).result(), 'the result');
  assert.equal(result, 'Hello, schedule!');
  const listed = [];
  for await (const s of client.schedule.list()) listed.push(s.scheduleId);
  assert.ok(listed.includes(id), JSON.stringify(listed));
  await schedule.delete();
  const gone = await schedule.describe().then(() => assert.fail('still there'), (e) => e);
  assert.equal(gone.name, 'ScheduleNotFoundError', String(gone));
});

test('search attributes: set at start and upserted, found by a list query and counted', options, async () => {
  const id = wid('search');
  const customer = `c-${id}`;
  const handle = await client.workflow.start(wf.stagedWorkflow, {
    workflowId: id,
    taskQueue: TASK_QUEUE,
    args: ['packing'],
    typedSearchAttributes: [{ key: wf.CUSTOMER, value: customer }],
  });
  const list = async (query) => {
    const ids = [];
    for await (const w of client.workflow.list({ query })) ids.push(w.workflowId);
    return ids;
  };
  await eventually(
    async () => (await list(`CustomerId = "${customer}" AND Stage = "packing" AND ExecutionStatus = "Running"`)).length === 1,
    'the workflow to be listed by its search attributes'
  );
  assert.equal((await client.workflow.count(`CustomerId = "${customer}"`)).count, 1);
  const described = await handle.describe();
  assert.equal(described.typedSearchAttributes.get(wf.CUSTOMER), customer);
  assert.equal(described.typedSearchAttributes.get(wf.STAGE), 'packing');
  await handle.signal(wf.finishSignal);
  assert.equal(await within(handle.result(), 'the result'), customer);
  assert.deepEqual(await list(`CustomerId = "${customer}" AND ExecutionStatus = "Completed"`), [id]);
});

test('kill -9: a long-running workflow survives the server being killed and restarted', options, async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sundial-ts-crash-'));
  const port = await freePort();
  let own = await startSundial([], { port, dataDir });
  const native = await NativeConnection.connect({ address: own.address });
  const conn = await Connection.connect({ address: own.address });
  const crashWorker = await Worker.create({ connection: native, taskQueue: 'ts-crash', workflowBundle, activities });
  const running = crashWorker.run();
  try {
    const c = new Client({ connection: conn });
    const id = wid('crash');
    const handle = await c.workflow.start(wf.sleepThenGreetWorkflow, { workflowId: id, taskQueue: 'ts-crash', args: [3000] });
    await eventually(() => historyHas(handle, 'timerStartedEventAttributes'), 'the timer to start');
    await own.kill();
    own = await startSundial([], { port, dataDir });
    // The same client and worker carry on: the timer fires after the restart, the activity runs.
    assert.equal(await within(handle.result(), 'the result after the restart', 60_000), 'Hello, after the crash!');
    const fired = (await handle.fetchHistory()).events.filter((e) => e.timerFiredEventAttributes);
    assert.equal(fired.length, 1);
  } finally {
    crashWorker.shutdown();
    await running.catch(() => {});
    await conn.close().catch(() => {});
    await native.close().catch(() => {});
    await own.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

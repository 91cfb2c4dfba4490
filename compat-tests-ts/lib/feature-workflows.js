// Workflows of sdk-features.test.js, bundled by the worker and run in its sandbox; the test file
// imports this module only for the function references and the signal/query/update definitions.
'use strict';

const wf = require('@temporalio/workflow');
const { ActivityFailure, ApplicationFailure, TimeoutFailure, defineSearchAttributeKey, SearchAttributeType } = require('@temporalio/common');

const CUSTOMER = defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD);
const STAGE = defineSearchAttributeKey('Stage', SearchAttributeType.KEYWORD);

const addSignal = wf.defineSignal('add');
const finishSignal = wf.defineSignal('finish');
const cancelActivitySignal = wf.defineSignal('cancelActivity');
const totalQuery = wf.defineQuery('total');
const addAndGetUpdate = wf.defineUpdate('addAndGet');

const acts = wf.proxyActivities({ startToCloseTimeout: '10 seconds' });

/** The activity failure's cause as 'TimeoutFailure:START_TO_CLOSE', 'CancelledFailure', ... */
function describeFailure(err) {
  if (!(err instanceof ActivityFailure)) throw err;
  if (err.cause instanceof TimeoutFailure) return `TimeoutFailure:${err.cause.timeoutType}`;
  return err.cause?.name ?? 'no cause';
}

async function greetingWorkflow(name) {
  return await acts.greet(name);
}

async function retryWorkflow(attempts) {
  const { failUntil } = wf.proxyActivities({
    startToCloseTimeout: '10 seconds',
    retry: { initialInterval: '100 ms', backoffCoefficient: 1 },
  });
  return await failUntil(attempts);
}

const ONCE = { maximumAttempts: 1 };
const TIMEOUTS = {
  start_to_close: { startToCloseTimeout: '1 second', retry: { maximumAttempts: 2, initialInterval: '100 ms' } },
  schedule_to_close: { scheduleToCloseTimeout: '2 seconds', startToCloseTimeout: '700 ms', retry: { initialInterval: '100 ms' } },
  schedule_to_start: { taskQueue: 'ts-compat-nobody-polls', scheduleToStartTimeout: '1 second', startToCloseTimeout: '5 seconds', retry: ONCE },
  heartbeat: { startToCloseTimeout: '30 seconds', heartbeatTimeout: '1 second', retry: ONCE },
};

/** Runs one activity with the timeouts of kind; returns how it failed. */
async function timeoutWorkflow(kind) {
  const { sleepFor, greet } = wf.proxyActivities(TIMEOUTS[kind]);
  try {
    await (kind === 'schedule_to_start' ? greet('nobody') : sleepFor(30_000));
  } catch (err) {
    return describeFailure(err);
  }
  return 'completed';
}

async function heartbeatWorkflow(failAt) {
  const { resumeFromHeartbeat } = wf.proxyActivities({
    startToCloseTimeout: '10 seconds',
    heartbeatTimeout: '5 seconds',
    retry: { initialInterval: '100 ms' },
  });
  return await resumeFromHeartbeat(failAt);
}

/** Starts a heartbeating activity, cancels it when signalled, returns how the activity ended. */
async function cancelActivityWorkflow(key) {
  const { heartbeatUntilCancelled } = wf.proxyActivities({
    startToCloseTimeout: '60 seconds',
    heartbeatTimeout: '2 seconds',
    cancellationType: wf.ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
  let cancel = false;
  wf.setHandler(cancelActivitySignal, () => {
    cancel = true;
  });
  const scope = new wf.CancellationScope();
  const running = scope.run(() => heartbeatUntilCancelled(key));
  await wf.condition(() => cancel);
  scope.cancel();
  try {
    await running;
  } catch (err) {
    return describeFailure(err);
  }
  return 'completed';
}

/** Adds signalled and updated numbers until 'finish'; queried for its total. */
async function accumulatorWorkflow() {
  let total = 0;
  let finished = false;
  wf.setHandler(addSignal, (n) => {
    total += n;
  });
  wf.setHandler(finishSignal, () => {
    finished = true;
  });
  wf.setHandler(totalQuery, () => total);
  wf.setHandler(
    addAndGetUpdate,
    (n) => {
      total += n;
      return total;
    },
    {
      validator: (n) => {
        if (n < 0) throw new Error(`cannot add ${n}: negative`);
      },
    }
  );
  await wf.condition(() => finished);
  return total;
}

/** Continues as new with n-1 until n is 0; returns how many runs there were. */
async function countdownWorkflow(n, runs = 1) {
  if (n === 0) return runs;
  await wf.sleep(10);
  return await wf.continueAsNew(n - 1, runs + 1);
}

/** Sleeps for an hour; when cancelled, records a cleanup step by an activity and ends cancelled. */
async function cancellableWorkflow(key) {
  try {
    await wf.sleep('1 hour');
  } catch (err) {
    if (wf.isCancellation(err)) {
      await wf.CancellationScope.nonCancellable(() => acts.record(`cleanup ${key}`));
    }
    throw err;
  }
}

/** Books three steps; when one fails for good, undoes the booked ones in reverse order. */
async function sagaWorkflow(key, failStep) {
  const undo = [];
  try {
    for (const step of ['flight', 'hotel', 'car']) {
      await (step === failStep ? acts.refuse : acts.record)(`book ${step} ${key}`);
      undo.push(`cancel ${step} ${key}`);
    }
  } catch (err) {
    for (const step of [...undo].reverse()) await acts.record(step);
    throw ApplicationFailure.create({ message: `booking ${key} failed and was undone`, nonRetryable: true, cause: err });
  }
  return undo;
}

/** Upserts its Stage search attribute, waits for 'finish', returns its CustomerId. */
async function stagedWorkflow(stage) {
  let finished = false;
  wf.setHandler(finishSignal, () => {
    finished = true;
  });
  wf.upsertSearchAttributes([{ key: STAGE, value: stage }]);
  await wf.condition(() => finished);
  return wf.workflowInfo().typedSearchAttributes.get(CUSTOMER) ?? '';
}

/** Long-running: a timer then an activity (survives a server kill -9). */
async function sleepThenGreetWorkflow(ms) {
  await wf.sleep(ms);
  return await acts.greet('after the crash');
}

module.exports = {
  CUSTOMER,
  STAGE,
  addSignal,
  finishSignal,
  cancelActivitySignal,
  totalQuery,
  addAndGetUpdate,
  greetingWorkflow,
  retryWorkflow,
  timeoutWorkflow,
  heartbeatWorkflow,
  cancelActivityWorkflow,
  accumulatorWorkflow,
  countdownWorkflow,
  cancellableWorkflow,
  sagaWorkflow,
  stagedWorkflow,
  sleepThenGreetWorkflow,
};

// Workflow code. Bundled by the worker (webpack) and run in its deterministic sandbox;
// the test file imports it only for the function references and the signal/query/update
// definitions, which is safe outside a workflow context.
'use strict';

const wf = require('@temporalio/workflow');

const { greet } = wf.proxyActivities({ startToCloseTimeout: '10 seconds' });

const setValueSignal = wf.defineSignal('setValue');
const finishSignal = wf.defineSignal('finish');
const getStateQuery = wf.defineQuery('getState');
const addUpdate = wf.defineUpdate('add');

/** (1) Calls an activity and returns its result. */
async function activityWorkflow(name) {
  return await greet(name);
}

/** (2) Sleeps on a durable timer; returns the workflow-time elapsed around the sleep. */
async function timerWorkflow(ms) {
  const before = Date.now();
  await wf.sleep(ms);
  return Date.now() - before;
}

/** (3) Waits until a signal sets the value, then returns it. */
async function signalWorkflow() {
  let value;
  wf.setHandler(setValueSignal, (v) => {
    value = v;
  });
  await wf.condition(() => value !== undefined);
  return value;
}

/** (4) Exposes its state through a query; the 'setValue' signal changes it, 'finish' ends the run. */
async function queryWorkflow(initial) {
  let state = initial;
  let done = false;
  wf.setHandler(getStateQuery, () => state);
  wf.setHandler(setValueSignal, (v) => {
    state = v;
  });
  wf.setHandler(finishSignal, () => {
    done = true;
  });
  await wf.condition(() => done);
  return state;
}

/** Child of (5). */
async function childWorkflow(x) {
  return `child says ${x}`;
}

/** (5) Runs a child workflow (same task queue) and returns its result. */
async function parentWorkflow(x) {
  const childResult = await wf.executeChild(childWorkflow, {
    args: [x],
    workflowId: `${wf.workflowInfo().workflowId}-child`,
  });
  return `parent got: ${childResult}`;
}

/** (6) An update handler adds to a running total and returns it; 'finish' ends the run. */
async function updateWorkflow() {
  let total = 0;
  let done = false;
  wf.setHandler(addUpdate, (n) => {
    total += n;
    return total;
  });
  wf.setHandler(finishSignal, () => {
    done = true;
  });
  await wf.condition(() => done && wf.allHandlersFinished());
  return total;
}

module.exports = {
  setValueSignal,
  finishSignal,
  getStateQuery,
  addUpdate,
  activityWorkflow,
  timerWorkflow,
  signalWorkflow,
  queryWorkflow,
  childWorkflow,
  parentWorkflow,
  updateWorkflow,
};

// Workflows the browser tests look at in the web UI. Bundled by the worker like lib/workflows.js.
'use strict';

const wf = require('@temporalio/workflow');

const { charge } = wf.proxyActivities({ startToCloseTimeout: '10 seconds', summary: 'Charge the customer card' });
const { waitForever } = wf.proxyActivities({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '30 seconds',
  retry: { maximumAttempts: 1 },
});

const approveSignal = wf.defineSignal('approve');
const statusQuery = wf.defineQuery('status');

/** Completes: charges an order through an activity and returns a receipt. */
async function orderWorkflow(order) {
  const receipt = await charge(order);
  return { order: order.id, receipt };
}

/** Fails with an application error. */
async function failingWorkflow(reason) {
  throw wf.ApplicationFailure.nonRetryable(`cannot process: ${reason}`, 'Rejected');
}

/**
 * Stays open with a pending activity until an 'approve' signal arrives; its 'status' query
 * answers what it is waiting for.
 */
async function approvalWorkflow(request) {
  let approvedBy = null;
  wf.setHandler(approveSignal, (who) => {
    approvedBy = who;
  });
  wf.setHandler(statusQuery, () => (approvedBy ? `approved by ${approvedBy}` : `waiting for approval of ${request}`));
  const waiting = waitForever(request);
  waiting.catch(() => {}); // cancelled when the workflow ends
  await wf.condition(() => approvedBy !== null);
  return `${request} approved by ${approvedBy}`;
}

module.exports = { approveSignal, statusQuery, orderWorkflow, failingWorkflow, approvalWorkflow };

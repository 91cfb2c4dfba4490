// Activities of sdk-features.test.js. They run in the test process and record what they did in events.
'use strict';

const { activityInfo, heartbeat, Context, CancelledFailure } = require('@temporalio/activity');
const { ApplicationFailure } = require('@temporalio/common');

/** [activity, argument] pairs in the order they ran. */
const events = [];

async function greet(name) {
  return `Hello, ${name}!`;
}

/** Fails until its attempt number reaches attempts, then returns that number. */
async function failUntil(attempts) {
  const { attempt } = activityInfo();
  if (attempt < attempts) throw ApplicationFailure.retryable(`attempt ${attempt} failed`);
  return attempt;
}

async function sleepFor(ms) {
  await Context.current().sleep(ms);
  return 'slept';
}

/** Heartbeats 0..5; the first attempt fails at failAt; a retry starts after the last heartbeat. */
async function resumeFromHeartbeat(failAt) {
  const details = activityInfo().heartbeatDetails;
  const start = details === undefined ? 0 : details + 1;
  for (let i = start; i < 6; i++) {
    heartbeat(i);
    if (activityInfo().attempt === 1 && i === failAt) throw ApplicationFailure.retryable(`failed at ${i}`);
  }
  return start;
}

async function heartbeatUntilCancelled(key) {
  try {
    for (;;) {
      heartbeat('working');
      await Context.current().sleep(200);
    }
  } catch (err) {
    if (err instanceof CancelledFailure) events.push(['cancelled', key]);
    throw err;
  }
}

async function record(step) {
  events.push(['record', step]);
  return step;
}

async function refuse(step) {
  events.push(['refuse', step]);
  throw ApplicationFailure.nonRetryable(`${step} refused`);
}

module.exports = {
  events,
  activities: { greet, failUntil, sleepFor, resumeFromHeartbeat, heartbeatUntilCancelled, record, refuse },
};

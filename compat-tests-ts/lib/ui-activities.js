'use strict';

const { Context } = require('@temporalio/activity');

async function charge(order) {
  return `charged ${order.amount} for ${order.id}`;
}

/** Heartbeats until cancelled: a pending activity the UI shows for as long as it runs. */
async function waitForever(request) {
  const ctx = Context.current();
  for (;;) {
    ctx.heartbeat(request);
    await Promise.race([ctx.sleep(1000), ctx.cancelled]);
  }
}

module.exports = { charge, waitForever };

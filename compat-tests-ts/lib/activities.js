'use strict';

const { activityInfo } = require('@temporalio/activity');

async function greet(name) {
  return `Hello, ${name}! (activity ${activityInfo().activityType}, attempt ${activityInfo().attempt})`;
}

module.exports = { greet };

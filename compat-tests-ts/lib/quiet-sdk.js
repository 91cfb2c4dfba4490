// SDK logs: warnings and errors only, so the build output stays readable. Once per process.
'use strict';

const { Runtime, DefaultLogger } = require('@temporalio/worker');

function installQuietRuntime() {
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } },
  });
}

module.exports = { installQuietRuntime };

// CommonJS: the SDK's `require` entry points (the scenario itself is shared with suite.mjs).
const sdk = require('@agenttrustid/sdk');
const identity = require('@agenttrustid/sdk/identity');

import('./scenario.mjs')
  .then(async ({ finish, scenario }) => finish(await scenario(sdk, identity)))
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });

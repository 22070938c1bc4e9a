// ESM: the SDK's `import` entry points.
import * as sdk from '@agenttrustid/sdk';
import * as identity from '@agenttrustid/sdk/identity';
import { finish, scenario } from './scenario.mjs';

finish(await scenario(sdk, identity));

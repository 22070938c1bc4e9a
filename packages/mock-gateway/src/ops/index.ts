import type { Operation } from '../operation.js';
import { actionOps } from './actions.js';
import { agentOps } from './agents.js';
import { approvalOps } from './approvals.js';
import { sessionOps } from './sessions.js';
import { tokenOps } from './tokens.js';

/** Every operation of the spec, in spec order. */
export const operations: readonly Operation[] = [
  ...agentOps,
  ...tokenOps,
  ...actionOps,
  ...sessionOps,
  ...approvalOps,
];

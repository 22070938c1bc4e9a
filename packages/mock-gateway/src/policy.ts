/**
 * Guardian's pure rules: effect classification and scope matching. The decision procedure that
 * needs state (sessions, approvals) lives in `ops/actions.ts`; README.md documents both.
 */
import type { components } from '@agenttrustid/spec/types';

export type ActionEffect = components['schemas']['ActionEffect'];

// Words are whole tokens of the tool name (see `toolWords`); the most dangerous class that any
// word belongs to wins, and a name with no known word is `mutating` (fail safe, but no approval).
export const DESTRUCTIVE_WORDS = [
  'delete',
  'del',
  'drop',
  'remove',
  'rm',
  'rmdir',
  'unlink',
  'destroy',
  'truncate',
  'purge',
  'wipe',
  'erase',
  'kill',
  'terminate',
  'uninstall',
  'shred',
  'overwrite',
] as const;
export const ADMIN_WORDS = [
  'admin',
  'administer',
  'sudo',
  'root',
  'grant',
  'revoke',
  'permission',
  'permissions',
  'role',
  'roles',
  'privilege',
  'privileges',
  'config',
  'configure',
  'chmod',
  'chown',
  'escalate',
  'impersonate',
  'suspend',
  'activate',
] as const;
export const MUTATING_WORDS = [
  'write',
  'create',
  'update',
  'send',
  'post',
  'put',
  'patch',
  'insert',
  'upsert',
  'set',
  'add',
  'edit',
  'modify',
  'move',
  'rename',
  'copy',
  'upload',
  'exec',
  'execute',
  'run',
  'deploy',
  'publish',
  'commit',
  'push',
  'save',
  'append',
  'pay',
  'transfer',
  'submit',
  'email',
  'invoke',
] as const;
export const READ_WORDS = [
  'get',
  'list',
  'read',
  'search',
  'fetch',
  'query',
  'find',
  'lookup',
  'view',
  'show',
  'describe',
  'count',
  'inspect',
  'browse',
  'download',
  'stat',
  'select',
  'scan',
  'cat',
  'ls',
  'retrieve',
  'head',
  'check',
  'status',
  'info',
  'validate',
  'summarize',
] as const;

const CLASSES: ReadonlyArray<[ActionEffect, ReadonlySet<string>]> = [
  ['destructive', new Set(DESTRUCTIVE_WORDS)],
  ['admin', new Set(ADMIN_WORDS)],
  ['mutating', new Set(MUTATING_WORDS)],
  ['read', new Set(READ_WORDS)],
];

/** `deleteUserFiles` / `db.delete-user` / `fs:rm` -> lower-case words. */
export function toolWords(toolName: string): string[] {
  return toolName
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Classifies a tool by name: destructive > admin > mutating > read; unknown words: mutating. */
export function classifyEffect(toolName: string): ActionEffect {
  const words = toolWords(toolName);
  for (const [effect, vocabulary] of CLASSES) {
    if (words.some((word) => vocabulary.has(word))) return effect;
  }
  return 'mutating';
}

export const requiresElevation = (effect: ActionEffect) => effect === 'destructive' || effect === 'admin';

/** `Web:Search`, `web.search`, `web-search`, `web/search` and `web_search` are one scope. */
export function normalizeScope(scope: string): string {
  return scope
    .trim()
    .toLowerCase()
    .replace(/[:.\-/]/g, '_');
}

/**
 * Whether `capability` grants `scope` (a tool name or another scope): `*` grants everything; a
 * `resource:*` capability grants every `resource_<anything>`; otherwise the normalized forms
 * must be equal. A wildcard scope is granted only by an equal or wider wildcard.
 */
export function covers(capability: string, scope: string): boolean {
  const cap = normalizeScope(capability);
  const wanted = normalizeScope(scope);
  if (cap === '*') return true;
  if (cap === wanted) return true;
  if (cap.endsWith('_*')) {
    const prefix = cap.slice(0, -1);
    return wanted.length > prefix.length && wanted.startsWith(prefix);
  }
  return false;
}

/** The first capability granting `scope`, if any. */
export function grantingCapability(capabilities: readonly string[], scope: string): string | undefined {
  return capabilities.find((capability) => covers(capability, scope));
}

/** The scopes of `wanted` that no capability grants (empty when all are granted). */
export function uncovered(capabilities: readonly string[], wanted: readonly string[]): string[] {
  return wanted.filter((scope) => grantingCapability(capabilities, scope) === undefined);
}

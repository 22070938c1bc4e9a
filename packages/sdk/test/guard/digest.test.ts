import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, digestToolInput } from '../../src/guard/digest.js';

const sha = (s: string | Uint8Array) => createHash('sha256').update(s).digest('hex');

describe('digestToolInput', () => {
  it('hashes a string as its UTF-8 bytes', async () => {
    expect(await digestToolInput('drop table users')).toBe(sha('drop table users'));
    expect(await digestToolInput('héllo 😀')).toBe(sha(Buffer.from('héllo 😀', 'utf8')));
  });

  it('hashes bytes as they are', async () => {
    const bytes = new Uint8Array([1, 2, 3, 250]);
    expect(await digestToolInput(bytes)).toBe(sha(bytes));
    expect(await digestToolInput(bytes.buffer)).toBe(sha(bytes));
  });

  it('hashes objects as canonical JSON, so key order does not matter', async () => {
    const a = await digestToolInput({ table: 'users', opts: { cascade: true, dry: false } });
    const b = await digestToolInput({ opts: { dry: false, cascade: true }, table: 'users' });
    expect(a).toBe(b);
    expect(a).toBe(sha('{"opts":{"cascade":true,"dry":false},"table":"users"}'));
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(await digestToolInput({ table: 'orders' })).not.toBe(a);
  });

  it('keeps array order and hashes undefined as null', async () => {
    expect(canonicalJson([3, 1, { b: 1, a: [2] }])).toBe('[3,1,{"a":[2],"b":1}]');
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('rejects what JSON cannot represent', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(digestToolInput(cyclic)).rejects.toThrow(TypeError);
    await expect(digestToolInput(10n)).rejects.toThrow(TypeError);
  });
});

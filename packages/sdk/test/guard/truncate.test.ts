import { describe, expect, it } from 'vitest';
import { codePointLength, MAX_SUMMARY_CODE_POINTS, truncateSummary } from '../../src/guard/truncate.js';

// No lone surrogate anywhere (String.prototype.isWellFormed, without needing the ES2024 lib).
const wellFormed = (s: string) =>
  !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

describe('truncateSummary', () => {
  it('keeps summaries of 200 code points or fewer untouched', () => {
    const text = 'x'.repeat(200);
    expect(truncateSummary(text)).toBe(text);
    expect(truncateSummary('')).toBe('');
  });

  it('cuts ASCII at exactly 200 characters', () => {
    const out = truncateSummary('a'.repeat(500));
    expect(out).toBe('a'.repeat(MAX_SUMMARY_CODE_POINTS));
  });

  it('counts astral characters (two UTF-16 units) as one and never splits a surrogate pair', () => {
    // 150 ASCII + 100 emoji: 250 code points, 350 UTF-16 units.
    const text = `${'a'.repeat(150)}${'😀'.repeat(100)}`;
    const out = truncateSummary(text);
    expect(codePointLength(out)).toBe(200);
    expect(out).toBe(`${'a'.repeat(150)}${'😀'.repeat(50)}`);
    expect(wellFormed(out)).toBe(true);
  });

  it('cuts at 200 code points when a surrogate pair straddles the 200th UTF-16 unit', () => {
    const text = `${'a'.repeat(199)}😀😀`;
    const out = truncateSummary(text);
    expect(out).toBe(`${'a'.repeat(199)}😀`);
    expect(wellFormed(out)).toBe(true);
  });

  it('handles CJK (one code point, one unit each) by code point', () => {
    const out = truncateSummary('漢'.repeat(300));
    expect(out).toBe('漢'.repeat(200));
  });

  it('keeps a ZWJ family emoji whole or drops it whole at the boundary', () => {
    const family = '👨‍👩‍👧‍👦'; // 7 code points, one grapheme
    const text = `${'a'.repeat(196)}${family}tail`;
    const out = truncateSummary(text);
    expect(out).toBe('a'.repeat(196));
    expect(codePointLength(out)).toBeLessThanOrEqual(200);
    const fits = `${'a'.repeat(193)}${family}tail`;
    expect(truncateSummary(fits)).toBe(`${'a'.repeat(193)}${family}`);
  });

  it('the well-formedness check itself catches a split pair', () => {
    expect(wellFormed('😀'.slice(0, 1))).toBe(false);
    expect(wellFormed('a😀')).toBe(true);
  });

  it('falls back to a code-point cut for one oversize grapheme cluster', () => {
    const zalgo = `e${'\u0301'.repeat(400)}`;
    const out = truncateSummary(zalgo);
    expect(codePointLength(out)).toBe(200);
  });
});

import { describe, expect, it } from 'vitest';
import { MAX_SUMMARY_CODE_POINTS, truncateSummary } from '../../src/guard/truncate.js';

const codePointLength = (s: string) => [...s].length;

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

  it('cuts a ZWJ emoji sequence on code points, as every SDK does', () => {
    const family = '👨‍👩‍👧‍👦'; // 7 code points (4 people joined by 3 ZWJ), 11 UTF-16 units
    const out = truncateSummary(`${'a'.repeat(196)}${family}tail`);
    // Man, ZWJ, woman, ZWJ: the first four code points, the trailing joiner included.
    expect(out).toBe(`${'a'.repeat(196)}\u{1F468}\u200D\u{1F469}\u200D`);
    expect(codePointLength(out)).toBe(200);
    expect(wellFormed(out)).toBe(true);
    const fits = `${'a'.repeat(193)}${family}tail`;
    expect(truncateSummary(fits)).toBe(`${'a'.repeat(193)}${family}`);
  });

  it('the well-formedness check itself catches a split pair', () => {
    expect(wellFormed('😀'.slice(0, 1))).toBe(false);
    expect(wellFormed('a😀')).toBe(true);
  });

  it('cuts combining marks on code points too', () => {
    const zalgo = `e${'\u0301'.repeat(400)}`;
    const out = truncateSummary(zalgo);
    expect(codePointLength(out)).toBe(200);
  });
});

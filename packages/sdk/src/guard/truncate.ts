/** The spec's cap on `tool_input_summary`, in code points. */
export const MAX_SUMMARY_CODE_POINTS = 200;

type Segmenter = { segment(input: string): Iterable<{ segment: string }> };
let segmenter: Segmenter | null | undefined;

function graphemeSegmenter(): Segmenter | null {
  if (segmenter === undefined) {
    const Ctor = (
      globalThis as { Intl?: { Segmenter?: new (locale?: string, options?: object) => Segmenter } }
    ).Intl?.Segmenter;
    segmenter = Ctor ? new Ctor(undefined, { granularity: 'grapheme' }) : null;
  }
  return segmenter;
}

/** Cuts by code point: never leaves half of a surrogate pair. */
function truncateCodePoints(text: string, max: number): string {
  let count = 0;
  let end = 0;
  while (end < text.length && count < max) {
    const unit = text.charCodeAt(end);
    // A high surrogate followed by a low one is one code point, two UTF-16 units.
    const pair = unit >= 0xd800 && unit <= 0xdbff && end + 1 < text.length;
    const next = pair ? text.charCodeAt(end + 1) : 0;
    end += pair && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
    count++;
  }
  return text.slice(0, end);
}

/**
 * Caps a summary at `max` code points (the spec's unit), and where `Intl.Segmenter` exists also
 * at a grapheme-cluster boundary, so a flag, a skin-toned or ZWJ emoji sequence is kept whole or
 * dropped whole rather than cut into a different emoji. The result is never longer than `max`
 * code points. A single cluster longer than `max` (pathological combining marks) falls back to a
 * plain code-point cut.
 */
export function truncateSummary(text: string, max: number = MAX_SUMMARY_CODE_POINTS): string {
  // Fewer UTF-16 units than the cap means fewer code points too: the common case costs nothing.
  if (text.length <= max) return text;
  const seg = graphemeSegmenter();
  if (!seg) return truncateCodePoints(text, max);
  let count = 0;
  let end = 0;
  for (const { segment } of seg.segment(text)) {
    let points = 0;
    for (const _ of segment) points++;
    if (count + points > max) break;
    count += points;
    end += segment.length;
  }
  return end === 0 ? truncateCodePoints(text, max) : text.slice(0, end);
}

/** Counts code points (what the spec calls characters). */
export function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

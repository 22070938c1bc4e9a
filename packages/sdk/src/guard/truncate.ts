import { LIMITS } from '../generated/facts.js';

/** The spec's cap on `tool_input_summary`, in code points. */
export const MAX_SUMMARY_CODE_POINTS = LIMITS.summary;

/**
 * Caps a summary at `max` code points (the spec's unit), never leaving half of a surrogate pair.
 * Every SDK cuts here, on code points, so one summary reaches the gateway byte for byte the same
 * from any language or JavaScript runtime (spec/conformance/scenarios/guard-truncation.json):
 * a ZWJ emoji sequence at the boundary keeps its first code points, as in Python and Go.
 */
export function truncateSummary(text: string, max: number = MAX_SUMMARY_CODE_POINTS): string {
  // Fewer UTF-16 units than the cap means fewer code points too: the common case costs nothing.
  if (text.length <= max) return text;
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

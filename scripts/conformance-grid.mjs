#!/usr/bin/env node
// Prints the language x scenario grid of spec/conformance/ from the result files each runner
// writes (spec/conformance/results/<language>.json). Exits 1 when a scenario failed or a
// language has no result for it. Usage: node scripts/conformance-grid.mjs [--languages ts,python,...]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const root = new URL('../spec/conformance/', import.meta.url);
const { values } = parseArgs({ options: { languages: { type: 'string' } } });
const scenarios = readdirSync(new URL('scenarios/', root))
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(new URL(`scenarios/${f}`, root), 'utf8')));

const resultsDir = new URL('results/', root);
const found = existsSync(resultsDir)
  ? readdirSync(resultsDir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(new URL(f, resultsDir), 'utf8')))
  : [];
const order = ['typescript', 'python', 'go', 'java', 'rust'];
const wanted = values.languages ? values.languages.split(',') : [];
const languages = [...new Set([...wanted, ...found.map((r) => r.language)])].sort(
  (a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) || a.localeCompare(b),
);
const byLanguage = new Map(found.map((r) => [r.language, new Map(r.scenarios.map((s) => [s.id, s]))]));

const cell = (lang, id) => byLanguage.get(lang)?.get(id)?.status ?? 'missing';
const label = { pass: 'pass', fail: 'FAIL', skip: 'skip', missing: '-' };
const idWidth = Math.max(8, ...scenarios.map((s) => s.id.length));
const colWidth = Math.max(6, ...languages.map((l) => l.length));
const line = (first, cells) =>
  `${first.padEnd(idWidth)} | ${cells.map((c) => c.padEnd(colWidth)).join(' | ')}`;

console.log(line('scenario', languages));
console.log(`${'-'.repeat(idWidth)}-|-${languages.map(() => '-'.repeat(colWidth)).join('-|-')}`);
for (const s of scenarios)
  console.log(
    line(
      s.id,
      languages.map((l) => label[cell(l, s.id)]),
    ),
  );
console.log(`${'-'.repeat(idWidth)}-|-${languages.map(() => '-'.repeat(colWidth)).join('-|-')}`);
const totals = languages.map((l) => {
  const passed = scenarios.filter((s) => cell(l, s.id) === 'pass').length;
  return `${passed}/${scenarios.length}`;
});
console.log(line('passed', totals));

let bad = false;
for (const l of languages) {
  for (const s of scenarios) {
    const r = byLanguage.get(l)?.get(s.id);
    if (!r || r.status === 'fail') {
      bad = true;
      console.log(`\n${l} ${s.id}: ${r ? r.message : 'no result (the runner did not run it)'}`);
    }
  }
}
if (languages.length === 0) {
  console.log('no results: run the language runners first (pnpm conformance)');
  bad = true;
}
process.exitCode = bad ? 1 : 0;

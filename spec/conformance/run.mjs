#!/usr/bin/env node
// Entry of the conformance runner (spec/conformance/README.md): registers tsx, which this package
// depends on, so that `node spec/conformance/run.mjs` works from any directory without a build,
// then runs runner/run.ts. Usage: node spec/conformance/run.mjs [--lang L]... [--only ID]...
import { register } from 'tsx/esm/api';

register();
await import('./runner/run.ts');

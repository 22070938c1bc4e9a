#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx's loader: the generators are a private
// build tool, so there is no compiled copy to keep in sync.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));

#!/usr/bin/env node
// The `bayar` executable (package.json "bin"): runs the CLI and exits with its code (a started server keeps running).
import { runCli } from './index.js';

runCli(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exit(code);
  },
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

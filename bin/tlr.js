#!/usr/bin/env node
// The `tlr` command. It runs the CLI compiled from src/ by esbuild (bin/compiledCli.js: rebuilt
// whenever a source file changes, so it never drifts from the library the tests exercise), or,
// when that cannot be had or TLR_NO_BUNDLE=1, the TypeScript sources through tsx.
import {compiledCli} from "./compiledCli.js";

const verbose = process.argv.includes("--verbose");
if (verbose) process.setSourceMapsEnabled(true); // stack traces name the .ts sources
const compiled = await compiledCli();
let main;
if (compiled !== undefined) {
  // Read by src/sweep/ChildQuestionWorker.ts: a sweep's worker processes run this build's sweepWorker.js.
  process.env.TLR_COMPILED_DIR = compiled.dir;
  ({main} = await import(compiled.entry));
} else {
  const {register} = await import("tsx/esm/api");
  register();
  ({main} = await import("../src/cli/main.ts"));
}
process.exitCode = await main(process.argv.slice(2));

#!/usr/bin/env node
// The `tlr` command: loads the TypeScript sources through tsx, so a fresh clone runs
// without a build step and the CLI can never drift from the library the tests exercise.
import {register} from "tsx/esm/api";

register();
const {main} = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));

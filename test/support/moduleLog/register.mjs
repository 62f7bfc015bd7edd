// `node --import ./register.mjs …` with TLR_MODULE_LOG=FILE appends the URL of every module the
// process loads to FILE, one per line: what a command's import graph really pulls in (used by
// test/cli/startup.test.ts and bench/startup.ts).
import {register} from "node:module";

if (process.env.TLR_MODULE_LOG) register(new URL("./hooks.mjs", import.meta.url), {data: {file: process.env.TLR_MODULE_LOG}});

import {ensureChromium, ensureLlamaServer} from "./testTools.ts";
import {compiledCli} from "../../bin/compiledCli.js";

/**
 * vitest's globalSetup: before any test file runs, install or build what the tests need beyond
 * `npm ci` (see testTools.ts), so that `npm test` passes on a fresh machine. The paths go to the
 * test processes through the environment they inherit (TLR_CHROMIUM, TLR_LLAMA_SERVER), which the
 * browser and server helpers read.
 */
export default async function setup(): Promise<void> {
  process.env.TLR_CHROMIUM = await ensureChromium();
  process.env.TLR_LLAMA_SERVER = await ensureLlamaServer();
  // The compiled CLI bin/tlr.js runs (bin/compiledCli.js), built once here rather than by the first
  // few tests that start `tlr` at the same moment.
  await compiledCli();
}

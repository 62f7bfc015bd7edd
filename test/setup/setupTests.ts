// `npm run test:setup [-- --dry-run]`: what `npm test` installs or builds before the tests, run on
// its own (or, with --dry-run, only printed). The same functions as vitest's globalSetup.
import {ensureChromium, ensureLlamaServer, SetupError} from "./testTools.ts";

const dryRun = process.argv.includes("--dry-run");
try {
  for (const [what, ensure] of [["chromium", ensureChromium], ["llama-server", ensureLlamaServer]] as const) {
    const path = await ensure({dryRun});
    if (path) process.stdout.write(`${what}: ${path}\n`);
  }
} catch (error) {
  if (!(error instanceof SetupError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 2;
}

// The CLI compiled ahead of its first run, so a command starts in Node's time rather than tsx's:
// bin/tlr.js imports the bundle this returns when it can, and the TypeScript sources through tsx
// otherwise. Plain JavaScript, because it runs before any TypeScript loader.
//
// The bundle is esbuild's (already a dependency: the report's page scripts use it) of
// src/cli/main.ts, split at the command table's dynamic imports (a command still loads only its
// own code), with the ES-module packages that arrive as many small files inlined (apache-arrow's
// ~150 were most of `tlr summary`'s start, zod's ~95 of `tlr data list`'s). Every other package
// (CommonJS ones, native addons, node-llama-cpp) stays an ordinary import, resolved from
// node_modules as before. It lives in node_modules/.cache/tlr-cli/<key>/, keyed by the path, size
// and modification time of every file under src/ (and of this file and esbuild's version), so
// an edited source is never run stale: the next command rebuilds (~1 s) before it runs.
// `import.meta.url` in a source file is replaced by that file's own URL, so paths computed from it
// (datasets/, the page scripts, the sweep worker) point where they do when tsx runs the sources.
// TLR_NO_BUNDLE=1 runs the sources through tsx (as tests of import graphs do). A sweep's worker
// processes run the same build (its second entry, sweepWorker.js: bin/tlr.js names the folder in
// TLR_COMPILED_DIR for src/sweep/ChildQuestionWorker.ts).
import {createHash} from "node:crypto";
import {existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync} from "node:fs";
import {dirname, join, resolve} from "node:path";
import {fileURLToPath, pathToFileURL} from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const cacheRoot = join(root, "node_modules", ".cache", "tlr-cli");

/** Packages compiled into the bundle: ES modules only (CommonJS ones stay imports). */
const INLINE = new Set(["apache-arrow", "flatbuffers", "tslib", "zod", "csv-parse"]);

/**
 * The cache key of a checkout at `dir`: every file under its src/ (path, size, mtime), this file's
 * size and mtime, and esbuild's version. Exported for test/cli/compiledCli.test.ts.
 */
export function sourceKey(dir, esbuildVersion) {
  const hash = createHash("sha256").update(`${esbuildVersion}\n`);
  const self = statSync(fileURLToPath(import.meta.url));
  hash.update(`bin/compiledCli.js ${self.size} ${self.mtimeMs}\n`);
  const files = readdirSync(join(dir, "src"), {recursive: true, withFileTypes: true})
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort();
  for (const file of files) {
    const s = statSync(file);
    hash.update(`${file} ${s.size} ${s.mtimeMs}\n`);
  }
  return hash.digest("hex").slice(0, 16);
}

function esbuildVersion() {
  const manifest = join(root, "node_modules", "esbuild", "package.json");
  return existsSync(manifest) ? JSON.parse(readFileSync(manifest, "utf8")).version : undefined;
}

async function build(outdir) {
  const esbuild = await import("esbuild");
  const sourceUrls = {
    name: "source-urls",
    setup(b) {
      b.onLoad({filter: /\.ts$/}, (args) => {
        const text = readFileSync(args.path, "utf8");
        return {contents: text.replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href)), loader: "ts"};
      });
    },
  };
  const packages = {
    name: "packages",
    setup(b) {
      b.onResolve({filter: /^[^./]/}, (args) => {
        if (args.path.startsWith("node:")) return {external: true};
        const parts = args.path.split("/");
        const name = args.path.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
        return INLINE.has(name) ? undefined : {external: true};
      });
    },
  };
  await esbuild.build({
    // The sweep's worker processes (src/sweep/ChildQuestionWorker.ts) start from the same build.
    entryPoints: {main: join(root, "src/cli/main.ts"), sweepWorker: join(root, "src/sweep/sweepWorker.ts")},
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    outdir,
    plugins: [sourceUrls, packages],
    sourcemap: "linked",
    logLevel: "silent",
  });
}

/**
 * Removes all but the most recently used builds (a long sweep may still be loading chunks from an
 * older one, so a few are kept, not just the newest).
 */
function prune(current) {
  const KEEP = 8;
  const builds = readdirSync(cacheRoot)
    .filter((name) => !name.includes(".tmp-"))
    .map((name) => ({path: join(cacheRoot, name), mtime: statSync(join(cacheRoot, name)).mtimeMs}))
    .sort((a, b) => b.mtime - a.mtime);
  for (const old of builds.slice(KEEP)) if (old.path !== current) rmSync(old.path, {recursive: true, force: true});
}

/**
 * The compiled CLI: the URL of its entry (exporting `main`) and its folder (which also holds the
 * sweep worker's entry, sweepWorker.js), built now if the sources changed since the last build;
 * undefined when it cannot be had (no esbuild, a read-only checkout, a build
 * error), and the caller runs the sources through tsx instead.
 */
export async function compiledCli() {
  if (process.env.TLR_NO_BUNDLE === "1") return undefined;
  try {
    const version = esbuildVersion();
    if (version === undefined) return undefined;
    const dir = join(cacheRoot, sourceKey(root, version));
    const entry = join(dir, "main.js");
    if (!existsSync(entry)) {
      // Built in a folder of its own and renamed into place, so a concurrent `tlr` never sees half a bundle.
      mkdirSync(cacheRoot, {recursive: true});
      const tmp = `${dir}.tmp-${process.pid}`;
      rmSync(tmp, {recursive: true, force: true});
      await build(tmp);
      try {
        renameSync(tmp, dir);
      } catch {
        rmSync(tmp, {recursive: true, force: true}); // another process got there first
      }
      if (!existsSync(entry)) return undefined;
      prune(dir);
    } else {
      utimesSync(dir, new Date(), new Date()); // in use: the last to be pruned
    }
    return {entry: pathToFileURL(entry).href, dir};
  } catch (error) {
    if (process.env.TLR_VERBOSE === "1" || process.argv.includes("--verbose")) console.error(`tlr: running the sources through tsx (no compiled CLI: ${error?.message ?? error})`);
    return undefined;
  }
}

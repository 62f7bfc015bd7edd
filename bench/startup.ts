/**
 * Start-up time of the commands that run no model: `tlr --help`, `tlr summary DIR`, `tlr data
 * list`, wall time of a fresh process each, with the modules each one loads. Other checkouts
 * (e.g. main before this change) run side by side, alternating, for before/after figures:
 *
 *   npx tsx bench/startup.ts [reps=9] [--before /path/to/other/checkout]…
 *
 * Baselines: `node -e 0` (Node alone) and `node --import tsx -e 0` (Node + the TypeScript loader
 * bin/tlr.js registers). Each checkout's summary folder is written by its own `tlr sweep` (2 toy
 * questions), so every checkout reads a folder of its own results schema.
 */
import {spawnSync} from "node:child_process";
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import {median, record, repoRoot} from "./lib.ts";

const args = process.argv.slice(2);
const REPS = Number(args.find((a) => /^\d+$/.test(a)) ?? 9);
const before = args.flatMap((a, i) => (args[i - 1] === "--before" ? [resolve(a)] : []));
const checkouts = [{name: "this", dir: repoRoot}, ...before.map((dir, i) => ({name: before.length > 1 ? `before-${i + 1}` : "before", dir}))];
const work = mkdtempSync(join(tmpdir(), "tlr-startup-"));
const hook = resolve(repoRoot, "test/support/moduleLog/register.mjs");

function run(argv: string[], cwd: string, env: NodeJS.ProcessEnv = {}): {ms: number; stdout: string} {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, argv, {cwd, env: {...process.env, NO_COLOR: "1", ...env}, encoding: "utf8"});
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${argv.join(" ")} in ${cwd} exited ${r.status}: ${r.stderr}`);
  return {ms, stdout: r.stdout};
}

try {
  const config = join(work, "tiny.json");
  writeFileSync(config, JSON.stringify({name: "tiny", datasets: [{name: "toy_arith", split: "eval", limit: 2}], pairs: [{preset: "toy-arith"}], routers: [{kind: "max-prob", thresholds: [0.9]}], maxTokens: 20}));
  const commands = (c: {name: string; dir: string}) => ({
    "tlr --help": ["bin/tlr.js", "--help"],
    "tlr summary DIR": ["bin/tlr.js", "summary", join(work, c.name)],
    "tlr data list": ["bin/tlr.js", "data", "list"],
  });
  for (const c of checkouts) run(["bin/tlr.js", "sweep", config, "--out", join(work, c.name)], c.dir);
  const baselines: Record<string, string[]> = {"node -e 0": ["-e", "0"], "node --import tsx -e 0": ["--import", "tsx", "-e", "0"]};
  const times = new Map<string, number[]>();
  const add = (key: string, ms: number) => times.set(key, [...(times.get(key) ?? []), ms]);
  for (let rep = 0; rep <= REPS; rep++) {
    for (const [name, argv] of Object.entries(baselines)) {
      const ms = run(argv, repoRoot).ms;
      if (rep > 0) add(`baseline|${name}`, ms); // rep 0 warms the file cache and tsx's transform cache
    }
    for (const c of checkouts) {
      for (const [name, argv] of Object.entries(commands(c))) {
        const ms = run(argv, c.dir).ms;
        if (rep > 0) add(`${c.name}|${name}`, ms);
      }
    }
  }
  const modules: Record<string, number> = {};
  for (const c of checkouts) {
    for (const [name, argv] of Object.entries(commands(c))) {
      const log = join(work, "modules.txt");
      writeFileSync(log, "");
      run(["--import", hook, ...argv], c.dir, {TLR_MODULE_LOG: log});
      modules[`${c.name}|${name}`] = readFileSync(log, "utf8").split("\n").filter(Boolean).length;
    }
  }
  const rows = [...times].map(([key, ms]) => {
    const [checkout, command] = key.split("|") as [string, string];
    return {checkout, command, medianMs: Math.round(median(ms)), runs: ms.length, modules: modules[key] ?? null};
  });
  for (const r of rows) console.log(`${r.checkout.padEnd(9)} ${r.command.padEnd(24)} ${String(r.medianMs).padStart(6)} ms${r.modules === null ? "" : `  (${r.modules} modules)`}`);
  record("startup", `npx tsx bench/startup.ts ${args.join(" ")}`.trim(), {reps: REPS, checkouts, rows});
} finally {
  rmSync(work, {recursive: true, force: true});
}

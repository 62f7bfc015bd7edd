/**
 * Throughput of `tlr sweep` across worker processes and lanes, each configuration a fresh
 * `tlr sweep` process (model loading included), with the peak RSS of its whole process tree.
 *
 *   npx tsx bench/workers.ts quickstart [reps=3]
 *     experiments/quickstart.json with the default workers against --workers 1, alternating
 *     (goal on 2 cores: ≤ 90 s wall, from 2 min 44 s with one question at a time).
 *
 *   TLR_SHARED=../shared npx tsx bench/workers.ts grid [questions=16] [maxTokens=32] [pairs=toy,0.5b]
 *     tokens/s for 1, 2, 4 workers and for 1, 2, 4, 8 lanes, on the toy pair (toy questions) and on
 *     a Qwen2.5-0.5B-shaped pair (the 0.5B fixture as the small model, the tiny 152,064-row fixture
 *     as the large one, CommonsenseQA questions in CITER's prompt; random weights: only speed and
 *     drift mean anything). Goal at 0.5B shape: 4 lanes ≥ 2× one lane. Lanes are not exact, so
 *     each lane count's runs are compared with the one-lane runs: runs whose tokens differ (and
 *     from which step), and runs whose extracted answer changed.
 *
 * Small sizes check the script (`grid 4 8 toy`); the recorded figures come from a quiet machine.
 * With only some pairs (`grid 16 32 0.5b`) the figures go to workers-grid-PAIRS.json.
 */
import {spawn} from "node:child_process";
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import {qwenFixture, readResults, type QuestionRow} from "../src/index.ts";
import {median, record, repoRoot, shared} from "./lib.ts";

interface Measured {
  wallMs: number;
  peakRssMiB: number;
  generated: number;
  out: string;
}

/** Resident memory of a process and all its descendants, in KiB (Linux /proc). */
function treeRssKiB(root: number): number {
  const parent = new Map<number, number>();
  const rss = new Map<number, number>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const status = readFileSync(`/proc/${d}/status`, "utf8");
      parent.set(Number(d), Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]));
      rss.set(Number(d), Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0));
    } catch {
      // exited meanwhile
    }
  }
  const inTree = (pid: number): boolean => pid === root || (parent.has(pid) && pid !== parent.get(pid) && parent.get(pid)! > 1 && inTree(parent.get(pid)!));
  let total = 0;
  for (const [pid, kib] of rss) if (inTree(pid)) total += kib;
  return total;
}

async function sweep(configFile: string, out: string, flags: string[] = []): Promise<Measured> {
  rmSync(out, {recursive: true, force: true});
  const t0 = performance.now();
  const child = spawn(process.execPath, [resolve(repoRoot, "bin/tlr.js"), "sweep", configFile, "--out", out, ...flags], {stdio: ["ignore", "ignore", "pipe"], env: {...process.env, NO_COLOR: "1"}});
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  let peak = 0;
  const poll = setInterval(() => (peak = Math.max(peak, treeRssKiB(child.pid!))), 100);
  const code = await new Promise<number | null>((r) => child.once("exit", r));
  clearInterval(poll);
  const wallMs = performance.now() - t0;
  if (code !== 0) throw new Error(`tlr sweep ${configFile} ${flags.join(" ")} exited ${code}: ${stderr}`);
  const generated = readResults(out).questions.reduce((n, q) => n + q.generated, 0);
  return {wallMs, peakRssMiB: Math.round(peak / 1024), generated, out};
}

const mode = process.argv[2];
const work = mkdtempSync(join(tmpdir(), "tlr-bench-workers-"));
try {
  if (mode === "quickstart") {
    const reps = Number(process.argv[3] ?? 3);
    const config = resolve(repoRoot, "experiments/quickstart.json");
    const runs: Record<string, Measured[]> = {default: [], "--workers 1": []};
    for (let rep = 0; rep < reps; rep++) {
      for (const [name, flags] of [["default", []], ["--workers 1", ["--workers", "1"]]] as const) {
        const m = await sweep(config, join(work, "qs"), [...flags]);
        runs[name]!.push(m);
        console.log(`${name}: ${(m.wallMs / 1000).toFixed(1)} s, peak RSS ${m.peakRssMiB} MiB, ${m.generated} tokens`);
      }
    }
    const figures = Object.entries(runs).map(([name, ms]) => ({workers: name, wallS: median(ms.map((m) => m.wallMs)) / 1000, peakRssMiB: median(ms.map((m) => m.peakRssMiB)), generated: ms[0]!.generated}));
    console.log(`default / one worker: ${(figures[1]!.wallS / figures[0]!.wallS).toFixed(2)}× faster`);
    record("workers-quickstart", `npx tsx bench/workers.ts quickstart ${reps}`, figures);
  } else if (mode === "grid") {
    const questions = Number(process.argv[3] ?? 16);
    const maxTokens = Number(process.argv[4] ?? 32);
    const pairs = (process.argv[5] ?? "toy,0.5b").split(",");
    const figures: {pair: string; setting: string; wallS: number; generated: number; tokensPerS: number; peakRssMiB: number; drift?: ReturnType<typeof laneDrift>}[] = [];
    for (const pairName of pairs) {
      let base: object;
      if (pairName === "toy") {
        base = {datasets: [{name: "toy_arith", split: "eval", limit: questions, seed: 0}], pairs: [{preset: "toy-arith"}]};
      } else {
        // The Qwen2 vocabulary from $TLR_SHARED, else the one bundled with node-llama-cpp (qwenFixture's default).
        const small = await qwenFixture("0.5b");
        const large = await qwenFixture("tiny-large");
        base = {datasets: [{name: "commonsense_qa", split: "validation", limit: questions, seed: 0, dataDir: `${shared}/data`}], pairs: [{name: "qwen-0.5b-shape", small: small.path, large: large.path}]};
      }
      const config = (extra: object) => {
        const file = join(work, `${pairName}-${JSON.stringify(extra).replace(/\W/g, "")}.json`);
        writeFileSync(file, JSON.stringify({name: "grid", ...base, routers: [{kind: "max-prob", thresholds: [0.5]}], maxTokens, ...extra}));
        return file;
      };
      const settings = [
        ...[1, 2, 4].map((workers) => ({label: `${workers} worker${workers > 1 ? "s" : ""}`, file: config({}), flags: ["--workers", String(workers)], lanes: 1})),
        ...[2, 4, 8].map((lanes) => ({label: `${lanes} lanes`, file: config({lanes}), flags: ["--workers", "1"], lanes})),
      ];
      const one = settings[0]!; // 1 worker = 1 lane: the reference for drift
      const measured = new Map<string, Measured>();
      for (const s of settings) {
        const m = await sweep(s.file, join(work, `${pairName}-${s.label.replace(/\W/g, "")}`), s.flags);
        measured.set(s.label, m);
        const tokensPerS = m.generated / (m.wallMs / 1000);
        const drift = s.lanes > 1 ? laneDrift(readResults(measured.get(one.label)!.out).questions, readResults(m.out).questions) : undefined;
        const row = {pair: pairName, setting: s.label, wallS: m.wallMs / 1000, generated: m.generated, tokensPerS, peakRssMiB: m.peakRssMiB, drift};
        figures.push(row);
        console.log(`${pairName} ${s.label}: ${tokensPerS.toFixed(1)} tokens/s (${m.generated} tokens in ${(m.wallMs / 1000).toFixed(1)} s), peak RSS ${m.peakRssMiB} MiB${drift ? `; vs 1 lane: ${drift.runsWithOtherTokens}/${drift.runs} runs with other tokens (first at step ${drift.firstDivergence ?? "—"}), ${drift.answersChanged} answers changed` : ""}`);
      }
      const rate = (label: string) => figures.find((f) => f.pair === pairName && f.setting === label)!.tokensPerS;
      console.log(`${pairName}: 4 lanes / 1 lane = ${(rate("4 lanes") / rate("1 worker")).toFixed(2)}×`);
    }
    // The whole grid is workers-grid.json; a part of it (say only the 0.5b pair) gets a file of its own.
    const all = pairs.join(",") === "toy,0.5b";
    record(all ? "workers-grid" : `workers-grid-${pairs.join("-")}`, `npx tsx bench/workers.ts grid ${questions} ${maxTokens} ${pairs.join(",")}`, figures);
  } else {
    throw new Error("usage: npx tsx bench/workers.ts quickstart [reps] | grid [questions] [maxTokens] [pairs]");
  }
} finally {
  rmSync(work, {recursive: true, force: true});
}

/** How lane-batched runs differ from one-lane runs of the same questions, run by run. */
function laneDrift(reference: QuestionRow[], lanes: QuestionRow[]) {
  const key = (q: QuestionRow) => `${q.router}|${q.threshold}|${q.questionIndex}`;
  const byKey = new Map(reference.map((q) => [key(q), q]));
  let runsWithOtherTokens = 0;
  let answersChanged = 0;
  let firstDivergence: number | undefined;
  for (const q of lanes) {
    const r = byKey.get(key(q))!;
    const step = q.generatedIds.findIndex((id, i) => id !== r.generatedIds[i]);
    const differs = step >= 0 || q.generatedIds.length !== r.generatedIds.length;
    if (differs) {
      runsWithOtherTokens++;
      const at = step >= 0 ? step : Math.min(q.generatedIds.length, r.generatedIds.length);
      firstDivergence = Math.min(firstDivergence ?? at, at);
    }
    if (q.extracted !== r.extracted) answersChanged++;
  }
  return {runs: lanes.length, runsWithOtherTokens, answersChanged, firstDivergence};
}

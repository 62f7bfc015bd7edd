import {copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import type {SummaryRow} from "../results/schema.ts";
import {TlrError} from "../util/errors.ts";
import {consolidate, readSweepState} from "./consolidate.ts";
import {PARTS_DIR} from "./parts.ts";

/**
 * Joins the folders of a sweep's shards (or of interrupted runs on several machines) into one:
 * they must hold the same config; their parts are copied, duplicates refused, and the results
 * files rebuilt. Returns the merged summary and which shards were present.
 */
export function mergeSweeps(dirs: readonly string[], out: string): {summary: SummaryRow[]; shards: string[]; missing: string[]} {
  if (dirs.length === 0) throw new TlrError("tlr merge needs at least one results folder");
  const states = dirs.map((d) => readSweepState(d));
  const first = states[0]!;
  states.forEach((s, i) => {
    if (s.configHash !== first.configHash) throw new TlrError(`${dirs[i]} holds a sweep of another config (${s.configFile}) than ${dirs[0]} (${first.configFile}); only shards of one sweep merge`);
  });
  if (existsSync(join(out, "sweep.json")) && !dirs.includes(out)) {
    const o = readSweepState(out);
    if (o.configHash !== first.configHash) throw new TlrError(`${out} already holds another sweep; merge into a new folder`);
  }
  mkdirSync(join(out, PARTS_DIR), {recursive: true});
  for (const dir of dirs) {
    if (dir === out) continue;
    const parts = join(dir, PARTS_DIR);
    if (!existsSync(parts)) continue;
    for (const f of readdirSync(parts)) if (f.endsWith(".arrow")) copyFileSync(join(parts, f), join(out, PARTS_DIR, f));
  }
  writeFileSync(join(out, "sweep.json"), JSON.stringify({...first, shard: null}, null, 2) + "\n");
  const summary = consolidate(out);
  const shards = states.filter((s) => s.shard).map((s) => `${s.shard!.index}/${s.shard!.count}`);
  const count = states.find((s) => s.shard)?.shard?.count;
  const missing = count ? Array.from({length: count}, (_, i) => `${i + 1}/${count}`).filter((s) => !shards.includes(s)) : [];
  return {summary, shards, missing};
}

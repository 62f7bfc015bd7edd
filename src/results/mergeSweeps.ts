import {createHash} from "node:crypto";
import {existsSync, mkdirSync, readdirSync, realpathSync} from "node:fs";
import {join, resolve} from "node:path";
import {ensureFolder} from "../util/ensureFolder.ts";
import {copyFileAtomic} from "../util/fileError.ts";
import {RESULT_FILES, type SummaryRow} from "./schema.ts";
import {TlrError} from "../util/errors.ts";
import {consolidate} from "./consolidate.ts";
import {readSweepState, SWEEP_STATE_FILE, writeSweepState} from "./sweepState.ts";
import {PARTS_DIR} from "./parts.ts";

/**
 * Joins the folders of a sweep's shards (or of runs on several machines) into one: they must
 * hold the same config. Each folder's results files come in as one part and its parts as theirs;
 * consolidation then keeps each question once and rebuilds the results files. Returns the merged
 * summary and which shards were present or missing.
 */
export async function mergeSweeps(dirs: readonly string[], out: string): Promise<{summary: SummaryRow[]; shards: string[]; missing: string[]}> {
  if (dirs.length === 0) throw new TlrError("tlr merge needs at least one results folder");
  const states = dirs.map((d) => readSweepState(d));
  const first = states[0]!;
  const real = dirs.map((d) => (existsSync(d) ? realpathSync(d) : resolve(d)));
  states.forEach((s, i) => {
    if (s.configHash !== first.configHash) throw new TlrError(`${dirs[i]} holds a sweep of another config (${s.configFile}) than ${dirs[0]} (${first.configFile}); only shards of one sweep merge`);
    // A folder (or shard) given twice would hold every question twice: refused, not silently dropped.
    const again = real.indexOf(real[i]!);
    if (again < i) throw new TlrError(`${dirs[i]} is given twice (as ${dirs[again]}); name each folder once`);
    const twin = states.findIndex((o) => o.shard && s.shard && o.shard.index === s.shard.index && o.shard.count === s.shard.count);
    if (twin !== -1 && twin < i) throw new TlrError(`${dirs[i]} holds shard ${s.shard!.index}/${s.shard!.count}, as ${dirs[twin]} does; merge each shard once`);
  });
  if (existsSync(join(out, SWEEP_STATE_FILE)) && !dirs.some((d) => resolve(d) === resolve(out)) && readSweepState(out).configHash !== first.configHash) {
    throw new TlrError(`${out} already holds another sweep; merge into a new folder`);
  }
  ensureFolder(out, "--out");
  const parts = join(out, PARTS_DIR);
  mkdirSync(parts, {recursive: true});
  for (const dir of dirs) {
    if (resolve(dir) === resolve(out)) continue;
    if (Object.values(RESULT_FILES).every((f) => existsSync(join(dir, f)))) {
      const name = `merged-${createHash("sha256").update(resolve(dir)).digest("hex").slice(0, 12)}`;
      copyFileAtomic(join(dir, RESULT_FILES.tokens), join(parts, `${name}.tokens.arrow`));
      copyFileAtomic(join(dir, RESULT_FILES.questions), join(parts, `${name}.questions.arrow`)); // last: marks the part complete
    }
    const from = join(dir, PARTS_DIR);
    if (!existsSync(from)) continue;
    const files = readdirSync(from).filter((f) => f.endsWith(".arrow"));
    // Tokens before questions, so an interrupted merge never leaves a part without its tokens.
    for (const f of [...files.filter((f) => f.endsWith(".tokens.arrow")), ...files.filter((f) => f.endsWith(".questions.arrow"))]) copyFileAtomic(join(from, f), join(parts, f));
  }
  writeSweepState(out, {...first, shard: null});
  const summary = await consolidate(out);
  const shards = states.filter((s) => s.shard).map((s) => `${s.shard!.index}/${s.shard!.count}`);
  const count = states.find((s) => s.shard)?.shard?.count;
  const missing = count ? Array.from({length: count}, (_, i) => `${i + 1}/${count}`).filter((s) => !shards.includes(s)) : [];
  return {summary, shards, missing};
}

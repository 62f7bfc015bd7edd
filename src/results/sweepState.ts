import {existsSync, readFileSync} from "node:fs";
import {join} from "node:path";
import {ensureFolder} from "../util/ensureFolder.ts";
import {TlrError} from "../util/errors.ts";
import {writeFileAtomic} from "../util/fileError.ts";

/** Shard i of n (1-based): the questions whose index is i − 1 modulo n. */
export interface Shard {
  index: number;
  count: number;
}

/** DIR/sweep.json: which config (and shard) a results folder belongs to, and what it resolved to. */
export interface SweepState {
  configHash: string;
  configFile: string;
  shard: Shard | null;
  /** The resolved experiment config (sweep/config.ts's `ExperimentConfig`), recorded as it was. */
  config: unknown;
  /** Pair and dataset names in config order (the order of the results' rows). */
  pairs: string[];
  datasets: {name: string; split: string; task: string; questions: number; provenance: unknown}[];
}

export const SWEEP_STATE_FILE = "sweep.json";

export function readSweepState(dir: string): SweepState {
  const file = join(dir, SWEEP_STATE_FILE);
  let state: Partial<SweepState> | null;
  try {
    state = JSON.parse(readFileSync(file, "utf8")) as Partial<SweepState> | null;
  } catch (error) {
    throw new TlrError(`${file} is missing or unreadable: ${dir} is not a tlr sweep folder`, {cause: error});
  }
  // One written by hand or by another tool ("{}", "null") is refused here, not met as a TypeError later.
  if (typeof state?.configHash !== "string" || state.shard === undefined) throw new TlrError(`${file} is not a tlr sweep state (no configHash or shard): ${dir} is not a tlr sweep folder`);
  return state as SweepState;
}

export function writeSweepState(dir: string, state: SweepState): void {
  writeFileAtomic(join(dir, SWEEP_STATE_FILE), JSON.stringify(state, null, 2) + "\n");
}

/** A results folder belongs to one config (and shard): creates it for `state`, or refuses one that holds another sweep. */
export function claimSweepFolder(dir: string, state: SweepState): void {
  ensureFolder(dir, "results folder");
  if (!existsSync(join(dir, SWEEP_STATE_FILE))) return writeSweepState(dir, state);
  const old = readSweepState(dir);
  if (old.configHash !== state.configHash) {
    throw new TlrError(`${dir} holds a sweep of another config (${old.configFile}); use another --out or delete the folder`);
  }
  if (JSON.stringify(old.shard) !== JSON.stringify(state.shard)) {
    const name = (s: Shard | null) => (s ? `${s.index}/${s.count}` : null);
    throw new TlrError(`${dir} holds shard ${name(old.shard) ?? "(none)"} of this sweep, not ${name(state.shard) ?? "the whole"}; use another --out`);
  }
}

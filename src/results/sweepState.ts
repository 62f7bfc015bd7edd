import {existsSync, mkdirSync, readFileSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {TlrError} from "../util/errors.ts";

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
  try {
    return JSON.parse(readFileSync(file, "utf8")) as SweepState;
  } catch (error) {
    throw new TlrError(`${file} is missing or unreadable: ${dir} is not a tlr sweep folder`, {cause: error});
  }
}

export function writeSweepState(dir: string, state: SweepState): void {
  writeFileSync(join(dir, SWEEP_STATE_FILE), JSON.stringify(state, null, 2) + "\n");
}

/** A results folder belongs to one config (and shard): creates it for `state`, or refuses one that holds another sweep. */
export function claimSweepFolder(dir: string, state: SweepState): void {
  mkdirSync(dir, {recursive: true});
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

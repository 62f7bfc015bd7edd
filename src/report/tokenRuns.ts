import type {Table, Vector} from "apache-arrow";
import {TlrError} from "../util/errors.ts";

/** The token rows of one run (one router and τ on one question), as the question browser needs them. */
export interface RunTokens {
  ids: Int32Array;
  pieces: string[];
  /** 1 where the large model wrote the token. */
  large: Uint8Array;
  scores: Float64Array;
}

/** The key of a run within a results folder: dataset, pair, router, τ and question. */
export const runKey = (r: {dataset: string; pair: string; router: string; threshold: number; questionIndex: number}): string =>
  `${r.dataset}\u0000${r.pair}\u0000${r.router}\u0000${r.threshold}\u0000${r.questionIndex}`;

/**
 * Reads a tokens.arrow table's runs by key, from the few columns the browser shows (ids, pieces,
 * sources, scores). A run's rows are written together, steps 0, 1, 2, …, so the run columns are
 * decoded once per run rather than once per token: the quickstart's 280k rows then cost one
 * string decode each, for the piece.
 */
export function readTokenRuns(table: Table, file: string): Map<string, RunTokens> {
  const column = <T = unknown>(name: string): Vector => {
    const v = table.getChild(name);
    if (!v) throw new TlrError(`${file} lacks the column ${name}: it was not written by tlr`);
    return v as Vector & {get(i: number): T};
  };
  const [dataset, pair, router, piece, source] = ["dataset", "pair", "router", "piece", "source"].map((n) => column(n));
  const threshold = column("threshold").toArray() as Float64Array;
  const question = column("question_index").toArray() as Int32Array;
  const step = column("step").toArray() as Int32Array;
  const id = column("token_id").toArray() as Int32Array;
  const score = column("score").toArray() as Float64Array;
  const runs = new Map<string, RunTokens>();
  const n = table.numRows;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && step[end] === step[end - 1]! + 1 && question[end] === question[start] && Object.is(threshold[end], threshold[start])) end++;
    if (step[start] !== 0) throw new TlrError(`${file}: row ${start} starts a run at step ${step[start]}, not 0: the file's runs are not whole (re-run or re-merge the sweep that wrote it)`);
    const key = runKey({dataset: dataset!.get(start), pair: pair!.get(start), router: router!.get(start), threshold: threshold[start]!, questionIndex: question[start]!});
    if (runs.has(key)) throw new TlrError(`${file}: the run at row ${start} appears twice (re-merge the sweep that wrote it)`);
    const pieces: string[] = [];
    const large = new Uint8Array(end - start);
    for (let i = start; i < end; i++) {
      pieces.push(piece!.get(i) as string);
      large[i - start] = source!.get(i) === "large" ? 1 : 0;
    }
    runs.set(key, {ids: id.slice(start, end), pieces, large, scores: score.slice(start, end)});
    start = end;
  }
  return runs;
}

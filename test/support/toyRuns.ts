import {readFileSync} from "node:fs";
import {encodePrompt, loadPair, type DecodeResult, type ModelPair} from "../../src/index.ts";
import {sharedPath} from "./helpers.ts";
import {toy} from "./toy.ts";

/** The toy pair on the CPU and the prompts of the first `n` questions of eval_reference.jsonl, encoded. */
export async function toyPairWithPrompts(n: number): Promise<{pair: ModelPair; prompts: number[][]}> {
  const pair = await loadPair({small: {path: toy.small, gpu: false}, large: {path: toy.large, gpu: false}});
  const rows = readFileSync(sharedPath("models/toy-arith/eval_reference.jsonl"), "utf8").trim().split("\n").slice(0, n);
  return {pair, prompts: rows.map((l) => encodePrompt(pair.small.tokenizer, JSON.parse(l).prompt))};
}

/** Everything of a run but its timings: what must be identical between a swept and an independent run. */
export function untimed(r: DecodeResult) {
  return {
    transcript: r.transcript,
    text: r.text,
    records: r.records.map(({smallMs: _a, largeMs: _b, probeMs: _c, routerMs: _d, tMs: _e, ...rest}) => rest),
    stats: (({ttftMs: _a, tbtMs: _b, smallMs: _c, largeMs: _d, routerMs: _e, totalMs: _f, wallMs: _g, ...rest}) => rest)(r.stats),
  };
}

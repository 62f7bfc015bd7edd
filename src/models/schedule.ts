import type {Token} from "../core/Prediction.ts";

/**
 * Why schedules matter: on CPU, ggml computes one token and a batch of tokens with different
 * kernels, so logits depend on how a transcript was split into evaluation batches, not only on
 * its tokens (up to ~4e-3 in probability on the toy model). Re-evaluating with the same split is
 * bit-identical. A model's KV state is therefore kept as *segments*, one per evaluation batch, and
 * only whole segments are ever reused: a prediction then depends only on the transcript and on
 * the batch boundaries ("cuts") it was evaluated with.
 */

/** What `next()` must do to predict after `transcript`. */
export interface EvaluationPlan {
  /** How many held segments stay in the KV state. */
  keepSegments: number;
  /** Tokens those segments cover; everything after is erased. */
  keepLength: number;
  /** Segment ends to evaluate, each as one batch, in order (empty when the prediction is cached). */
  evaluate: number[];
}

/**
 * Plans a prediction after `transcript`. `heldEnds` are the ends of the segments in the KV state
 * (ascending) and `held` their tokens. Without `cuts`, held segments that lie wholly inside the
 * common prefix are kept and the rest of the transcript becomes one new batch (append-only
 * decoding never rolls back). With `cuts` (earlier batch ends, ascending, each in [1, n)), the
 * state is made to hold exactly the segments those cuts define, reusing a held prefix only where
 * its boundaries agree, so the prediction equals that of a fresh model called at each cut.
 */
export function planEvaluation(
  held: readonly Token[],
  heldEnds: readonly number[],
  transcript: readonly Token[],
  cuts?: readonly number[],
): EvaluationPlan {
  const n = transcript.length;
  const common = commonPrefixLength(held, transcript);
  // Append-only decoding, the common case: everything held stays, the rest is one new batch.
  if (!cuts && common === held.length && held.length < n) return {keepSegments: heldEnds.length, keepLength: held.length, evaluate: [n]};
  let required: number[];
  if (cuts) {
    let last = 0;
    for (const c of cuts) {
      if (!Number.isInteger(c) || c <= last || c >= n) throw new Error(`cuts must ascend within [1, ${n}), got [${cuts.join(", ")}]`);
      last = c;
    }
    required = [...cuts, n];
  } else {
    required = heldEnds.filter((end) => end <= common && end < n);
    required.push(n);
  }
  let k = 0;
  while (k < heldEnds.length && k < required.length && heldEnds[k] === required[k] && heldEnds[k]! <= common) k++;
  const keepLength = k === 0 ? 0 : heldEnds[k - 1]!;
  return {keepSegments: k, keepLength, evaluate: required.slice(k)};
}

/** Length of the longest common prefix of two id lists. */
export function commonPrefixLength(a: readonly Token[], b: readonly Token[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/**
 * What a model that evaluates exactly by `planEvaluation` holds, tracked from outside (for remote
 * models, whose servers keep the real state): the transcript it last saw and its batch ends. It
 * gives a call's canonical catch-up size, the same a local model reports.
 */
export class ScheduleMirror {
  private held: Token[] = [];
  private ends: number[] = [];

  /** The catch-up size of predicting after `transcript` (with `cuts`, if any), and records the call. */
  call(transcript: readonly Token[], cuts?: readonly number[]): {evaluated: number; fromState: boolean} {
    const plan = planEvaluation(this.held, this.ends, transcript, cuts);
    const kept = this.ends.slice(0, plan.keepSegments);
    if (plan.evaluate.length === 0) {
      const k = plan.keepSegments;
      return {evaluated: kept[k - 1]! - (k > 1 ? kept[k - 2]! : 0), fromState: true};
    }
    const finalStart = plan.evaluate.length > 1 ? plan.evaluate.at(-2)! : plan.keepLength;
    this.held = [...transcript];
    this.ends = [...kept, ...plan.evaluate];
    return {evaluated: transcript.length - finalStart, fromState: false};
  }

  reset(): void {
    this.held = [];
    this.ends = [];
  }
}

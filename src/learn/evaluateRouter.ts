import type {Prediction} from "../core/Prediction.ts";
import {TlrError} from "../util/errors.ts";
import {loadRouter} from "../routing/loadRouter.ts";
import type {LabelRow} from "./collectLabels.ts";
import {readLabels} from "./labelFile.ts";
import {rocAuc, routingQuality, type RoutingQuality} from "./metrics.ts";
import {readRouterFile} from "../routing/learned/routerFile.ts";

export interface RouterEvaluation {
  router: string;
  tokens: number;
  questions: number;
  /** Fraction of tokens labelled 0 (need the large model). */
  needLarge: number;
  auc: number;
  /** The small model's max-probability on the same tokens: the baseline to beat. */
  maxProbAuc: number;
  /** At each routed fraction: the router's precision/recall, then max-probability's. */
  quality: {router: RoutingQuality; maxProb: RoutingQuality}[];
}

export const EVAL_FRACTIONS = [0.01, 0.02, 0.03, 0.05, 0.1] as const;

/** A labels row as the prediction a router would have seen at that step. */
export function rowPrediction(r: LabelRow): Prediction {
  return {
    token: r.smallToken,
    top: r.smallTopIds.map((id, i) => ({id, logprob: r.smallTopLogprobs[i]!})),
    maxProb: r.smallMaxProb,
    margin: r.smallMargin,
    entropy: r.smallEntropy,
    entropyExact: false,
    hidden: r.hidden.length ? Float32Array.from(r.hidden) : undefined,
  };
}

/**
 * Scores every token of labels files (collected for the router's small model, ideally on
 * questions it was not trained on) and reports AUC and the precision/recall of routing the
 * lowest-scoring 1%, 2%, 3%, 5%, 10% of tokens, beside the small model's max-probability.
 */
export async function evaluateRouter(routerPath: string, data: readonly string[], fractions: readonly number[] = EVAL_FRACTIONS): Promise<RouterEvaluation> {
  const file = readRouterFile(routerPath);
  const router = await loadRouter({kind: file.kind, file: routerPath});
  const rows: LabelRow[] = [];
  const questions = new Set<string>();
  for (const [f, path] of data.entries()) {
    const labels = readLabels(path);
    if (file.model.sha256 !== null && labels.metadata.small.sha256 !== file.model.sha256) {
      throw new TlrError(`${path} was collected with ${labels.metadata.small.name} (sha256 ${labels.metadata.small.sha256.slice(0, 12)}…), but router file ${routerPath} was trained for ${file.model.name} (sha256 ${file.model.sha256.slice(0, 12)}…): evaluate on labels of its own small model`);
    }
    for (const r of labels.rows) {
      rows.push(r);
      questions.add(`${f}:${r.questionId}`);
    }
  }
  if (rows.length === 0) throw new TlrError(`${data.join(", ")} hold no tokens`);
  const scores = new Float64Array(rows.length);
  for (const [i, r] of rows.entries()) scores[i] = await router.score({step: r.step, key: r.questionId, small: rowPrediction(r)});
  const labels = rows.map((r) => r.label);
  const maxProb = rows.map((r) => r.smallMaxProb);
  const ours = routingQuality(scores, labels, fractions);
  const theirs = routingQuality(maxProb, labels, fractions);
  return {
    router: router.name,
    tokens: rows.length,
    questions: questions.size,
    needLarge: labels.filter((l) => l === 0).length / rows.length,
    auc: rocAuc(scores, labels),
    maxProbAuc: rocAuc(maxProb, labels),
    quality: ours.map((router, i) => ({router, maxProb: theirs[i]!})),
  };
}

import type {Example} from "../data/types.ts";
import type {DecodeResult} from "../decoding/types.ts";
import type {QuestionRow, RunKey, TokenRow} from "../results/schema.ts";
import type {Task} from "../tasks/Task.ts";

/** The rows of one run (one threshold on one question). */
export function runRows(key: RunKey, questionIndex: number, example: Example, task: Task, run: DecodeResult): {question: QuestionRow; tokens: TokenRow[]} {
  const extraction = task.extract(run.text, example);
  const s = run.stats;
  const question: QuestionRow = {
    ...key,
    questionIndex,
    questionId: example.id,
    prompt: task.prompt(example),
    promptTokens: run.promptLength,
    generatedIds: run.generated,
    output: run.text,
    extracted: extraction.answer,
    extractionRule: extraction.rule,
    gold: example.answer,
    correct: task.score(extraction.answer, example),
    generated: s.generated,
    largeTokens: s.largeTokens,
    uploadFraction: s.uploadFraction,
    largeCalls: s.largeCalls,
    probes: s.probes,
    bytesUp: s.bytesUp,
    bytesDown: s.bytesDown,
    ttftMs: s.ttftMs,
    tbtMs: s.tbtMs,
    smallMs: s.smallMs,
    largeMs: s.largeMs,
    networkMs: s.networkMs,
    routerMs: s.routerMs,
    totalMs: s.totalMs,
    wallMs: s.wallMs,
    smallEvaluated: s.smallEvaluated,
    largeEvaluated: s.largeEvaluated,
    stopReason: s.stopReason,
    error: null,
  };
  const tokens = run.records.map(
    (r): TokenRow => ({
      dataset: key.dataset,
      pair: key.pair,
      router: key.router,
      threshold: key.threshold,
      questionIndex,
      step: r.step,
      tokenId: r.id,
      piece: r.piece,
      source: r.source,
      score: r.score,
      smallToken: r.small.token,
      smallMaxProb: r.small.maxProb,
      smallMargin: r.small.margin,
      smallEntropy: r.small.entropy,
      smallTopIds: r.small.top.map((t) => t.id),
      smallTopLogprobs: r.small.top.map((t) => t.logprob),
      largeToken: r.large?.token ?? null,
      largeMaxProb: r.large?.maxProb ?? null,
      smallPadded: r.small.padded === true,
      largePadded: r.large ? r.large.padded === true : null,
      smallEvaluated: r.smallEvaluated,
      largeEvaluated: r.largeEvaluated,
      smallMs: r.smallMs,
      largeMs: r.largeMs,
      probeMs: r.probeMs,
      routerMs: r.routerMs,
      netMs: r.netMs,
      bytesUp: r.bytesUp,
      bytesDown: r.bytesDown,
      tMs: r.tMs,
    }),
  );
  return {question, tokens};
}

/** A question that could not be run (e.g. the remote model failed after its retries): counted wrong. */
export function errorRow(key: RunKey, questionIndex: number, example: Example, prompt: {text: string; tokens: number}, error: string): QuestionRow {
  return {
    ...key,
    questionIndex,
    questionId: example.id,
    prompt: prompt.text,
    promptTokens: prompt.tokens,
    generatedIds: [],
    output: "",
    extracted: null,
    extractionRule: "none",
    gold: example.answer,
    correct: false,
    generated: 0,
    largeTokens: 0,
    uploadFraction: 0,
    largeCalls: 0,
    probes: 0,
    bytesUp: 0,
    bytesDown: 0,
    ttftMs: 0,
    tbtMs: 0,
    smallMs: 0,
    largeMs: 0,
    networkMs: 0,
    routerMs: 0,
    totalMs: 0,
    wallMs: 0,
    smallEvaluated: 0,
    largeEvaluated: 0,
    stopReason: "error",
    error,
  };
}

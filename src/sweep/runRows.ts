import type {Example} from "../data/types.ts";
import type {Timeline} from "../decoding/timeline.ts";
import type {DecodeResult} from "../decoding/types.ts";
import type {QuestionRow, RunKey, TokenRow} from "../results/schema.ts";
import type {Task} from "../tasks/Task.ts";

/** The same run's latency on a device profile (the profile_* columns), or nulls without one. */
export type ProfileLatency = Pick<QuestionRow, "profileTtftMs" | "profileTbtMs" | "profileSmallMs" | "profileCommLargeMs" | "profileTotalMs">;
const NO_PROFILE: ProfileLatency = {profileTtftMs: null, profileTbtMs: null, profileSmallMs: null, profileCommLargeMs: null, profileTotalMs: null};

/** The rows of one run (one threshold on one question). `profile`: its log replayed on a device profile. */
export function runRows(key: RunKey, questionIndex: number, example: Example, task: Task, run: DecodeResult, profile?: Timeline): {question: QuestionRow; tokens: TokenRow[]} {
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
    verified: s.verified,
    uploadFraction: s.uploadFraction,
    largeCalls: s.largeCalls,
    probes: s.probes,
    fallbacks: s.fallbacks,
    discarded: s.discarded,
    speculativeSteps: s.speculativeSteps,
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
    ...(profile
      ? {profileTtftMs: profile.ttftMs, profileTbtMs: profile.tbtMs, profileSmallMs: profile.smallMs, profileCommLargeMs: profile.networkMs + profile.largeMs, profileTotalMs: profile.totalMs}
      : NO_PROFILE),
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
      policy: key.policy,
      threshold: key.threshold,
      questionIndex,
      step: r.step,
      tokenId: r.id,
      piece: r.piece,
      source: r.source,
      score: r.score,
      smallToken: r.small?.token ?? null,
      smallMaxProb: r.small?.maxProb ?? null,
      smallMargin: r.small?.margin ?? null,
      smallEntropy: r.small?.entropy ?? null,
      smallTopIds: r.small?.top.map((t) => t.id) ?? [],
      smallTopLogprobs: r.small?.top.map((t) => t.logprob) ?? [],
      largeToken: r.large?.token ?? null,
      largeMaxProb: r.large?.maxProb ?? null,
      smallPadded: r.small ? r.small.padded === true : null,
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
      call: r.call ?? null,
      verified: r.verified ?? false,
      fallback: r.fallback ?? false,
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
    verified: 0,
    uploadFraction: 0,
    largeCalls: 0,
    probes: 0,
    fallbacks: 0,
    discarded: 0,
    speculativeSteps: 0,
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
    ...NO_PROFILE,
    smallEvaluated: 0,
    largeEvaluated: 0,
    stopReason: "error",
    error,
  };
}

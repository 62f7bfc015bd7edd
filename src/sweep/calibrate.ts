import {decode, type StopRules} from "../decoding/decode.ts";
import type {Example} from "../data/types.ts";
import type {Token} from "../core/Prediction.ts";
import type {Tokenizer} from "../core/Tokenizer.ts";
import type {TokenModel} from "../models/TokenModel.ts";
import {createRouter} from "../routing/routers.ts";
import type {Router} from "../routing/Router.ts";
import type {Task} from "../tasks/Task.ts";

/** What a calibration found: for each target upload fraction, the threshold chosen. */
export interface Calibrated {
  router: string;
  targets: number[];
  thresholds: number[];
  /** Router scores seen (one per token of the small model's own greedy runs). */
  scores: number;
  questions: string[];
}

/**
 * Thresholds at quantiles of a router's score along the small model's own greedy runs on
 * calibration questions, as Co-LLM picks its deferral thresholds: for target fraction f, τ is the
 * smallest score with at least f of all scores below it, so "score < τ" routes about f of the
 * tokens (the achieved fraction differs once routing changes the trajectories; results record both).
 * The random router's threshold is its target itself.
 */
export function thresholdsForTargets(scores: readonly number[], targets: readonly number[]): number[] {
  const sorted = [...scores].sort((a, b) => a - b);
  return targets.map((f) => {
    if (sorted.length === 0) return f;
    const k = Math.ceil(f * sorted.length);
    return k >= sorted.length ? Number.POSITIVE_INFINITY : sorted[k]!;
  });
}

export async function calibrate(options: {
  routers: {router: Router; targets: number[]}[];
  examples: readonly Example[];
  task: Task;
  small: TokenModel;
  large: TokenModel;
  tokenizer: Tokenizer;
  maxTokens: number;
  stop: StopRules;
  /** The prompt text as ids, exactly as the sweep encodes it (plain, or in the chat template). */
  encodePrompt: (text: string) => Token[];
}): Promise<Calibrated[]> {
  const scores = options.routers.map(() => [] as number[]);
  for (const example of options.examples) {
    const run = await decode({
      prompt: options.encodePrompt(options.task.prompt(example)),
      small: options.small,
      large: options.large,
      tokenizer: options.tokenizer,
      router: createRouter("always-small"),
      threshold: 0,
      maxTokens: options.maxTokens,
      stop: options.stop,
      key: example.id,
    });
    for (const [i, {router}] of options.routers.entries()) {
      for (const r of run.records) scores[i]!.push(await router.score({step: r.step, key: example.id, small: r.small!}));
    }
  }
  return options.routers.map(({router, targets}, i) => ({
    router: router.name,
    targets,
    thresholds: router.kind === "random" ? [...targets] : thresholdsForTargets(scores[i]!, targets),
    scores: scores[i]!.length,
    questions: options.examples.map((e) => e.id),
  }));
}

import {decode} from "../decoding/decode.ts";
import type {Example} from "../data/types.ts";
import {encodePrompt, type Tokenizer} from "../core/Tokenizer.ts";
import {type Token} from "../core/Prediction.ts";
import {type TokenModel} from "../models/TokenModel.ts";
import type {Task} from "../tasks/Task.ts";
import {TlrError} from "../util/errors.ts";
import {createRouter} from "../routing/routers.ts";
import type {QuestionLabels} from "./LabelStore.ts";

/** Where the reference continuation comes from: the gold chain of thought, or the large model's greedy output. */
export type ReferenceKind = "gold" | "large";

/**
 * How tokens the small model gets wrong are labelled. "citer": 0 when the large model's token is
 * the reference; when both are wrong, whether the small model's own continuation still answers
 * right. "outcome": every wrong small token by that continuation check, whatever the large model
 * says: an error the small model's continuation gets over (a misread operand it never uses again)
 * needs no routing.
 */
export type LabelMode = "citer" | "outcome";

/** Why a token got its label. */
export type LabelRule =
  | "small-right"
  | "large-right"
  | "both-wrong-small-recovers"
  | "both-wrong-small-fails"
  | "small-wrong-small-recovers"
  | "small-wrong-small-fails";

/** One reference token: the small model's features before it, both models' greedy tokens, the label. */
export interface LabelRow {
  questionIndex: number;
  questionId: string;
  step: number;
  refToken: number;
  smallToken: number;
  largeToken: number;
  /** 1: the small model's token is fine; 0: it needs the large model. */
  label: number;
  rule: LabelRule;
  smallMaxProb: number;
  smallMargin: number;
  smallEntropy: number;
  smallTopIds: number[];
  smallTopLogprobs: number[];
  /** The small model's last-layer hidden state (empty when it was collected without). */
  hidden: number[];
}

export interface CollectOptions {
  /** Load it with `hidden: true` to collect hidden states. */
  small: TokenModel;
  large: TokenModel;
  tokenizer: Tokenizer;
  examples: readonly Example[];
  task: Task;
  /** Default: "gold" when every example has a reference, else "large". */
  reference?: ReferenceKind;
  /** Default "citer". */
  labels?: LabelMode;
  /** Reference tokens per question at most (and the budget of the small model's continuations). */
  maxTokens: number;
  /** Stop strings beyond the end-of-generation tokens (the task's). */
  stop?: readonly string[];
  /** The prompt text as ids (default: plain, `encodePrompt`; a chat-template encoder for chat prompts). */
  encodePrompt?: (text: string) => Token[];
  /** Questions (by index in `examples`) already collected: skipped (a resumed collection). */
  skip?: (index: number) => boolean;
  /** Each question as it finishes: its rows and counters, or the error it was recorded with. */
  onLabels?: (question: QuestionLabels) => void;
  /**
   * A thrown error that belongs to its question, not to the collection (a remote model that
   * failed after its retries): the question is recorded with it and the collection goes on.
   * Default: none (every error stops the collection).
   */
  isRecordable?: (error: unknown) => boolean;
  /** Aborted: stop before the next question (a clean Ctrl-C); finished questions were reported. */
  signal?: AbortSignal;
  onQuestion?: (done: number, rows: number) => void;
}

export interface Collected {
  rows: LabelRow[];
  reference: ReferenceKind;
  labels: LabelMode;
  /** Small-model continuations run for "both wrong" tokens, and their tokens. */
  continuations: number;
  continuationTokens: number;
}

const alwaysSmall = createRouter("always-small");
const alwaysLarge = createRouter("always-large");

/**
 * CITER's token labels along reference continuations. Both models are teacher-forced along the
 * reference (the prompt in one batch, then one token at a time, the batches of real decoding).
 * At each step: label 1 when the small model's argmax is the reference token; 0 when only the
 * large model's is; when both are wrong, the small model continues greedily from there on its
 * own and the label is 1 exactly when that continuation's answer is right (the task's extractor
 * and scorer). The reference is the gold chain of thought (toy task) or the large model's greedy
 * output; with the latter the large model is right by construction and "both wrong" never occurs.
 * With `labels: "outcome"` every wrong small token gets the continuation check (see LabelMode).
 */
export async function collectLabels(options: CollectOptions): Promise<Collected> {
  const {small, large, tokenizer, task, maxTokens} = options;
  const reference = options.reference ?? (options.examples.every((e) => e.reference !== undefined) ? "gold" : "large");
  const mode = options.labels ?? "citer";
  const stop = {strings: [...task.stop, ...(options.stop ?? [])]};
  const rows: LabelRow[] = [];
  let continuations = 0;
  let continuationTokens = 0;
  const encode = options.encodePrompt ?? ((text: string) => encodePrompt(tokenizer, text));
  for (const [q, example] of options.examples.entries()) {
    if (options.skip?.(q)) continue;
    if (options.signal?.aborted) break;
    const before = {rows: rows.length, continuations, continuationTokens};
    try {
      await collectQuestion(q, example);
    } catch (error) {
      if (!options.isRecordable?.(error)) throw error;
      rows.length = before.rows; // a failed question keeps no rows
      ({continuations, continuationTokens} = before);
      options.onLabels?.({index: q, id: example.id, rows: [], continuations: 0, continuationTokens: 0, error: (error as Error).message});
      continue;
    }
    options.onLabels?.({
      index: q,
      id: example.id,
      rows: rows.slice(before.rows),
      continuations: continuations - before.continuations,
      continuationTokens: continuationTokens - before.continuationTokens,
      error: null,
    });
    options.onQuestion?.(q + 1, rows.length);
  }
  return {rows, reference, labels: mode, continuations, continuationTokens};

  async function collectQuestion(q: number, example: Example): Promise<void> {
    const prompt = encode(task.prompt(example));
    const ref = await referenceTokens(options, example, prompt, reference, stop);
    const transcript: Token[] = [...prompt];
    for (const [step, refToken] of ref.entries()) {
      // Both models are asked at every step: the prompt as one batch, then a token a batch, as in a
      // decoding run. Said explicitly, since a continuation below leaves the models in another state.
      const cuts = Array.from({length: step}, (_, k) => prompt.length + k);
      const s = (await small.next(transcript, {cuts})).prediction;
      const l = (await large.next(transcript, {cuts})).prediction;
      let label: number;
      let rule: LabelRule;
      if (s.token === refToken) [label, rule] = [1, "small-right"];
      else if (l.token === refToken && mode === "citer") [label, rule] = [0, "large-right"];
      else {
        const run = await decode({prompt: transcript, small, large, tokenizer, router: alwaysSmall, threshold: 0, maxTokens: maxTokens - step, stop, key: example.id});
        continuations++;
        continuationTokens += run.generated.length;
        const text = tokenizer.detokenize([...transcript.slice(prompt.length), ...run.generated], prompt.slice(-8));
        const right = task.score(task.extract(text, example).answer, example);
        const prefix = l.token === refToken ? "small-wrong" : "both-wrong";
        [label, rule] = right ? [1, `${prefix}-small-recovers`] : [0, `${prefix}-small-fails`];
      }
      rows.push({
        questionIndex: q,
        questionId: example.id,
        step,
        refToken,
        smallToken: s.token,
        largeToken: l.token,
        label,
        rule,
        smallMaxProb: s.maxProb,
        smallMargin: s.margin,
        smallEntropy: s.entropy,
        smallTopIds: s.top.map((t) => t.id),
        smallTopLogprobs: s.top.map((t) => t.logprob),
        hidden: s.hidden ? Array.from(s.hidden) : [],
      });
      transcript.push(refToken);
    }
  }
}

/** The reference continuation of one question, at most `maxTokens` ids. */
async function referenceTokens(options: CollectOptions, example: Example, prompt: Token[], kind: ReferenceKind, stop: {strings: string[]}): Promise<Token[]> {
  const {tokenizer, maxTokens} = options;
  if (kind === "gold") {
    if (example.reference === undefined) throw new TlrError(`example ${example.id} has no gold reference: collect with the large model's greedy output as reference (--reference large)`);
    const ids = tokenizer.tokenize(example.reference);
    if (tokenizer.eos !== null) ids.push(tokenizer.eos); // a reference ends the generation
    return ids.slice(0, maxTokens);
  }
  const run = await decode({prompt, small: options.small, large: options.large, tokenizer, router: alwaysLarge, threshold: 0, maxTokens, stop, key: example.id});
  return run.generated;
}

import {qwenFixture, QWEN25_IDS} from "../../src/index.ts";
import {vocab} from "./helpers.ts";

/*
 * Variants of the tiny Qwen2.5-shaped pair (src/models/fixtures) for realshape's tests, made by
 * the project's fixture writer into its cache on first use: the same shapes and tokenizer, with
 * one output row that every position ranks first (`preferRow`), or another chat template.
 */

/** Qwen2.5-32B's padding: output rows 151,936–152,063 exist in the large model only. */
export const PADDING_ROW = 152_000;

/** The tiny large model (152,064 rows), made to rank a padding row first at every position. */
export async function qwenLargePrefersPadding(): Promise<string> {
  return (await qwenFixture("tiny-large", {vocabPath: vocab.qwen2(), preferRow: PADDING_ROW})).path;
}

/** The tiny small model, made to rank <|endoftext|> first: a run ends at once, if <|endoftext|> ends it. */
export async function qwenSmallPrefersEndOfText(): Promise<string> {
  return (await qwenFixture("tiny-small", {vocabPath: vocab.qwen2(), preferRow: QWEN25_IDS.endOfText})).path;
}

/** A ChatML template without Qwen2.5's default system message: the same vocabulary, other prompt ids. */
export const BARE_CHATML = "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/** The tiny large model with `BARE_CHATML` as its chat template. */
export async function qwenLargeWithBareChatml(): Promise<string> {
  return (await qwenFixture("tiny-large", {vocabPath: vocab.qwen2(), chatTemplate: BARE_CHATML})).path;
}

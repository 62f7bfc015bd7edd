import {cachedSyntheticGguf, qwenFixture, QWEN25_IDS, QWEN25_ROWS, type SyntheticModelRecipe} from "../../src/index.ts";
import {qwenFixtureRecipe} from "../../src/models/fixtures/qwenFixtures.ts";
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

/**
 * The paper recipe's tiny pair: the tiny small model, and as its large model the same weights with a
 * third layer and Qwen2.5-32B's 152,064 rows (tied embeddings, so the first 151,936 rows are the
 * small model's). Two independent random models agree on almost no token, which leaves CITER's
 * labels all 0 and no router to train; these agree on about half, as a real pair agrees on most.
 */
export async function qwenRecipePair(): Promise<{small: string; large: string}> {
  const base = qwenFixtureRecipe("tiny-small", {vocabPath: vocab.qwen2()});
  const tokenizer = base.tokenizer as Extract<SyntheticModelRecipe["tokenizer"], {kind: "qwen2.5"}>;
  const large = {...base, name: "tlr fixture qwen2.5-tiny-small with a third layer, 152,064 rows (random weights)", layers: 3, tokenizer: {...tokenizer, rows: QWEN25_ROWS.large}};
  return {small: (await qwenFixture("tiny-small", {vocabPath: vocab.qwen2()})).path, large: (await cachedSyntheticGguf(large, "qwen2.5-tiny-small-3layers-152064")).path};
}

import {bad, type RowResult} from "./rows.ts";
import type {Choice} from "./types.ts";

export const LETTERS = "ABCDEFGHIJ";

/** How many choices a dataset's rows must have: exactly n, or a range (ARC has 3 to 5). */
export type ChoiceCount = number | {min: number; max: number};

const countText = (c: ChoiceCount) => (typeof c === "number" ? String(c) : `${c.min} to ${c.max}`);
const fits = (n: number, c: ChoiceCount) => (typeof c === "number" ? n === c : n >= c.min && n <= c.max);

/**
 * Labelled choices and the gold label of one multiple-choice row, checked: the expected number
 * of choices, labels A, B, C… in order (ARC's "1".."4" become "A".."D"), and a gold answer
 * (a label or a 0-based index) among them when the split is labelled.
 */
export function multipleChoice(input: {
  texts: readonly string[];
  labels?: readonly string[];
  answer: string | number | null | undefined;
  expected: ChoiceCount;
  labelled: boolean;
}): RowResult<{choices: Choice[]; answer: string | null}> {
  const {texts, expected} = input;
  if (!fits(texts.length, expected)) return bad(`${texts.length} choices where ${countText(expected)} are expected`);
  if (input.labels && input.labels.length !== texts.length) return bad(`${input.labels.length} choice labels for ${texts.length} choice texts`);
  const letters = [...LETTERS.slice(0, texts.length)];
  if (input.labels) {
    const given = input.labels.join(",");
    const numeric = input.labels.every((l, i) => l === String(i + 1));
    if (!numeric && given !== letters.join(",")) return bad(`choice labels ${given} are not ${letters.join(",")}`);
  }
  const choices = texts.map((text, i) => ({label: letters[i]!, text}));

  let answer: string | null = null;
  const raw = input.answer;
  if (raw !== null && raw !== undefined && raw !== "" && raw !== -1) {
    const index = typeof raw === "number" ? raw : (input.labels ?? letters).indexOf(raw);
    if (!Number.isInteger(index) || index < 0 || index >= texts.length) return bad(`gold answer ${JSON.stringify(raw)} is not one of ${letters.join(",")}`);
    answer = letters[index]!;
  }
  if (input.labelled && answer === null) return bad("missing answerKey (gold answer)");
  return {ok: true, value: {choices, answer}};
}

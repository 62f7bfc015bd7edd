import {describe, expect, it} from "vitest";
import {canonicalNumber} from "../../src/data/gsm8k.ts";
import {createTask, type Example} from "../../src/index.ts";
import {extractNumber} from "../../src/tasks/extractNumber.ts";

/**
 * GSM8K-style outputs with the answer reasoned out from the rule (the first number after the
 * first "####", else the last number; canonical form): [what it shows, output, answer, rule].
 */
const cases: [string, string, string | null, string][] = [
  // The number after "####".
  ["a GSM8K-style solution", "Natalia sold 48/2 = 24 clips in May.\nNatalia sold 48+24 = 72 clips altogether in April and May.\n#### 72", "72", "after-####"],
  ["thousands separators", "The total is 1,080 dollars.\n#### 1,080", "1080", "after-####"],
  ["no space after the marker", "####1080", "1080", "after-####"],
  ["currency and decimal zeros", "She makes $18.00 a day.\n#### $18.00", "18", "after-####"],
  ["trailing text after the answer", "#### 18\n\nQuestion: Tom has 5 apples and eats 2. How many are left?", "18", "after-####"],
  ["words between marker and number", "#### The answer is 42", "42", "after-####"],
  ["two markers: the first", "#### 5\n#### 6", "5", "after-####"],
  ["leading zeros", "#### 007", "7", "after-####"],
  ["a negative answer", "The balance changes by 10 - 13 = -3.\n####-3", "-3", "after-####"],
  ["a decimal answer", "Each share is 7 / 2 = 3.5 pounds.\n#### 3.50", "3.5", "after-####"],
  ["millions", "#### 1,450,000", "1450000", "after-####"],
  ["an answer that is 0", "Nothing is left: 5 - 5 = 0.\n#### 0", "0", "after-####"],
  ["the number later, on the next line", "####\n18 eggs", "18", "after-####"],
  ["a marker wins over a larger last number", "#### 18 (Janet sells 9 eggs at 2 dollars each, 365 days a year)", "18", "after-####"],
  // The last number when there is no marker.
  ["a sentence answer", "The answer is 18.", "18", "last-number"],
  ["a calculation ending in the answer", "She makes 9 * 2 = $18 every day.", "18", "last-number"],
  ["calculator annotations", "She makes 9 * 2 = $<<9*2=18>>18 every day.", "18", "last-number"],
  ["two candidate answers: the last", "The answer is 18 or maybe 20.", "20", "last-number"],
  ["a negative number", "The temperature dropped to -5 degrees.", "-5", "last-number"],
  ["subtraction is not a sign", "10-3=7", "7", "last-number"],
  ["subtraction at the end", "The difference is 5-3", "3", "last-number"],
  ["a decimal", "Each costs 3.50 dollars", "3.5", "last-number"],
  ["a final period is not a decimal point", "So the total is 150.", "150", "last-number"],
  ["thousands with a currency sign", "The house costs $250,000.", "250000", "last-number"],
  ["a percent", "The discount is 20%.", "20", "last-number"],
  ["units glued after the number", "The bag weighs 15kg in all", "15", "last-number"],
  ["a LaTeX box", "The answer is \\boxed{42}.", "42", "last-number"],
  ["a list", "The numbers are 3, 4, and 5.", "5", "last-number"],
  ["2x then the answer", "He runs 2x faster, so he covers 10 miles", "10", "last-number"],
  ["a number glued to a word is not a number", "Each team plays x2", null, "none"],
  // No answer.
  ["nothing", "", null, "none"],
  ["no number", "I don't know how many eggs she sells.", null, "none"],
  ["a marker with no number anywhere after it, nor before", "#### unknown", null, "none"],
];

describe("extractNumber: GSM8K's answer", () => {
  it("has at least 30 realistic outputs", () => expect(cases.length).toBeGreaterThanOrEqual(30));

  it.each(cases)("%s", (_what, output, answer, rule) => {
    expect(extractNumber(output)).toEqual({answer, rule});
  });
});

describe("the GSM8K task scores canonical numbers", () => {
  const example: Example = {id: "t", question: "q", choices: [], answer: "1080", source: {dataset: "gsm8k", split: "test"}};
  const task = createTask("gsm8k");

  it("scores a differently written equal number right, and a wrong or missing one wrong", () => {
    expect(task.name).toBe("gsm8k:qa");
    expect(task.score(task.extract("It is 1,080.00 in total.", example).answer, example)).toBe(true);
    expect(task.score(task.extract("#### 1,008", example).answer, example)).toBe(false);
    expect(task.score(task.extract("no idea", example).answer, example)).toBe(false);
    expect(task.score("1080", {...example, answer: null})).toBe(false);
  });

  it("canonicalNumber drops separators, currency, trailing zeros and a final period; refuses non-numbers", () => {
    expect(["1,080", " $18.00 ", "3.50", "-0", "150.", "12,5", "abc"].map(canonicalNumber)).toEqual(["1080", "18", "3.5", "0", "150", null, null]);
  });
});

import {describe, expect, it} from "vitest";
import {extractChoice} from "../../src/tasks/extractChoice.ts";
import {type Choice} from "../../src/index.ts";

const choices = (...texts: string[]): Choice[] => texts.map((text, i) => ({label: "ABCDE"[i]!, text}));

// CommonsenseQA validation's first question: the revolving door.
const door = choices("bank", "library", "department store", "mall", "new york");
// Toy-arith style numeric choices: 35 inside 135 and 1350 must not count.
const sums = choices("35", "135", "53", "1350", "45");
const river = choices("bank", "river bank", "library", "ocean", "lake");
const colours = choices("red", "bored", "blue", "green", "grey");
const arc = choices("Planetary density will decrease.", "Planetary years will become longer.", "Planetary days will become shorter.", "Planetary gravity will become stronger.");
const piqa = choices("Use a fork.", "Use a spoon.");

/**
 * Realistic model outputs with the answer reasoned out from CITER's rules (src/tasks/extractChoice.ts's
 * comment), not copied from the code: [what it shows, output, choices, expected label, rule].
 */
const cases: [string, string, Choice[], string | null, string][] = [
  // Rule 1: a choice's text within 50 characters after "Therefore".
  ["the format the prompt asks for", "Revolving doors slow people down, which helps guards. Therefore, the answer is bank (A).", door, "A", "choice-text-after-therefore"],
  ["a two-word choice", "Stores want to stop shoplifters. Therefore, the answer is department store (C).", door, "C", "choice-text-after-therefore"],
  ["answer text without a letter", "Books are kept safe. Therefore, the answer is library.", door, "B", "choice-text-after-therefore"],
  ["capitalised choice text", "Therefore, the answer is Mall (D).", door, "D", "choice-text-after-therefore"],
  ["upper-case choice text", "Therefore, the answer is NEW YORK.", door, "E", "choice-text-after-therefore"],
  ["doubled space inside a choice", "Therefore, the answer is department  store (C)", door, "C", "choice-text-after-therefore"],
  ["the text wins over a wrong letter: rule 1 comes first", "Therefore, the answer is mall (B).", door, "D", "choice-text-after-therefore"],
  ["two answers: the earlier in the window", "Therefore, the answer is either library (B) or bank (A).", door, "B", "choice-text-after-therefore"],
  ["trailing text past the answer", "Therefore, the answer is mall (D).\nQuestion: Where would you find a bank?", door, "D", "choice-text-after-therefore"],
  ["trailing text inside the window names another choice later", "Therefore, the answer is (D) mall, not a bank.", door, "D", "choice-text-after-therefore"],
  ["a plural is not the choice; the next Therefore line is", "Therefore, banks need security.\nTherefore, the answer is new york (E).", door, "E", "choice-text-after-therefore"],
  ["a choice inside a longer choice: the longer, earlier one", "A river has banks. Therefore, the answer is river bank (B).", river, "B", "choice-text-after-therefore"],
  ["a word inside another word does not count", "Therefore, the answer is bored (B).", colours, "B", "choice-text-after-therefore"],
  ["35 is not inside 135", "7 + 8 = 15, write 5 carry 1. 9 + 3 + 1 = 13. So 97 + 38 = 135. Therefore, the answer is 135.", sums, "B", "choice-text-after-therefore"],
  ["the toy models' ending", " 5 + 0 = 5. 3 + 0 = 3. So 35 + 0 = 35. Therefore, the answer is 35.", sums, "A", "choice-text-after-therefore"],
  ["a choice ending in a period, written without it", "The spin flattens days. Therefore, the answer is planetary days will become shorter (C).", arc, "C", "choice-text-after-therefore"],
  // Rule 2: a lone capital letter after "Therefore".
  ["letter after Therefore", "Therefore, the answer is C.", door, "C", "letter-after-therefore"],
  ["a capital that is not a label is passed over", "Therefore, I think the answer is D.", door, "D", "letter-after-therefore"],
  ["a letter in parentheses right after Therefore", "Therefore: (B).", door, "B", "letter-after-therefore"],
  ["several letters, the one after Therefore decides", "It could be (A) or (B), but (B) fits better. Therefore, (B).", door, "B", "letter-after-therefore"],
  // Rule 3: a letter in parentheses anywhere, either case.
  ["lowercase letter in parentheses", "Revolving doors keep out thieves, so the answer is (a).", door, "A", "letter-in-parentheses"],
  ["lowercase therefore is not CITER's marker", "therefore the answer is library (B)", door, "B", "letter-in-parentheses"],
  ["two letters in parentheses: the first", "Either (C) or (D).", door, "C", "letter-in-parentheses"],
  ["a letter in parentheses before its text at the start", "(C) department store", door, "C", "letter-in-parentheses"],
  ["the full choice is cut off at 50 characters, its letter is not", "Therefore, it must be secure. Therefore, the answer is new york (E).", door, "E", "letter-in-parentheses"],
  // Rule 4: a lone capital letter opening the output (the letter prompt's answers).
  ["the letter prompt's answer", " B", door, "B", "letter-at-start"],
  ["letter then its text", " B. library", door, "B", "letter-at-start"],
  ["a quoted letter", ' "E" is right because New York has many revolving doors', door, "E", "letter-at-start"],
  ["a bracketed letter", "[A] bank", door, "A", "letter-at-start"],
  ["two choices of PIQA", " B", piqa, "B", "letter-at-start"],
  ["CITER's quirk, kept: an article 'A' opening the answer reads as the letter A", "A revolving door keeps people safe.", door, "A", "letter-at-start"],
  // Rule 5: a choice's text in the first 20 characters.
  ["choice text first", " library, because books need protecting", door, "B", "choice-text-at-start"],
  ["choice text after a short lead", "It's a bank.", door, "A", "choice-text-at-start"],
  // No answer.
  ["nothing", "", door, null, "none"],
  ["no answer in the output", "I am not sure what a revolving door is for.", door, null, "none"],
  ["a lowercase lone letter is not a letter answer", " b", door, null, "none"],
  ["lowercase letter after Therefore", "Therefore, the answer is d.", door, null, "none"],
  ["the answer text too late, and no Therefore", "I would say that it is a library.", door, null, "none"],
  ["'So the answer is' is not CITER's marker", "So the answer is bank.", door, null, "none"],
  ["'Answer: E' opens with the word Answer, not a lone letter", "Answer: E", door, null, "none"],
  ["letters in parentheses that are no labels", "(i) doors spin (ii) guards watch. Therefore it is (F).", door, null, "none"],
  ["35 glued into a larger number", "Therefore, the answer is 35,000.", choices("35", "350", "3500", "53", "530"), null, "none"],
];

describe("extractChoice: CITER's five rules in order", () => {
  it("has at least 30 realistic outputs", () => expect(cases.length).toBeGreaterThanOrEqual(30));

  it.each(cases)("%s", (_what, output, options, answer, rule) => {
    expect(extractChoice(output, options)).toEqual({answer, rule});
  });
});

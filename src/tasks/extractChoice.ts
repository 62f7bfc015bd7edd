import type {Choice} from "../data/types.ts";
import type {Extraction} from "./Task.ts";

/**
 * CITER's answer extraction for multiple choice (its `route_extract_answer`), rules tried in
 * order; the first that matches decides:
 *
 * 1. `choice-text-after-therefore`: a choice's text within the 50 characters after a
 *    "Therefore" (case-sensitive, within its line; each "Therefore" in turn);
 * 2. `letter-after-therefore`: a lone capital letter there;
 * 3. `letter-in-parentheses`: a letter in parentheses anywhere, either case: "(b)";
 * 4. `letter-at-start`: a lone capital letter opening the first 15 characters
 *    (after spaces, brackets and quotes);
 * 5. `choice-text-at-start`: a choice's text in the first 20 characters;
 *
 * else no answer (`none`, scored wrong). Where CITER matched substrings, a choice's text here
 * matches only as a whole word or number, ignoring case and runs of spaces: choice "35" does not
 * match inside "135" or "3,350", choice "red" not inside "bored"; a choice's final period is
 * optional. Where several choices match
 * in one window, the earliest wins, the longer on a tie (so "river bank" beats "bank"); CITER
 * took the first in label order. A letter counts only if it is one of the example's labels
 * (CITER took any: "I" in "Therefore, I think…").
 */
export function extractChoice(output: string, choices: readonly Choice[]): Extraction {
  const labels = new Set(choices.map((c) => c.label));
  const windows = [...output.matchAll(/Therefore([^\n]{0,50})/g)].map((m) => m[1]!);

  for (const w of windows) {
    const label = findChoiceText(w, choices);
    if (label) return {answer: label, rule: "choice-text-after-therefore"};
  }
  for (const w of windows) {
    for (const m of w.matchAll(/(?<![A-Za-z0-9])([A-Z])(?![A-Za-z0-9])/g)) {
      if (labels.has(m[1]!)) return {answer: m[1]!, rule: "letter-after-therefore"};
    }
  }
  for (const m of output.matchAll(/\(([A-Za-z])\)/g)) {
    const letter = m[1]!.toUpperCase();
    if (labels.has(letter)) return {answer: letter, rule: "letter-in-parentheses"};
  }
  const start = /^[\s(\["'“‘]*([A-Z])(?![A-Za-z0-9])/.exec(output.slice(0, 15));
  if (start && labels.has(start[1]!)) return {answer: start[1]!, rule: "letter-at-start"};
  const label = findChoiceText(output.slice(0, 20), choices);
  if (label) return {answer: label, rule: "choice-text-at-start"};
  return {answer: null, rule: "none"};
}

/** The label of the choice whose text appears earliest in `text` as a whole word or number (longest on a tie). */
function findChoiceText(text: string, choices: readonly Choice[]): string | null {
  const haystack = normalize(text);
  let best: {label: string; at: number; length: number} | null = null;
  for (const c of choices) {
    // A final period is the choice's punctuation, not part of the answer ("Planetary years will become longer.").
    const needle = normalize(c.text).replace(/[.!?]+$/, "");
    if (needle === "") continue;
    const at = wholeMatch(haystack, needle);
    if (at < 0) continue;
    if (!best || at < best.at || (at === best.at && needle.length > best.length)) best = {label: c.label, at, length: needle.length};
  }
  return best?.label ?? null;
}

/** Lower case, runs of whitespace as one space: "Department  Store" matches "department store". */
const normalize = (s: string) => s.toLowerCase().replace(/\s+/g, " ").trim();

const WORD_CHAR = /[\p{L}\p{N}]/u;
const DIGIT = /\p{N}/u;

/**
 * The first index of `needle` in `haystack` where no letter or digit touches it and no digit
 * group continues it ("35" is not in "135", "3.5" or "35,000"); -1 if none.
 */
function wholeMatch(haystack: string, needle: string): number {
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
    const before = haystack[at - 1] ?? "";
    const after = haystack[at + needle.length] ?? "";
    if (WORD_CHAR.test(before) || WORD_CHAR.test(after)) continue;
    if (/[.,]/.test(before) && DIGIT.test(haystack[at - 2] ?? "")) continue;
    if (/[.,]/.test(after) && DIGIT.test(haystack[at + needle.length + 1] ?? "")) continue;
    return at;
  }
  return -1;
}

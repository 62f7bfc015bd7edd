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
  let best: {label: string; at: number; length: number} | null = null;
  for (const c of choices) {
    const m = choicePattern(c.text)?.exec(text);
    if (!m) continue;
    if (!best || m.index < best.at || (m.index === best.at && m[0].length > best.length)) best = {label: c.label, at: m.index, length: m[0].length};
  }
  return best?.label ?? null;
}

const patterns = new Map<string, RegExp | null>();

/**
 * A choice text as a whole word or number: no letter or digit may touch it, nor a digit group
 * continuing a number ("35" is not in "3.5" or "35,000").
 */
function choicePattern(text: string): RegExp | null {
  let pattern = patterns.get(text);
  if (pattern === undefined) {
    // A final period is the choice's punctuation, not part of the answer ("Planetary years will become longer.").
    const words = text.trim().replace(/[.!?]+$/, "").split(/\s+/).filter(Boolean);
    const body = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("\\s+");
    pattern = body ? new RegExp(`(?<![\\p{L}\\p{N}]|\\p{N}[.,])${body}(?![\\p{L}\\p{N}]|[.,]\\p{N})`, "iu") : null;
    if (patterns.size > 50_000) patterns.clear();
    patterns.set(text, pattern);
  }
  return pattern;
}

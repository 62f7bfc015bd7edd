import {canonicalNumber} from "../data/gsm8k.ts";
import type {Extraction} from "./Task.ts";

/**
 * A number in running text: optional minus and currency sign, digits with thousands separators,
 * decimals. It may not be glued to a word or continue another number ("x2", the "3" of "1.2.3");
 * a minus right after a digit is subtraction, not a sign ("5-3" holds 5 and 3).
 */
const NUMBER = /(?<![\p{L}\p{N}_.,])-?\$?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?!\p{N})/gu;

/**
 * GSM8K's answer: the first number after the first "####" (how its solutions end), else the
 * last number in the output; in canonical form ("1,080" → "1080", "$18.00" → "18").
 */
export function extractNumber(output: string): Extraction {
  const marker = output.indexOf("####");
  if (marker >= 0) {
    const first = output.slice(marker + 4).match(new RegExp(NUMBER.source, "u"));
    const value = first ? canonicalNumber(first[0]) : null;
    if (value !== null) return {answer: value, rule: "after-####"};
  }
  const last = [...output.matchAll(NUMBER)].at(-1);
  const value = last ? canonicalNumber(last[0]) : null;
  return value === null ? {answer: null, rule: "none"} : {answer: value, rule: "last-number"};
}

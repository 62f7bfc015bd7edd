import {createHash} from "node:crypto";
import {PyRandom} from "../util/PyRandom.ts";
import type {Example} from "./types.ts";

/**
 * The toy arithmetic task of models/toy-arith (task_spec.md), generated exactly as its Python
 * recipe `arith_task.py` does: the same draws from CPython's `random` in the same order, so
 * seed 1234 gives eval.jsonl byte for byte and seed 0 gives train_sample.jsonl. Keep every
 * `rng` call in its place: reordering two of them changes every later item.
 */

const LETTERS = "ABCDE";

export type ToyOp = "+" | "-";

export interface ToyItem {
  op: ToyOp;
  a: number;
  b: number;
  result: number;
  stem: string;
  /** The five choices in order A–E. */
  choices: number[];
  answerKey: string;
  /** The reference completion: the column-by-column steps, then "Therefore, the answer is r." */
  target: string;
}

/** Canonical key of a problem; addition is keyed on the unordered pair. */
export function toySplitKey(op: ToyOp, a: number, b: number): string {
  return op === "+" ? `+:${Math.min(a, b)}:${Math.max(a, b)}` : `-:${a}:${b}`;
}

/** ~10% of all problems are held out for evaluation: the first 8 hex digits of sha256(key), mod 10, are 0. */
export function isHeldOut(op: ToyOp, a: number, b: number): boolean {
  const hex = createHash("sha256").update(toySplitKey(op, a, b)).digest("hex");
  return Number.parseInt(hex.slice(0, 8), 16) % 10 === 0;
}

const digitsReversed = (x: number, n: number) => Array.from({length: n}, (_, i) => Math.floor(x / 10 ** i) % 10);
const columns = (a: number, b: number) => Math.max(String(a).length, String(b).length);
const mod = (x: number, m: number) => ((x % m) + m) % m; // Python's % (never negative)

function cotSteps(op: ToyOp, a: number, b: number): {steps: string[]; result: number} {
  const n = columns(a, b);
  const da = digitsReversed(a, n);
  const db = digitsReversed(b, n);
  const steps: string[] = [];
  if (op === "+") {
    let carry = 0;
    for (let i = 0; i < n; i++) {
      const s = da[i]! + db[i]! + carry;
      const expr = `${da[i]} + ${db[i]}${carry ? " + 1" : ""}`;
      steps.push(i < n - 1 && s >= 10 ? `${expr} = ${s}, write ${s % 10} carry 1.` : `${expr} = ${s}.`);
      carry = Math.floor(s / 10);
    }
    return {steps, result: a + b};
  }
  let borrow = 0;
  for (let i = 0; i < n; i++) {
    const expr = `${da[i]} - ${db[i]}${borrow ? " - 1" : ""}`;
    const d = da[i]! - db[i]! - borrow;
    steps.push(d < 0 ? `${expr} < 0, borrow 1: 1${expr} = ${d + 10}.` : `${expr} = ${d}.`);
    borrow = d < 0 ? 1 : 0;
  }
  return {steps, result: a - b};
}

/** Results of typical column mistakes (carries forgotten or dropped; borrows skipped or not paid back). */
function mistakeValues(op: ToyOp, a: number, b: number): number[] {
  const n = columns(a, b);
  const da = digitsReversed(a, n);
  const db = digitsReversed(b, n);
  let first = 0;
  let second = 0;
  if (op === "+") {
    for (let i = 0; i < n - 1; i++) first += ((da[i]! + db[i]!) % 10) * 10 ** i;
    first += (da[n - 1]! + db[n - 1]!) * 10 ** (n - 1);
    second = (a + b) % 10 ** n;
  } else {
    for (let i = 0; i < n; i++) {
      first += Math.abs(da[i]! - db[i]!) * 10 ** i;
      second += mod(da[i]! - db[i]!, 10) * 10 ** i;
    }
  }
  return [first, second];
}

function swapDigits(x: number, i: number, j: number): number | null {
  const s = [...String(x)];
  if (Math.max(i, j) >= s.length || s[i] === s[j]) return null;
  [s[i], s[j]] = [s[j]!, s[i]!];
  return s[0] === "0" ? null : Number(s.join(""));
}

function distractors(rng: PyRandom, op: ToyOp, a: number, b: number, r: number): number[] {
  const pool: (number | null)[] = [r + 1, r - 1, r + 10, r - 10, r + 100, r - 100];
  const len = String(r).length;
  if (r >= 10) pool.push(swapDigits(r, len - 2, len - 1));
  if (r >= 100) pool.push(swapDigits(r, 0, 1));
  pool.push(...mistakeValues(op, a, b));
  // Python: sorted({x for x in pool if x is not None and x >= 0 and x != r}), then shuffled.
  const candidates = [...new Set(pool.filter((x): x is number => x !== null && x >= 0 && x !== r))].sort((x, y) => x - y);
  rng.shuffle(candidates);
  const chosen = candidates.slice(0, 4);
  for (let k = 2; chosen.length < 4; k++) {
    for (const x of [r + k, r + 10 * k]) {
      if (!chosen.includes(x) && x !== r && chosen.length < 4) chosen.push(x);
    }
  }
  return chosen;
}

function sampleOperands(rng: PyRandom, op: ToyOp): [number, number] {
  const one = () => (rng.random() < 0.5 ? rng.randint(10, 99) : rng.randint(100, 999));
  const a = one();
  const b = one();
  return op === "-" && a < b ? [b, a] : [a, b];
}

function makeItem(rng: PyRandom, op: ToyOp, a: number, b: number): ToyItem {
  const {steps, result} = cotSteps(op, a, b);
  const wrong = distractors(rng, op, a, b, result);
  const answerIdx = rng.randrange(5);
  const choices = [...wrong.slice(0, answerIdx), result, ...wrong.slice(answerIdx)];
  const stem = `What is ${a} ${op} ${b}?`;
  const target = ` ${steps.join(" ")} So ${a} ${op} ${b} = ${result}. Therefore, the answer is ${result}.`;
  return {op, a, b, result, stem, choices, answerKey: LETTERS[answerIdx]!, target};
}

/** One item of the training (heldOut false) or evaluation (heldOut true) split, by rejection sampling. */
function sampleItem(rng: PyRandom, heldOut: boolean): ToyItem {
  for (;;) {
    const op = rng.choice("+-") as ToyOp;
    const [a, b] = sampleOperands(rng, op);
    if (isHeldOut(op, a, b) === heldOut) return makeItem(rng, op, a, b);
  }
}

/**
 * `count` items from a seeded stream. Evaluation items are distinct problems (a repeat is drawn
 * and dropped, as the recipe does); the training stream keeps repeats.
 */
export function generateToyItems(options: {seed: number; count: number; heldOut: boolean}): ToyItem[] {
  const rng = new PyRandom(options.seed);
  const items: ToyItem[] = [];
  const seen = new Set<string>();
  while (items.length < options.count) {
    const item = sampleItem(rng, options.heldOut);
    if (options.heldOut) {
      const key = toySplitKey(item.op, item.a, item.b);
      if (seen.has(key)) continue;
      seen.add(key);
    }
    items.push(item);
  }
  return items;
}

/** The recipe's id: `arith-0000-sub-453-99`. */
export function toyItemId(item: ToyItem, index: number): string {
  return `arith-${String(index).padStart(4, "0")}-${item.op === "+" ? "add" : "sub"}-${item.a}-${item.b}`;
}

export function toyExample(item: ToyItem, index: number, split: string, seed: number): Example {
  return {
    id: toyItemId(item, index),
    question: item.stem,
    choices: item.choices.map((c, i) => ({label: LETTERS[i]!, text: String(c)})),
    answer: item.answerKey,
    reference: item.target,
    source: {dataset: "toy_arith", split, seed, index},
  };
}

/** The item as the recipe's `to_tau` writes it (CommonsenseQA's TAU schema, no question_concept). */
export function toyTauRecord(item: ToyItem, index: number): object {
  return {
    id: toyItemId(item, index),
    question: {stem: item.stem, choices: item.choices.map((c, i) => ({label: LETTERS[i]!, text: String(c)}))},
    answerKey: item.answerKey,
  };
}

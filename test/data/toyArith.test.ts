import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {pythonJsonDumps} from "../../src/data/pythonJson.ts";
import {toyTauRecord} from "../../src/data/toyArith.ts";
import {createTask, encodePrompt, loadDataset, loadTokenizer} from "../../src/index.ts";
import {generateToyItems, isHeldOut} from "../../src/data/toyArith.ts";
import {sharedPath} from "../support/helpers.ts";

const toyFile = (name: string) => readFileSync(sharedPath("models/toy-arith", name), "utf8");
const jsonl = (name: string) =>
  toyFile(name)
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));

describe("toy arithmetic: the TypeScript generator reproduces the Python recipe", () => {
  it("seed 1234 writes eval.jsonl byte for byte (ids, stems, choice order, answer keys)", () => {
    const items = generateToyItems({seed: 1234, count: 1000, heldOut: true});
    const written = items.map((item, i) => pythonJsonDumps(toyTauRecord(item, i)) + "\n").join("");
    expect(written).toBe(toyFile("eval.jsonl"));
  });

  it("seed 0 gives train_sample.jsonl's 300 items: prompts, targets, answer keys", async () => {
    const train = await loadDataset("toy_arith", {split: "train"});
    const task = createTask("toy_arith:toy");
    const sample = jsonl("train_sample.jsonl");
    expect(train.examples).toHaveLength(300);
    expect(train.examples.map((e) => ({prompt: task.prompt(e), target: e.reference, answerKey: e.answer}))).toEqual(sample);
  });

  it("the eval split matches eval_reference.jsonl's prompts and reference completions, and task_spec's tallies", async () => {
    const d = await loadDataset("toy_arith");
    const task = createTask("toy_arith");
    expect(task.name).toBe("toy_arith:toy");
    const reference = jsonl("eval_reference.jsonl");
    expect(d.examples.map((e) => ({id: e.id, prompt: task.prompt(e), target: e.reference}))).toEqual(reference.map((r) => ({id: r.id, prompt: r.prompt, target: r.target})));
    // task_spec.md §4: 506 additions, 494 subtractions; answer keys A 186, B 220, C 203, D 197, E 194.
    expect(d.examples.filter((e) => e.question.includes(" + ")).length).toBe(506);
    const keys: Record<string, number> = {};
    for (const e of d.examples) keys[e.answer!] = (keys[e.answer!] ?? 0) + 1;
    expect(keys).toEqual({A: 186, B: 220, C: 203, D: 197, E: 194});
  });

  it("eval problems are all held out (sha256 split rule), training problems never", () => {
    const parse = (stem: string) => {
      const [, a, op, b] = /What is (\d+) ([+-]) (\d+)\?/.exec(stem)!;
      return [op as "+" | "-", Number(a), Number(b)] as const;
    };
    expect(generateToyItems({seed: 1234, count: 1000, heldOut: true}).every((i) => isHeldOut(...parse(i.stem)))).toBe(true);
    expect(generateToyItems({seed: 0, count: 300, heldOut: false}).some((i) => isHeldOut(...parse(i.stem)))).toBe(false);
    // task_spec: addition is keyed on the unordered pair, so 47 + 385 and 385 + 47 share a split.
    expect(isHeldOut("+", 47, 385)).toBe(isHeldOut("+", 385, 47));
  });

  it("CITER's first rule scores every reference completion right: 'Therefore, the answer is 85.' maps 85 to its letter", async () => {
    const d = await loadDataset("toy_arith");
    const task = createTask("toy_arith:toy");
    const extractions = d.examples.map((e) => task.extract(e.reference!, e));
    expect(extractions.every((x) => x.rule === "choice-text-after-therefore")).toBe(true);
    expect(d.examples.every((e, i) => task.score(extractions[i]!.answer, e))).toBe(true);
  });

  it("prompt ids for the toy models: BOS, then one id per character as task_spec §5 defines them", async () => {
    const d = await loadDataset("toy_arith");
    const task = createTask("toy_arith:toy");
    const {tokenizer, dispose} = await loadTokenizer(sharedPath("models/toy-arith/toy-arith-small.gguf"));
    try {
      // §5: space → 259, newline → byte token 13, printable ASCII c → ord(c) + 227; add_bos_token = true.
      const specIds = (text: string) => [...text].map((c) => (c === " " ? 259 : c === "\n" ? 13 : c.charCodeAt(0) + 227));
      for (const e of d.examples.slice(0, 20)) {
        const prompt = task.prompt(e);
        expect(encodePrompt(tokenizer, prompt)).toEqual([1, ...specIds(prompt)]);
      }
      expect(encodePrompt(tokenizer, "Question: What").slice(1)).toEqual([308, 344, 328, 342, 343, 332, 338, 337, 285, 259, 314, 331, 324, 343]);
    } finally {
      await dispose();
    }
  });
});

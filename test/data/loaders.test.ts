import {copyFileSync, mkdirSync, readFileSync, writeFileSync} from "node:fs";
import {dirname, join} from "node:path";
import {describe, expect, it} from "vitest";
import {loadDataset, type Dataset} from "../../src/index.ts";
import {sharedPath} from "../support/helpers.ts";
import {tempDir} from "../support/tempDir.ts";

const dataDir = () => sharedPath("data");
const load = (name: string, split?: string) => loadDataset(name, {dataDir: dataDir(), split});

/** Gold answers per label, counted from the examples. */
function answerCounts(d: Dataset): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of d.examples) counts[e.answer ?? "null"] = (counts[e.answer ?? "null"] ?? 0) + 1;
  return counts;
}

describe("loaders read every benchmark from $TLR_SHARED/data", () => {
  // The issue's row counts, which are also the published splits' sizes.
  it.each([
    ["commonsense_qa", "validation", 1221],
    ["commonsense_qa", "train", 9741],
    ["arc_challenge", "test", 1172],
    ["arc_easy", "test", 2376],
    ["openbookqa", "test", 500],
    ["piqa", "validation", 1838],
    ["gsm8k", "test", 1319],
    ["mmlu", "test", 14042],
  ])("%s %s: %i rows, unique ids, every gold answer among the choices", async (name, split, rows) => {
    const d = await load(name, split);
    expect(d.examples).toHaveLength(rows);
    expect(d.skipped).toBe(0);
    expect(d.provenance).toMatchObject({source: "local", dataDir: dataDir(), verified: true});
    expect(new Set(d.examples.map((e) => e.id)).size).toBe(rows);
    for (const e of d.examples) {
      expect(e.question.length).toBeGreaterThan(0);
      if (e.choices.length > 0) expect(e.choices.map((c) => c.label)).toContain(e.answer);
      else expect(e.answer).toMatch(/^-?\d+(\.\d+)?$/);
    }
  });

  it("CommonsenseQA keeps TAU's ids, stems, 5 labelled choices and concepts; validation is the default split", async () => {
    const d = await loadDataset("commonsense_qa", {dataDir: dataDir()});
    expect(d.split).toBe("validation");
    expect(d.examples[0]).toEqual({
      id: "1afa02df02c908a558b4036e80242fac",
      question: "A revolving door is convenient for two direction travel, but it also serves as a security measure at a what?",
      choices: [
        {label: "A", text: "bank"},
        {label: "B", text: "library"},
        {label: "C", text: "department store"},
        {label: "D", text: "mall"},
        {label: "E", text: "new york"},
      ],
      answer: "A",
      source: {dataset: "commonsense_qa", split: "validation", file: join(dataDir(), "commonsense_qa/dev_rand_split.jsonl"), line: 1, concept: "revolving door"},
    });
    // The dev split's label balance as the file has it (counted independently with Python).
    expect(answerCounts(d)).toEqual({A: 239, B: 255, C: 241, D: 251, E: 235});
  });

  it("CommonsenseQA test has no labels: every answer is null", async () => {
    const d = await load("commonsense_qa", "test");
    expect(d.examples).toHaveLength(1140);
    expect(answerCounts(d)).toEqual({null: 1140});
  });

  it("ARC and OpenBookQA (llm-foundry format) get letters from the gold index and lose the 'Question: ' prefix", async () => {
    const arc = await load("arc_challenge");
    expect(arc.examples[0]).toMatchObject({
      id: "test-0",
      question: "An astronomer observes that a planet rotates faster after a meteorite impact. Which is the most likely effect of this increase in rotation?",
      answer: "C", // gold 2
    });
    expect(arc.examples[0]!.choices[2]).toEqual({label: "C", text: "Planetary days will become shorter."});
    const obqa = await load("openbookqa");
    expect(obqa.examples[1]).toMatchObject({question: "There is most likely going to be fog around:", answer: "A"});
  });

  it("PIQA pairs valid.jsonl with valid-labels.lst line by line", async () => {
    const d = await load("piqa");
    const labels = readFileSync(sharedPath("data/piqa/valid-labels.lst"), "utf8").trim().split("\n");
    expect(d.examples.map((e) => e.answer)).toEqual(labels.map((l) => (l === "0" ? "A" : "B")));
    expect(d.examples[0]!.question).toBe("How do I ready a guinea pig cage for it's new occupants?");
  });

  it("GSM8K's gold is the number after '####', thousands separators dropped; the solution is the reference", async () => {
    const d = await load("gsm8k");
    expect(d.examples[0]).toMatchObject({id: "test-0", answer: "18", choices: []});
    expect(d.examples[0]!.reference).toMatch(/#### 18$/);
    const withComma = d.examples.find((e) => e.reference?.endsWith("#### 2,125"));
    expect(withComma?.answer).toBe("2125");
  });

  it("MMLU reads all 57 subject files, keeping the subject; dev has 5 per subject", async () => {
    const d = await load("mmlu");
    const subjects = new Set(d.examples.map((e) => e.source.subject));
    expect(subjects.size).toBe(57);
    expect(d.examples[0]!.source.subject).toBe("abstract_algebra");
    const dev = await load("mmlu", "dev");
    expect(dev.examples).toHaveLength(285);
    // A quoted field with an embedded quote and comma, from anatomy_test.csv's third line.
    const anatomy = d.examples.filter((e) => e.source.subject === "anatomy");
    expect(anatomy[1]!.question).toBe('A "dished face" profile is often associated with');
    expect(anatomy[0]!.choices[2]!.text).toBe("paralysis of the facial muscles, loss of taste and lacrimation.");
  });

  it("an unknown split or dataset is a one-line error listing what there is", async () => {
    await expect(load("commonsense_qa", "dev")).rejects.toThrow('commonsense_qa has no split "dev": use one of train, validation, test');
    await expect(load("squad")).rejects.toThrow(/^unknown dataset "squad": use one of commonsense_qa, arc_challenge/);
  });

  it("without a data directory or TLR_DATA_DIR, local loading says how to give one", async () => {
    await expect(loadDataset("commonsense_qa", {source: "local", env: {}})).rejects.toThrow(/^no data directory for commonsense_qa: pass --data-dir or set TLR_DATA_DIR/);
    const viaEnv = await loadDataset("openbookqa", {env: {TLR_DATA_DIR: dataDir()}});
    expect(viaEnv.examples).toHaveLength(500);
  });
});

/** A data directory holding one published file, optionally changed. */
function dataDirWith(relative: string, edit?: (text: string) => string): string {
  const dir = tempDir("tlr-data-");
  const target = join(dir, relative);
  mkdirSync(dirname(target), {recursive: true});
  if (edit) writeFileSync(target, edit(readFileSync(sharedPath("data", relative), "utf8")));
  else copyFileSync(sharedPath("data", relative), target);
  return dir;
}

describe("manifests are checked on load", () => {
  it("a file whose sha256 differs from the manifest is a one-line error naming it and what to do", async () => {
    const dir = dataDirWith("commonsense_qa/dev_rand_split.jsonl", (t) => t.replace("A revolving door is", "A revolving gate is"));
    const file = join(dir, "commonsense_qa/dev_rand_split.jsonl");
    await expect(loadDataset("commonsense_qa", {dataDir: dir})).rejects.toThrow(
      new RegExp(`^${file}: sha256 [0-9a-f]{12}… does not match 3210497fdaae… in datasets/commonsense_qa.json: .*replace it with the original \\(or pass --no-verify`),
    );
    const unchecked = await loadDataset("commonsense_qa", {dataDir: dir, verify: false});
    expect(unchecked.examples[0]!.question).toMatch(/^A revolving gate/);
    expect(unchecked.provenance.verified).toBe(false);
  });

  it("toy_arith's generated eval split is checked against the sha256 of the published eval.jsonl", async () => {
    const d = await loadDataset("toy_arith");
    expect(d.provenance).toMatchObject({source: "generated", generator: {seed: 1234, count: 1000, heldOut: true}, verified: true});
    const other = await loadDataset("toy_arith", {seed: 7, count: 20});
    expect(other.examples).toHaveLength(20);
    expect(other.provenance.verified).toBe(false);
  });
});

describe("rows that would corrupt results: a repeated question id, bytes that are not UTF-8", () => {
  const csqa = () => readFileSync(sharedPath("data/commonsense_qa/dev_rand_split.jsonl"), "utf8").split("\n").slice(0, 6);
  const file = (lines: (string | Buffer)[]) => {
    const path = join(tempDir("tlr-rows-"), "rows.jsonl");
    writeFileSync(path, Buffer.concat(lines.map((l) => Buffer.concat([Buffer.from(l), Buffer.from("\n")]))));
    return path;
  };

  it("a question id used twice: file and line of both, or skipped (and counted) with skipBadRows", async () => {
    const lines = csqa();
    const path = file([...lines.slice(0, 4), lines[1]!, lines[5]!]);
    const id = JSON.parse(lines[1]!).id;
    await expect(loadDataset(path)).rejects.toThrow(`${path} line 5: question id "${id}" is already used by line 2 (fix or remove that row, or pass --skip-bad-rows to skip bad rows)`);
    const skipped = await loadDataset(path, {skipBadRows: true});
    expect(skipped.examples.map((e) => e.source.line)).toEqual([1, 2, 3, 4, 6]);
    expect(skipped.badRows).toEqual([{file: path, at: "line 5", reason: `question id "${id}" is already used by line 2`}]);
  });

  it("bytes that are not UTF-8: the line is named (never decoded to U+FFFD), or skipped keeping later lines' numbers", async () => {
    const lines = csqa();
    const latin1 = Buffer.from(lines[2]!.replace('"stem": "', '"stem": "\u00e9'), "latin1"); // é as the single byte 0xE9
    expect(latin1.includes(0xe9)).toBe(true);
    const path = file([lines[0]!, lines[1]!, latin1, lines[3]!, lines[4]!]);
    await expect(loadDataset(path)).rejects.toThrow(`${path} line 3: not valid UTF-8 text (save the file as UTF-8) (fix or remove that row`);
    const skipped = await loadDataset(path, {skipBadRows: true});
    expect(skipped.examples.map((e) => e.source.line)).toEqual([1, 2, 4, 5]);
    expect(skipped.skipped).toBe(1);
    expect(skipped.examples.some((e) => e.question.includes("\uFFFD"))).toBe(false);
  });

  it("in a data directory too (a registered dataset, checksums off): the repeated id is named", async () => {
    const dir = dataDirWith("commonsense_qa/dev_rand_split.jsonl", (t) => {
      const all = t.split("\n");
      all[9] = all[0]!; // line 10 repeats line 1
      return all.join("\n");
    });
    const target = join(dir, "commonsense_qa/dev_rand_split.jsonl");
    await expect(loadDataset("commonsense_qa", {dataDir: dir, verify: false})).rejects.toThrow(new RegExp(`^${target} line 10: question id "[0-9a-f]+" is already used by line 1 \\(`));
    const skipped = await loadDataset("commonsense_qa", {dataDir: dir, verify: false, skipBadRows: true});
    expect(skipped.examples).toHaveLength(1220);
    expect(skipped.badRows.map((b) => b.at)).toEqual(["line 10"]);
  });
});

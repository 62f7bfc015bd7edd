import {mkdirSync, readFileSync, writeFileSync} from "node:fs";
import {dirname, join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {commonsenseQaParquet, readTauRows} from "../support/commonsenseQaParquet.ts";
import {commitId, startFakeHub, type FakeHub} from "../support/fakeHub.ts";
import {sharedPath} from "../support/helpers.ts";
import {tempDir} from "../support/tempDir.ts";
import {tlr} from "../support/run.ts";

/** No data directory or Hub settings leak in from the developer's environment. */
const clean = {TLR_DATA_DIR: "", HF_HUB_OFFLINE: "", HF_ENDPOINT: ""};
const data = (args: string[], env: NodeJS.ProcessEnv = {}) => tlr(["data", ...args], {env: {...clean, ...env}});

function expectOneLineError(run: {code: number | null; stderr: string}, pattern: RegExp) {
  expect(run.code, run.stderr).toBe(2);
  const lines = run.stderr.trimEnd().split("\n");
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^tlr: error: /);
  expect(lines[0]).toMatch(pattern);
}

describe("tlr data list / stats / show on the shared data", () => {
  it("list names every dataset with its splits, rows, default task and Hub repo", async () => {
    const run = await data(["list"]);
    expect(run.code, run.stderr).toBe(0);
    for (const name of ["commonsense_qa", "arc_challenge", "arc_easy", "openbookqa", "piqa", "gsm8k", "mmlu", "toy_arith"]) expect(run.stdout).toMatch(new RegExp(`^${name} `, "m"));
    expect(run.stdout).toMatch(/^commonsense_qa +train 9741 · validation\* 1221 · test 1140 \(no labels\) +commonsense_qa:citer +tau\/commonsense_qa$/m);
  });

  it("stats counts rows per split from the data directory (TLR_DATA_DIR), marking splits it does not hold", async () => {
    const csqa = await data(["stats", "commonsense_qa"], {TLR_DATA_DIR: sharedPath("data")});
    expect(csqa.code, csqa.stderr).toBe(0);
    expect(csqa.stdout).toMatch(/^train +9741 +9741 +A 1909 · B 1973 · C 1946 · D 1985 · E 1928$/m);
    expect(csqa.stdout).toMatch(/^validation +1221 +1221 +A 239 · B 255 · C 241 · D 251 · E 235$/m);
    expect(csqa.stdout).toMatch(/^test +1140 +0 *$/m);
    const arc = await data(["stats", "arc_challenge", "--data-dir", sharedPath("data")]);
    expect(arc.stdout).toMatch(/^train +— +not in this source$/m);
    expect(arc.stdout).toMatch(/^test +1172 +1172 /m);
  });

  it("show prints CITER's prompt and the gold answer for CommonsenseQA by default", async () => {
    const run = await data(["show", "commonsense_qa", "--data-dir", sharedPath("data"), "--limit", "2"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^# commonsense_qa validation · task commonsense_qa:citer · 2 of 1221 examples · local /);
    expect(run.stdout).toContain("\n## 1afa02df02c908a558b4036e80242fac\nQuestion: A revolving door is convenient");
    expect(run.stdout).toContain("E. new york\nPlease format your response in the following way:\n");
    expect(run.stdout).toContain("Answer and Reasoning:\n-- gold: A (bank)\n");
    expect(run.stdout.match(/^## /gm)).toHaveLength(2);
  });

  it("show --json with a format, a split and a seeded sample", async () => {
    const run = await data(["show", "gsm8k", "--data-dir", sharedPath("data"), "--split", "train", "--limit", "3", "--seed", "0", "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc).toMatchObject({dataset: "gsm8k", split: "train", task: "gsm8k:qa", total: 7473});
    expect(doc.examples).toHaveLength(3);
    for (const e of doc.examples) expect(e.prompt).toMatch(/^Question: [^]*\nAnswer:$/);
    const letter = await data(["show", "toy_arith", "--format", "letter", "--limit", "1", "--json"]);
    expect(JSON.parse(letter.stdout).examples[0]).toMatchObject({id: "arith-0000-sub-453-99", prompt: "Question: What is 453 - 99?\nA. 354\nB. 344\nC. 254\nD. 464\nE. 353\nAnswer:", answer: "A", answerText: "354"});
  });

  it("an unknown dataset or unfit format exits 2 with one line", async () => {
    expectOneLineError(await data(["show", "squad"]), /unknown dataset "squad"/);
    expectOneLineError(await data(["show", "gsm8k", "--format", "letter", "--data-dir", sharedPath("data")]), /format "letter" does not fit gsm8k/);
  });
});

describe("bad rows: an error naming file and line (exit 2), or skipped and counted with --skip-bad-rows", () => {
  // Ten real CommonsenseQA rows; lines 3, 5 and 7 broken the three ways the issue names.
  const lines = readFileSync(sharedPath("data/commonsense_qa/dev_rand_split.jsonl"), "utf8").split("\n").slice(0, 10);
  const broken = (which: number[]) =>
    lines.map((line, i) => {
      const row = JSON.parse(line);
      if (i === 2 && which.includes(3)) return line.slice(0, 60); // cut mid-record
      if (i === 4 && which.includes(5)) delete row.answerKey;
      if (i === 6 && which.includes(7)) row.question.choices.pop();
      return JSON.stringify(row);
    });
  const file = (name: string, which: number[]) => {
    const path = join(tempDir("tlr-bad-"), name);
    writeFileSync(path, broken(which).join("\n") + "\n");
    return path;
  };

  it("malformed JSON", async () => {
    const path = file("json.jsonl", [3]);
    expectOneLineError(await data(["show", path]), new RegExp(`${path} line 3: not valid JSON \\(.*\\) \\(fix or remove that row, or pass --skip-bad-rows to skip bad rows\\)$`));
  });

  it("a missing answerKey", async () => {
    const path = file("key.jsonl", [5]);
    expectOneLineError(await data(["show", path]), new RegExp(`${path} line 5: missing answerKey \\(gold answer\\)`));
  });

  it("4 choices where 5 are expected", async () => {
    const path = file("choices.jsonl", [7]);
    expectOneLineError(await data(["show", path]), new RegExp(`${path} line 7: 4 choices where 5 are expected`));
  });

  it("--skip-bad-rows skips all three, counts them, and shows the rest", async () => {
    const path = file("all.jsonl", [3, 5, 7]);
    const run = await data(["show", path, "--skip-bad-rows", "--limit", "20", "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const esc = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    expect(run.stderr).toMatch(new RegExp(`^tlr: warning: skipped 3 bad rows of ${esc(path)} test: ${esc(path)} line 3: not valid JSON \\(.+\\) \\(and 2 more\\)\n$`));
    expect(JSON.parse(run.stdout).examples.map((e: {source: {line: number}}) => e.source.line)).toEqual([1, 2, 4, 6, 8, 9, 10]);
  });

  it("in a data directory: the checksum catches the edit first; with --no-verify the bad row is named", async () => {
    const dataDir = tempDir("tlr-data-");
    const target = join(dataDir, "commonsense_qa/dev_rand_split.jsonl");
    mkdirSync(dirname(target), {recursive: true});
    const all = readFileSync(sharedPath("data/commonsense_qa/dev_rand_split.jsonl"), "utf8").split("\n");
    all[6] = broken([7])[6]!;
    writeFileSync(target, all.join("\n"));
    expectOneLineError(await data(["stats", "commonsense_qa", "--data-dir", dataDir]), new RegExp(`${target}: sha256 .* does not match 3210497fdaae… in datasets/commonsense_qa.json`));
    expectOneLineError(await data(["show", "commonsense_qa", "--data-dir", dataDir, "--no-verify"]), new RegExp(`${target} line 7: 4 choices where 5 are expected`));
    const skipped = await data(["show", "commonsense_qa", "--data-dir", dataDir, "--no-verify", "--skip-bad-rows", "--limit", "1"]);
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stdout).toMatch(/· 1 of 1220 examples ·/);
    expect(skipped.stderr).toMatch(/^tlr: warning: skipped 1 bad row of commonsense_qa validation: .* line 7: 4 choices where 5 are expected\n$/);
  });
});

describe("tlr data pull, then offline reads of the Hugging Face cache", () => {
  let hub: FakeHub;
  const commit = commitId("cli conversion");
  beforeAll(async () => {
    const validation = readTauRows("dev_rand_split.jsonl");
    hub = await startFakeHub({repo: "tau/commonsense_qa", branches: {"refs/convert/parquet": commit}, files: {"default/validation/0000.parquet": commonsenseQaParquet(validation)}});
  });
  afterAll(() => hub.close());

  it("pull downloads and pins; stats and show then read the cache offline", async () => {
    const cacheDir = tempDir("tlr-hf-");
    const pull = await data(["pull", "commonsense_qa", "--split", "validation", "--hub-url", hub.url, "--cache-dir", cacheDir]);
    expect(pull.code, pull.stderr).toBe(0);
    expect(pull.stdout).toBe(`tau/commonsense_qa refs/convert/parquet → ${commit} (pinned in ${cacheDir})\n  validation          1221 rows  default/validation/0000.parquet\n`);
    expect(pull.stderr).toBe("tlr: pulling commonsense_qa validation…\n");

    // A dead endpoint, so any network call would fail.
    const offline = {HF_ENDPOINT: "http://127.0.0.1:9", HF_HUB_OFFLINE: "1"};
    const stats = await data(["stats", "commonsense_qa", "--source", "hub", "--cache-dir", cacheDir], offline);
    expect(stats.code, stats.stderr).toBe(0);
    expect(stats.stdout).toMatch(/^validation +1221 +1221 +A 239 · B 255 · C 241 · D 251 · E 235$/m);
    expect(stats.stdout).toMatch(/^train +— +not in this source$/m);
    const show = await data(["show", "commonsense_qa", "--source", "hub", "--offline", "--cache-dir", cacheDir, "--limit", "1"], {HF_ENDPOINT: "http://127.0.0.1:9"});
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(new RegExp(`· hub tau/commonsense_qa@${commit.slice(0, 10)}\n\n## 1afa02df02c908a558b4036e80242fac\n`));
  });

  it("pull of a dataset that is not on the Hub, or offline, exits 2 with one line", async () => {
    expectOneLineError(await data(["pull", "toy_arith"]), /toy_arith is not on the Hugging Face Hub \(it is generated\): nothing to pull/);
    expectOneLineError(await data(["pull", "commonsense_qa", "--hub-url", hub.url], {HF_HUB_OFFLINE: "1"}), /pull needs the network, but offline mode is on/);
  });
});

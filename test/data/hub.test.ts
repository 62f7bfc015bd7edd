import {createHash} from "node:crypto";
import {existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, realpathSync, writeFileSync} from "node:fs";
import {dirname, join} from "node:path";
import {afterEach, beforeAll, describe, expect, it, vi} from "vitest";
import {loadDataset, pullDataset, type Example} from "../../src/index.ts";
import {sharedPath} from "../support/helpers.ts";
import {tempDir} from "../support/tempDir.ts";
import {commonsenseQaParquet, readTauRows} from "../support/commonsenseQaParquet.ts";
import {commitId, startFakeHub, type FakeHub} from "../support/fakeHub.ts";

const REPO = "tau/commonsense_qa";
const BRANCH = "refs/convert/parquet";
const FIRST = commitId("first conversion");
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

let files: Record<string, Uint8Array>;
beforeAll(() => {
  // Parquet built from the real published files; validation in two shards, as the Hub splits large ones.
  const validation = readTauRows("dev_rand_split.jsonl");
  files = {
    "default/validation/0000.parquet": commonsenseQaParquet(validation.slice(0, 600)),
    "default/validation/0001.parquet": commonsenseQaParquet(validation.slice(600)),
    "default/test/0000.parquet": commonsenseQaParquet(readTauRows("test_rand_split_no_answers.jsonl")),
  };
});

const servers: FakeHub[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function hubAndCache() {
  const hub = await startFakeHub({repo: REPO, branches: {[BRANCH]: FIRST}, files: {...files}});
  servers.push(hub);
  return {hub, cacheDir: tempDir("tlr-hf-cache-")};
}

/** What a model sees of an example: everything but where it was read from. */
const content = (e: Example) => ({id: e.id, question: e.question, choices: e.choices, answer: e.answer, concept: e.source.concept});

describe("the Hugging Face Hub source, end to end against a local server", () => {
  it("downloads through @huggingface/hub into the standard cache layout, pinned to the resolved commit", async () => {
    const {hub, cacheDir} = await hubAndCache();
    const d = await loadDataset("commonsense_qa", {source: "hub", hubUrl: hub.url, cacheDir});

    expect(d.split).toBe("validation");
    expect(d.examples).toHaveLength(1221);
    expect(d.provenance.hub).toEqual({repo: REPO, config: "default", revision: BRANCH, commit: FIRST, cacheDir});
    expect(d.provenance.files.map((f) => f.path)).toEqual(["default/validation/0000.parquet", "default/validation/0001.parquet"]);
    // The same examples as the published file read from the data directory.
    const local = await loadDataset("commonsense_qa", {dataDir: sharedPath("data")});
    expect(d.examples.map(content)).toEqual(local.examples.map(content));
    expect(d.examples[700]!.source).toMatchObject({file: `hf://datasets/${REPO}@${FIRST.slice(0, 10)}/default/validation/0001.parquet`, row: 100});

    // Python's huggingface_hub layout: refs/<branch> → commit; snapshots/<commit>/<path> → ../blobs/<sha256>.
    const repoDir = join(cacheDir, "datasets--tau--commonsense_qa");
    expect(readFileSync(join(repoDir, "refs", ...BRANCH.split("/")), "utf8")).toBe(FIRST);
    const pointer = join(repoDir, "snapshots", FIRST, "default/validation/0000.parquet");
    expect(lstatSync(pointer).isSymbolicLink()).toBe(true);
    expect(readlinkSync(pointer)).not.toMatch(/^\//); // relative, so the cache can move
    const served = files["default/validation/0000.parquet"]!;
    expect(realpathSync(pointer)).toBe(join(realpathSync(repoDir), "blobs", sha256(served)));
    expect(new Uint8Array(readFileSync(pointer))).toEqual(served);

    const routes = hub.requests.map((r) => r.replace(/\?.*/, ""));
    expect(routes).toContain(`GET /api/datasets/${REPO}/revision/refs%2Fconvert%2Fparquet`);
    expect(routes).toContain(`GET /api/datasets/${REPO}/tree/${FIRST}/default/validation`);
    expect(routes).toContain(`GET /datasets/${REPO}/resolve/${FIRST}/default/validation/0001.parquet`);
  });

  it("reads the cache again with the network forbidden and gets the same rows", async () => {
    const {hub, cacheDir} = await hubAndCache();
    const online = await loadDataset("commonsense_qa", {source: "hub", hubUrl: hub.url, cacheDir});
    await hub.close();
    servers.splice(servers.indexOf(hub), 1);
    const fetchSpy = vi.spyOn(globalThis, "fetch").mockImplementation(() => {
      throw new Error("network forbidden in this test");
    });

    const offline = await loadDataset("commonsense_qa", {source: "hub", offline: true, hubUrl: hub.url, cacheDir});
    const viaEnv = await loadDataset("commonsense_qa", {source: "hub", env: {HF_HUB_OFFLINE: "1"}, cacheDir});
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(offline.examples).toEqual(online.examples);
    expect(viaEnv.examples).toEqual(online.examples);
    expect(offline.provenance.hub?.commit).toBe(FIRST);
    expect(offline.provenance.files).toEqual(online.provenance.files);
  });

  it("an unlabelled split comes through with null answers", async () => {
    const {hub, cacheDir} = await hubAndCache();
    const d = await loadDataset("commonsense_qa", {split: "test", source: "hub", hubUrl: hub.url, cacheDir});
    expect(d.examples).toHaveLength(1140);
    expect(d.examples.every((e) => e.answer === null && e.choices.length === 5)).toBe(true);
  });

  it("keeps the resolved commit until pull resolves the branch again", async () => {
    const {hub, cacheDir} = await hubAndCache();
    await loadDataset("commonsense_qa", {source: "hub", hubUrl: hub.url, cacheDir});
    const second = commitId("second conversion");
    hub.setCommit(BRANCH, second);

    const again = await loadDataset("commonsense_qa", {source: "hub", hubUrl: hub.url, cacheDir});
    expect(again.provenance.hub?.commit).toBe(FIRST);

    const pulled = await pullDataset("commonsense_qa", {splits: ["validation"], hubUrl: hub.url, cacheDir});
    expect(pulled).toMatchObject({repo: REPO, revision: BRANCH, commit: second, splits: [{split: "validation", rows: 1221}]});
    const after = await loadDataset("commonsense_qa", {source: "hub", hubUrl: hub.url, cacheDir});
    expect(after.provenance.hub?.commit).toBe(second);
    // Same content, so the second snapshot links the blobs the first downloaded.
    expect(after.provenance.files).toEqual(again.provenance.files);
  });

  it("offline without a cached copy is a one-line error that says to pull first, without touching the network", async () => {
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    const cacheDir = tempDir("tlr-hf-empty-");
    await expect(loadDataset("commonsense_qa", {source: "hub", offline: true, cacheDir})).rejects.toThrow(
      new RegExp(`^offline: ${REPO} \\(revision ${BRANCH}\\) is not in the Hugging Face cache .*run \`tlr data pull\``),
    );
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it("a damaged blob in the cache fails its sha256 check, naming the file", async () => {
    const {hub, cacheDir} = await hubAndCache();
    await loadDataset("commonsense_qa", {source: "hub", hubUrl: hub.url, cacheDir});
    const pointer = join(cacheDir, "datasets--tau--commonsense_qa", "snapshots", FIRST, "default/validation/0001.parquet");
    const blob = realpathSync(pointer);
    const bytes = readFileSync(blob);
    bytes[100] = bytes[100]! ^ 0xff;
    writeFileSync(blob, bytes);
    await expect(loadDataset("commonsense_qa", {source: "hub", offline: true, cacheDir})).rejects.toThrow(
      new RegExp(`^${pointer.replace(/[.]/g, "\\.")}: sha256 [0-9a-f]{12}… does not match ${sha256(files["default/validation/0001.parquet"]!).slice(0, 12)}…`),
    );
  });

  it("an unreachable Hub is a one-line error naming it and what to do", async () => {
    const {hub, cacheDir} = await hubAndCache();
    const url = hub.url;
    await hub.close();
    servers.splice(servers.indexOf(hub), 1);
    await expect(loadDataset("commonsense_qa", {source: "hub", hubUrl: url, cacheDir})).rejects.toThrow(
      new RegExp(`^Hugging Face Hub ${url}: resolving ${REPO}@${BRANCH} failed: .*--offline`),
    );
  });

  it("a split missing a shard has fewer rows than its manifest: an error, not a silent partial load", async () => {
    const dataDir = tempDir("tlr-data-");
    const target = join(dataDir, "commonsense_qa/default/validation/0000.parquet");
    mkdirSync(dirname(target), {recursive: true});
    writeFileSync(target, files["default/validation/0000.parquet"]!);
    await expect(loadDataset("commonsense_qa", {dataDir})).rejects.toThrow(
      "commonsense_qa validation: read 600 rows where datasets/commonsense_qa.json expects 1221: the source differs from the published split; use the published files, pin the manifest's hub revision, or pass --no-verify",
    );
    await expect(loadDataset("commonsense_qa", {dataDir, verify: false})).resolves.toMatchObject({examples: {length: 600}});
  });

  it("a data directory may hold the Hub's parquet in its branch layout instead of the original files", async () => {
    const dataDir = tempDir("tlr-data-");
    for (const [path, bytes] of Object.entries(files)) {
      const target = join(dataDir, "commonsense_qa", path);
      mkdirSync(dirname(target), {recursive: true});
      writeFileSync(target, bytes);
    }
    const d = await loadDataset("commonsense_qa", {dataDir});
    expect(d.provenance.source).toBe("local");
    expect(d.provenance.files.map((f) => f.path)).toEqual([join(dataDir, "commonsense_qa/default/validation/0000.parquet"), join(dataDir, "commonsense_qa/default/validation/0001.parquet")]);
    const local = await loadDataset("commonsense_qa", {dataDir: sharedPath("data")});
    expect(d.examples.map(content)).toEqual(local.examples.map(content));
    expect(existsSync(join(dataDir, "commonsense_qa/dev_rand_split.jsonl"))).toBe(false);
  });
});

import {createHash} from "node:crypto";
import {existsSync, readFileSync, readdirSync, realpathSync} from "node:fs";
import {join} from "node:path";
import {afterEach, describe, expect, it} from "vitest";
import {cachedModelPath, inspectModelFile, pullModel, type ModelPreset} from "../../src/index.ts";
import {tlr} from "../support/run.ts";
import {commitId, startFakeHub, type FakeHub, type FakeRepo} from "../support/fakeHub.ts";
import {toy} from "../support/helpers.ts";
import {tempDir} from "../support/tempDir.ts";

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const GGUF = new Uint8Array(readFileSync(toy.small())); // a real GGUF, served as the Hub serves LFS files
const damaged = () => {
  const d = Uint8Array.from(GGUF);
  d[d.length - 100] = d[d.length - 100]! ^ 0xff; // one flipped byte in the weights
  return d;
};

const servers: FakeHub[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function hub(repo: Partial<FakeRepo> & {repo: string; files: Record<string, Uint8Array>}): Promise<FakeHub> {
  const h = await startFakeHub({type: "model", branches: {main: commitId(repo.repo)}, ...repo});
  servers.push(h);
  return h;
}

const preset = (sha: string | null): ModelPreset => ({description: "test", repo: "tlr-test/toy-GGUF", revision: "main", files: [{path: "toy-small.gguf", sha256: sha}]});

describe("tlr models pull against a local server that answers like the Hub", () => {
  it("downloads through @huggingface/hub into the standard cache, checks the sha256 and gives a loadable GGUF", async () => {
    const h = await hub({repo: "tlr-test/toy-GGUF", files: {"toy-small.gguf": GGUF}});
    const cacheDir = tempDir("tlr-hf-");
    const env = {TLR_CACHE_DIR: tempDir("tlr-cache-")};
    const r = await pullModel("toy", {preset: preset(sha256(GGUF)), hubUrl: h.url, cacheDir, env});
    expect(r.files[0]).toMatchObject({sha256: sha256(GGUF), check: "preset"});
    expect(r.model).toBe(join(cacheDir, "models--tlr-test--toy-GGUF", "snapshots", commitId("tlr-test/toy-GGUF"), "toy-small.gguf"));
    expect(realpathSync(r.model)).toBe(join(realpathSync(cacheDir), "models--tlr-test--toy-GGUF", "blobs", sha256(GGUF)));
    expect((await inspectModelFile(r.model)).name).toBe("toy-arith-small");
    expect(h.requests.some((q) => q.startsWith("GET /tlr-test/toy-GGUF/resolve/main/toy-small.gguf"))).toBe(true);
  });

  it("refuses a download whose bytes are not the sha256 pinned, and deletes it from the cache", async () => {
    const h = await hub({repo: "tlr-test/toy-GGUF", files: {"toy-small.gguf": GGUF}, corrupt: {"toy-small.gguf": damaged()}});
    const cacheDir = tempDir("tlr-hf-");
    const env = {TLR_CACHE_DIR: tempDir("tlr-cache-")};
    await expect(pullModel("toy", {preset: preset(sha256(GGUF)), hubUrl: h.url, cacheDir, env})).rejects.toThrow(
      /downloaded tlr-test\/toy-GGUF\/toy-small\.gguf has sha256 [0-9a-f]{12}…, not the preset's [0-9a-f]{12}…: the download is corrupt and was deleted from the cache; run tlr models pull toy again/,
    );
    const blobs = join(cacheDir, "models--tlr-test--toy-GGUF", "blobs");
    expect(existsSync(blobs) ? readdirSync(blobs) : []).toEqual([]);
    expect(existsSync(join(cacheDir, "models--tlr-test--toy-GGUF", "snapshots", commitId("tlr-test/toy-GGUF"), "toy-small.gguf"))).toBe(false);
  });

  it("refuses before downloading when the Hub reports another sha256 than the preset's", async () => {
    const h = await hub({repo: "tlr-test/toy-GGUF", files: {"toy-small.gguf": GGUF}});
    await expect(pullModel("toy", {preset: preset("0".repeat(64)), hubUrl: h.url, cacheDir: tempDir("tlr-hf-"), env: {TLR_CACHE_DIR: tempDir()}})).rejects.toThrow(/the repo changed; nothing was downloaded/);
    expect(h.requests.some((q) => q.includes("/resolve/"))).toBe(false);
  });

  it("pins a preset without a sha256 on its first verified download, and holds later pulls to it", async () => {
    const h = await hub({repo: "tlr-test/toy-GGUF", files: {"toy-small.gguf": GGUF}});
    const cacheDir = tempDir("tlr-hf-");
    const env = {TLR_CACHE_DIR: tempDir("tlr-cache-")};
    expect((await pullModel("toy", {preset: preset(null), hubUrl: h.url, cacheDir, env})).files[0]!.check).toBe("pinned-now");
    expect(JSON.parse(readFileSync(join(env.TLR_CACHE_DIR, "model-pins.json"), "utf8"))).toEqual({"tlr-test/toy-GGUF@main/toy-small.gguf": sha256(GGUF)});
    expect((await pullModel("toy", {preset: preset(null), hubUrl: h.url, cacheDir, env})).files[0]!.check).toBe("pin");
    // The repo's file changes upstream: the pin refuses it.
    const other = await hub({repo: "tlr-test/toy-GGUF", files: {"toy-small.gguf": damaged()}});
    await expect(pullModel("toy", {preset: preset(null), hubUrl: other.url, cacheDir, env})).rejects.toThrow(/your earlier pull pinned/);
  });

  it("CLI: pulls a named preset, prints where it lies, and refuses a corrupted download with exit code 2", async () => {
    // qwen2.5-0.5b-instruct pins its sha256 on the first verified download, so the toy bytes can stand in for it.
    const repo = {repo: "Qwen/Qwen2.5-0.5B-Instruct-GGUF", files: {"qwen2.5-0.5b-instruct-q8_0.gguf": GGUF}};
    const env = {TLR_CACHE_DIR: tempDir("tlr-cache-")};
    const bad = await hub({...repo, corrupt: {"qwen2.5-0.5b-instruct-q8_0.gguf": damaged()}});
    const cacheDir = tempDir("tlr-hf-");
    const refused = await tlr(["models", "pull", "qwen2.5-0.5b-instruct", "--hub-url", bad.url, "--cache-dir", cacheDir], {env});
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^tlr: error: downloaded Qwen\/Qwen2\.5-0\.5B-Instruct-GGUF\/qwen2\.5-0\.5b-instruct-q8_0\.gguf has sha256 .*, not the Hub's .*: the download is corrupt and was deleted from the cache; run tlr models pull qwen2\.5-0\.5b-instruct again$/m);
    expect(existsSync(join(env.TLR_CACHE_DIR, "model-pins.json"))).toBe(false);

    const good = await hub(repo);
    const pulled = await tlr(["models", "pull", "qwen2.5-0.5b-instruct", "--hub-url", good.url, "--cache-dir", cacheDir], {env});
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(pulled.stdout).toContain(`sha256 ${sha256(GGUF)} (pinned now, equal to the Hub's)`);
    expect(cachedModelPath("qwen2.5-0.5b-instruct", {cacheDir})).toBe(pulled.stdout.trim().split("\n").at(-1)!.replace("qwen2.5-0.5b-instruct: ", ""));

    // The 0.5B Q4_K_M preset pins the official file's sha256: the toy bytes are refused before any download.
    const wrong = await hub({repo: "Qwen/Qwen2.5-0.5B-Instruct-GGUF", files: {"qwen2.5-0.5b-instruct-q4_k_m.gguf": GGUF}});
    const refusedEarly = await tlr(["models", "pull", "qwen2.5-0.5b-instruct-q4_k_m", "--hub-url", wrong.url, "--cache-dir", cacheDir], {env});
    expect(refusedEarly.code).toBe(2);
    expect(refusedEarly.stderr).toMatch(/the preset pinned 74a4da8c9fdb…: the repo changed; nothing was downloaded/);
  });
});

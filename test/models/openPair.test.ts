import {join, resolve} from "node:path";
import {describe, expect, it} from "vitest";
import {decode, encodePrompt, createRouter, openPair, resolveModel, resolveModelPath, sha256File, startServer, TlrError} from "../../src/index.ts";
import {tempDir} from "../support/tempDir.ts";
import {toy} from "../support/helpers.ts";

const PROMPT = "Question: What is 47 + 385?\nChoices:\nA. 432\nB. 422\nC. 532\nD. 431\nE. 442\nAnswer:";

describe("resolveModel: the one resolver of model names", () => {
  it("tells servers, pulled presets and paths apart", () => {
    expect(resolveModel("http://gpu-box:8080")).toEqual({url: "http://gpu-box:8080"});
    expect(resolveModel("HTTPS://gpu-box")).toEqual({url: "HTTPS://gpu-box"});
    expect(resolveModel("models/x.gguf")).toEqual({path: "models/x.gguf"}); // the working directory's, as written
    expect(resolveModel("../models/x.gguf", {baseDir: "/cfg/experiments"})).toEqual({path: resolve("/cfg/models/x.gguf")}); // a config's folder
    expect(resolveModel("/abs/x.gguf", {baseDir: "/cfg"})).toEqual({path: "/abs/x.gguf"});
  });

  it("refuses a preset that is not pulled, naming the command, and a URL where the model must be local", () => {
    const cache = tempDir();
    process.env.HF_HUB_CACHE = cache;
    try {
      expect(() => resolveModel("model:qwen2.5-0.5b-instruct")).toThrow(/tlr models pull qwen2.5-0.5b-instruct/);
      expect(() => resolveModel("model:no-such-model")).toThrow(TlrError);
    } finally {
      delete process.env.HF_HUB_CACHE;
    }
    expect(() => resolveModelPath("http://gpu-box:8080", {role: "small model"})).toThrow(/the small model runs on this machine/);
  });
});

describe("openPair: local or remote, one way to open a pair", () => {
  it("opens the same pair locally and behind tlr serve: same tokens, workers, provenance", async () => {
    const server = await startServer({model: toy.large(), port: 0, threads: 1});
    const local = await openPair({small: {path: toy.small(), threads: 1}, large: {path: toy.large(), threads: 1}});
    const remote = await openPair({small: {path: toy.small(), threads: 1}, large: {url: server.url}});
    try {
      expect(local.remote).toBeUndefined();
      expect(remote.remote?.server).toBe("tlr");
      expect(local.sharedVocabSize).toBe(remote.sharedVocabSize);
      const runs = [];
      for (const pair of [local, remote]) {
        const workers = await pair.workers(2);
        expect(workers).toHaveLength(2);
        expect(workers[0]!.small).toBe(pair.small);
        expect(workers[1]!.small).not.toBe(pair.small);
        expect(workers[1]!.large).not.toBe(pair.large);
        expect(await pair.workers(2)).toEqual(workers); // asking again makes no more
        const w = workers[1]!;
        runs.push(await decode({prompt: encodePrompt(pair.tokenizer, PROMPT), small: w.small, large: w.large, tokenizer: pair.tokenizer, router: createRouter("max-prob"), threshold: 0.9, maxTokens: 60}));
      }
      expect(runs[0]!.stats.largeTokens).toBeGreaterThan(0);
      expect(runs[1]!.generated).toEqual(runs[0]!.generated);
      const sha = {small: await sha256File(toy.small()), large: await sha256File(toy.large())};
      expect(await local.metadata()).toEqual({small: {path: toy.small(), sha256: sha.small}, large: {path: toy.large(), sha256: sha.large}});
      expect(await remote.metadata()).toEqual({small: {path: toy.small(), sha256: sha.small}, large: {url: server.url, server: "tlr", protocol: "session", name: "toy-arith-large"}});
    } finally {
      await local.dispose();
      await remote.dispose();
      await server.close();
    }
  });

  it("with lanes, workers(n) are n sequences of one context per local model (a remote large model a session each), and a lane alone decodes as the pair does", async () => {
    const server = await startServer({model: toy.large(), port: 0, threads: 1});
    const local = await openPair({small: {path: toy.small(), threads: 1}, large: {path: toy.large(), threads: 1}, lanes: true});
    const remote = await openPair({small: {path: toy.small(), threads: 1}, large: {url: server.url}, lanes: true});
    const contextOf = (m: unknown) => (m as {context: object}).context;
    try {
      const decodeOn = (pair: typeof local, w: {small: typeof local.small; large: typeof local.large}) =>
        decode({prompt: encodePrompt(pair.tokenizer, PROMPT), small: w.small, large: w.large, tokenizer: pair.tokenizer, router: createRouter("max-prob"), threshold: 0.9, maxTokens: 60});
      const reference = await decodeOn(local, local);
      for (const pair of [local, remote]) {
        const lanes = await pair.workers(3);
        expect(lanes).toHaveLength(3);
        expect(new Set(lanes.map((l) => contextOf(l.small))).size).toBe(1);
        expect(contextOf(lanes[0]!.small)).not.toBe(contextOf(pair.small));
        expect(new Set(lanes.map((l) => l.large)).size).toBe(3);
        if (pair === local) expect(new Set(lanes.map((l) => contextOf(l.large))).size).toBe(1);
        expect(await pair.workers(3)).toEqual(lanes); // asking again makes no more
        await expect(pair.workers(2)).rejects.toThrow(/lanes were opened 3 at a time, not 2/);
        expect((await decodeOn(pair, lanes[1]!)).generated).toEqual(reference.generated);
      }
    } finally {
      await local.dispose();
      await remote.dispose();
      await server.close();
    }
  });

  it("refuses an incompatible pair before loading weights", async () => {
    const dir = tempDir();
    await expect(openPair({small: {path: toy.small()}, large: {path: join(dir, "missing.gguf")}})).rejects.toThrow(TlrError);
  });
});

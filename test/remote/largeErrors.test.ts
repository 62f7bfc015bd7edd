import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {connectRemote, createRouter, decode, encodePrompt, isRemoteError, LocalModel, sweepTree, type RemoteBackend, type RemoteModel} from "../../src/index.ts";
import {toy, toyPrompts} from "../support/toy.ts";
import {spawnTlrServe} from "../support/spawn.ts";

/*
 * The large model behind a real tlr serve that is gone (killed after the client connected): every
 * call fails with a real "connection refused" RemoteError. Only the runs that needed the large
 * model may end with it; a run that never routes finishes, exactly as the small model alone.
 */
let small: LocalModel;
let backend: RemoteBackend;
let large: RemoteModel;

beforeAll(async () => {
  small = await LocalModel.load({path: toy.small, threads: 1, gpu: false});
  const server = await spawnTlrServe(toy.large);
  backend = await connectRemote({url: server.url, retry: {retries: 0}, timeoutMs: 5_000});
  large = backend.createModel();
  await server.kill();
});
afterAll(async () => {
  await large?.dispose().catch(() => undefined);
  backend?.dispose();
  await small?.dispose();
});

describe("an unreachable large model in a trajectory tree", () => {
  it("ends only the runs that needed it; a run that never routes is the small model's own", async () => {
    const prompt = encodePrompt(small.tokenizer, toyPrompts(1)[0]!);
    const common = {prompt, small, large, tokenizer: small.tokenizer, maxTokens: 60, key: "q0"};
    // τ 0 never routes; τ 0.9999 routes at once; τ 0.998 routes some tokens later on.
    const tree = await sweepTree({...common, router: createRouter("max-prob"), thresholds: [0, 0.998, 0.9999], recordLargeError: isRemoteError});
    expect(tree.errors[0]).toBeUndefined();
    for (const e of tree.errors.slice(1)) {
      expect(isRemoteError(e), String(e)).toBe(true);
      expect(e!.message).toMatch(/refused/);
    }
    await small.reset();
    const alone = await decode({...common, router: createRouter("always-small"), threshold: 0});
    expect(tree.runs[0]!.generated).toEqual(alone.generated);
    expect(tree.runs[0]!.stats.largeTokens).toBe(0);
  });

  it("the oracle peeks every step: all its runs end with the error", async () => {
    const prompt = encodePrompt(small.tokenizer, toyPrompts(2)[1]!);
    const tree = await sweepTree({prompt, small, large, tokenizer: small.tokenizer, maxTokens: 20, key: "q1", router: createRouter("oracle"), thresholds: [0.5], recordLargeError: isRemoteError});
    expect(isRemoteError(tree.errors[0])).toBe(true);
  });

  it("without recordLargeError the error is thrown, as decode() throws it", async () => {
    const prompt = encodePrompt(small.tokenizer, toyPrompts(1)[0]!);
    await expect(sweepTree({prompt, small, large, tokenizer: small.tokenizer, maxTokens: 20, key: "q0", router: createRouter("max-prob"), thresholds: [0.9999]})).rejects.toThrow(/refused/);
  });
});

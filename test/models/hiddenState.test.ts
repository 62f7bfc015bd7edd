import {openSync, readSync, closeSync} from "node:fs";
import {getLlama, LlamaLogLevel, readGgufFileInfo, type Token as LlamaToken} from "node-llama-cpp";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {encodePrompt, LocalModel, type Token} from "../../src/index.ts";
import {toy} from "../support/helpers.ts";

const PROMPT = "Question: What is 47 + 385?\nChoices:\nA. 432\nB. 422\nC. 532\nD. 431\nE. 442\nAnswer:";
const CONTINUATION = " 7 + 5 = 12, write 2 carry 1.";

let withHidden: LocalModel;
let plain: LocalModel;
let ids: Token[];
beforeAll(async () => {
  withHidden = await LocalModel.load({path: toy.small(), threads: 1, hidden: true});
  plain = await LocalModel.load({path: toy.small(), threads: 1});
  ids = [...encodePrompt(withHidden.tokenizer, PROMPT), ...withHidden.tokenizer.tokenize(CONTINUATION)];
});
afterAll(async () => {
  await withHidden?.dispose();
  await plain?.dispose();
});

/** The output matrix of the f32 toy model, read straight from the GGUF file: vocab rows of n_embd floats. */
async function outputWeights(path: string): Promise<{rows: number; dim: number; w: Float32Array}> {
  const info = await readGgufFileInfo(path, {readTensorInfo: true});
  const t = info.fullTensorInfo!.find((x) => x.name === "output.weight")!;
  expect(t.ggmlType).toBe(0); // f32
  const [dim, rows] = t.dimensions.map(Number) as [number, number];
  const buffer = Buffer.alloc(dim * rows * 4);
  const fd = openSync(path, "r");
  readSync(fd, buffer, 0, buffer.length, Number(t.fileOffset)); // node-llama-cpp gives absolute offsets
  closeSync(fd);
  return {rows, dim, w: new Float32Array(buffer.buffer, buffer.byteOffset, dim * rows)};
}

describe("hidden states through the internal embeddings path (models/hiddenState.ts)", () => {
  it("equal the public embedding API's vector for the same prefix, bit for bit", async () => {
    // The public API evaluates the whole prefix in one batch: compare with one-batch predictions (cuts: []).
    const llama = await getLlama({gpu: false, maxThreads: 1, logLevel: LlamaLogLevel.error});
    const model = await llama.loadModel({modelPath: toy.small()});
    const embedding = await model.createEmbeddingContext({contextSize: 512, threads: 1});
    try {
      for (const n of [1, 5, ids.length - 9, ids.length]) {
        const prefix = ids.slice(0, n);
        const ours = (await withHidden.next(prefix, {cuts: []})).prediction.hidden!;
        const theirs = Float32Array.from((await embedding.getEmbeddingFor(prefix as unknown as LlamaToken[])).vector);
        expect(ours).toHaveLength(64); // the toy small model's n_embd
        expect(Array.from(ours)).toEqual(Array.from(theirs));
      }
    } finally {
      await embedding.dispose();
      await model.dispose();
    }
  });

  it("are the lm_head's input: hidden · Wᵀ reproduces the model's log-probabilities", async () => {
    const {rows, dim, w} = await outputWeights(toy.small());
    const {prediction} = await withHidden.next(ids);
    const h = prediction.hidden!;
    const logits = Array.from({length: rows}, (_, v) => {
      let s = 0;
      for (let i = 0; i < dim; i++) s += h[i]! * w[v * dim + i]!;
      return s;
    });
    const argmax = logits.indexOf(Math.max(...logits));
    expect(argmax).toBe(prediction.token);
    // Differences of logits are differences of log-probabilities (the normaliser cancels).
    const top = prediction.top;
    for (const t of top.slice(1)) expect(logits[top[0]!.id]! - logits[t.id]!).toBeCloseTo(top[0]!.logprob - t.logprob, 3);
  });

  it("travel with the prediction of each evaluation batch: a replayed schedule gives the same vectors", async () => {
    const p = encodePrompt(withHidden.tokenizer, PROMPT).length;
    await withHidden.reset();
    const stepwise: Float32Array[] = [];
    for (let n = p; n <= ids.length; n++) stepwise.push((await withHidden.next(ids.slice(0, n))).prediction.hidden!);
    // Another model state, then the same cuts replayed: identical vectors.
    await withHidden.next(ids.slice(0, p + 3), {cuts: []});
    const cuts = Array.from({length: ids.length - p}, (_, i) => p + i);
    const replayed = await withHidden.next(ids, {cuts});
    expect(replayed.replayed).toBeGreaterThan(0);
    expect(Array.from(replayed.prediction.hidden!)).toEqual(Array.from(stepwise.at(-1)!));
    // A cached prediction carries its vector too.
    const again = await withHidden.next(ids);
    expect(again.fromState).toBe(true);
    expect(again.prediction.hidden).toBe(replayed.prediction.hidden);
  });

  it("leave single-token steps bit-identical and move prefill logits only in the last float bits", async () => {
    await withHidden.reset();
    await plain.reset();
    const p = encodePrompt(withHidden.tokenizer, PROMPT).length;
    for (let n = p; n <= ids.length; n++) {
      const a = (await withHidden.next(ids.slice(0, n))).prediction;
      const b = (await plain.next(ids.slice(0, n))).prediction;
      expect(b.hidden).toBeUndefined();
      expect(a.token).toBe(b.token);
      for (const [i, t] of a.top.entries()) {
        expect(t.id).toBe(b.top[i]!.id);
        if (n > p) expect(t.logprob).toBe(b.top[i]!.logprob);
        else expect(Math.abs(t.logprob - b.top[i]!.logprob)).toBeLessThan(1e-4);
      }
    }
  });
});

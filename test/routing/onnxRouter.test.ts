import {copyFileSync, readFileSync, writeFileSync} from "node:fs";
import {join, resolve} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {createTask, decode, encodePrompt, loadDataset, loadPair, loadRouter, type DecodeResult, type ModelPair, type Router} from "../../src/index.ts";
import {repoRoot, toy} from "../support/helpers.ts";
import {tempDir} from "../support/tempDir.ts";

// routers/toy-arith-mlp.onnx was exported from routers/toy-arith-mlp.json through PyTorch by
// scripts/export-onnx-router.py (see README, "ONNX routers"): the same network in two runtimes.
const MLP = resolve(repoRoot, "routers/toy-arith-mlp.json");
const ONNX = resolve(repoRoot, "routers/toy-arith-mlp.onnx.json");

let pair: ModelPair;
let mlp: Router;
let onnx: Router;
beforeAll(async () => {
  pair = await loadPair({small: {path: toy.small(), hidden: true}, large: {path: toy.large()}});
  mlp = await loadRouter({kind: "mlp", file: MLP}, {smallModel: toy.small()});
  onnx = await loadRouter({kind: "onnx", file: ONNX}, {smallModel: toy.small()});
});
afterAll(async () => {
  await pair?.dispose();
});

async function run(router: Router, prompt: number[], threshold: number): Promise<DecodeResult> {
  return decode({prompt, small: pair.small, large: pair.large, tokenizer: pair.small.tokenizer, router, threshold, maxTokens: 200});
}

describe("ONNX routers through onnxruntime-node", () => {
  it("the file is a PyTorch export of the router file it names", () => {
    const bytes = readFileSync(resolve(repoRoot, "routers/toy-arith-mlp.onnx"));
    expect(bytes.includes(Buffer.from("pytorch"))).toBe(true);
    const descriptor = JSON.parse(readFileSync(ONNX, "utf8"));
    expect(descriptor.training.exportedFrom.file).toBe("toy-arith-mlp.json");
    expect(onnx.name).toMatch(/^onnx\(toy-arith-mlp\.onnx\.json#[0-9a-f]{8}\)$/);
    expect(onnx.needsHidden).toBe(true);
  });

  it("scores every step of real runs as the JavaScript MLP does, and routes the same tokens", async () => {
    const task = createTask("toy_arith");
    const {examples} = await loadDataset("toy_arith", {split: "eval", count: 3});
    let steps = 0;
    for (const e of examples) {
      const prompt = encodePrompt(pair.small.tokenizer, task.prompt(e));
      const a = await run(mlp, prompt, 0.9);
      const b = await run(onnx, prompt, 0.9);
      expect(b.generated).toEqual(a.generated);
      expect(b.records.map((r) => r.source)).toEqual(a.records.map((r) => r.source));
      for (const [i, r] of a.records.entries()) {
        expect(Math.abs(b.records[i]!.score - r.score)).toBeLessThan(1e-5);
        const input = {step: r.step, key: e.id, small: r.small};
        expect(Math.abs((await onnx.score(input)) - (await mlp.score(input)))).toBeLessThan(1e-5);
        steps++;
      }
    }
    expect(steps).toBeGreaterThan(300);
  });

  it("refuses a changed .onnx file and a graph that does not take the features the file names", async () => {
    const dir = tempDir();
    const descriptor = JSON.parse(readFileSync(ONNX, "utf8"));
    const bytes = readFileSync(resolve(repoRoot, "routers/toy-arith-mlp.onnx"));
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff;
    writeFileSync(join(dir, "toy-arith-mlp.onnx"), bytes);
    writeFileSync(join(dir, "d.json"), JSON.stringify(descriptor));
    await expect(loadRouter({kind: "onnx", file: join(dir, "d.json")})).rejects.toThrow(/toy-arith-mlp\.onnx has sha256 [0-9a-f]{12}…, not the onnx\.sha256 [0-9a-f]{12}… it names: the file was changed or damaged; export it again/);
    copyFileSync(resolve(repoRoot, "routers/toy-arith-mlp.onnx"), join(dir, "toy-arith-mlp.onnx"));
    writeFileSync(join(dir, "narrow.json"), JSON.stringify({...descriptor, features: {...descriptor.features, topLogprobs: 5}}));
    await expect(loadRouter({kind: "onnx", file: join(dir, "narrow.json")})).rejects.toThrow(/does not take 71 features \(float32 \[1, 71\]\)/);
  });
});

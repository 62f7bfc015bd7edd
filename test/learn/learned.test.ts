import {writeFileSync} from "node:fs";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {decodeFloats, encodeFloats, networkLogit, type Layer} from "../../src/routing/learned/network.ts";
import {featureVector, parseFeatureSpec} from "../../src/routing/learned/featureSpec.ts";
import {readRouterFile} from "../../src/index.ts";
import {rocAuc, routingQuality} from "../../src/learn/metrics.ts";
import {trainNetwork} from "../../src/learn/trainNetwork.ts";
import {validationQuestions} from "../../src/learn/trainRouter.ts";
import {Rng} from "../../src/learn/trainNetwork.ts";
import {fileCheckpoint} from "../../src/learn/trainCheckpoint.ts";
import {tempDir} from "../support/tempDir.ts";

/** n points in d dimensions, label 1 when w·x > 0 (w = 1, −1, 1, …): linearly separable. */
function separable(n: number, d: number, seed: number, flip = 0) {
  const rng = new Rng(seed);
  const x = new Float32Array(n * d);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
      x[i * d + j] = v;
      s += (j % 2 ? -1 : 1) * v;
    }
    y[i] = (s > 0) !== rng.next() < flip ? 1 : 0;
  }
  return {x, y, n, d};
}

const settings = {batchNorm: true, dropout: 0.1, learningRate: 3e-3, weightDecay: 0, batchSize: 64, maxEpochs: 30, patience: 4, seed: 1, negativeWeight: 1};
const identityNet = (layers: Layer[], d: number) => ({inputMean: new Float32Array(d), inputStd: new Float32Array(d).fill(1), layers});
const aucOf = (layers: Layer[], data: ReturnType<typeof separable>) =>
  rocAuc(Array.from({length: data.n}, (_, i) => networkLogit(identityNet(layers, data.d), data.x.subarray(i * data.d, (i + 1) * data.d))), data.y);

describe("the hand-written trainer", () => {
  it("learns a separable problem: CITER's MLP (BatchNorm, ReLU, dropout) and logistic regression", () => {
    const train = separable(2000, 8, 1);
    const validation = separable(500, 8, 2);
    const mlp = trainNetwork(train, validation, {...settings, widths: [8, 16, 8, 1]});
    expect(mlp.layers.map((l) => l.type)).toEqual(["linear", "batchnorm", "relu", "linear", "batchnorm", "relu", "linear"]);
    expect(aucOf(mlp.layers, validation)).toBeGreaterThan(0.98);
    const logreg = trainNetwork(train, validation, {...settings, batchNorm: false, dropout: 0, learningRate: 3e-2, widths: [8, 1]});
    expect(logreg.layers.map((l) => l.type)).toEqual(["linear"]);
    expect(aucOf(logreg.layers, validation)).toBeGreaterThan(0.99);
    // The learned direction is w's.
    const w = (logreg.layers[0] as Extract<Layer, {type: "linear"}>).weight;
    for (let j = 0; j < 8; j++) expect(Math.sign(w[j]!)).toBe(j % 2 ? -1 : 1);
  });

  it("a training killed after an epoch resumes from its checkpoint file and ends as an uninterrupted one", () => {
    const train = separable(600, 8, 5);
    const validation = separable(200, 8, 6);
    const o = {...settings, widths: [8, 16, 8, 1], maxEpochs: 8, patience: 100};
    const whole = trainNetwork(train, validation, o);
    const file = join(tempDir(), "router.json.checkpoint");
    const killed = fileCheckpoint(file, "k");
    // A kill right after epoch 3 was saved (thrown from the next epoch's report).
    expect(() => trainNetwork(train, validation, {...o, checkpoint: killed, onEpoch: (e) => {
      if (e.epoch === 4) throw new Error("killed");
    }})).toThrow("killed");
    const infos: string[] = [];
    const resumed = trainNetwork(train, validation, {...o, checkpoint: fileCheckpoint(file, "k", (m) => infos.push(m))});
    expect(infos).toEqual([`resuming from ${file}: epoch 3 done`]);
    expect(resumed.history).toEqual(whole.history);
    expect(resumed.bestEpoch).toBe(whole.bestEpoch);
    expect(resumed.layers).toEqual(whole.layers);
    // Another training's checkpoint is not resumed.
    const other: string[] = [];
    expect(fileCheckpoint(file, "other", (m) => other.push(m)).load()).toBeUndefined();
    expect(other[0]).toMatch(/holds another training/);
  });

  it("stops early on validation loss and keeps the best epoch's weights", () => {
    // Labels are noise: the validation loss can only get worse once the network starts memorising.
    const noise = separable(300, 8, 3, 0.5);
    const r = trainNetwork(noise, separable(300, 8, 4, 0.5), {...settings, widths: [8, 64, 64, 1], learningRate: 1e-2, maxEpochs: 100});
    expect(r.history.length).toBe(r.bestEpoch + 4);
    expect(r.history.length).toBeLessThan(100);
    const best = r.history[r.bestEpoch - 1]!.validationLoss;
    for (const e of r.history) expect(e.validationLoss).toBeGreaterThanOrEqual(best);
  });
});

describe("features, metrics and splits", () => {
  it("builds the feature vector in the spec's order and says what is missing", () => {
    const spec = parseFeatureSpec("hidden,top3,entropy,margin");
    const v = featureVector(spec, {hidden: [1, 2], topLogprobs: [-0.1, -2, -50, -60], entropy: 0.5, margin: 0.7}, 2);
    expect(Array.from(v)).toEqual([1, 2, -0.1, -2, -30, 0.5, 0.7].map(Math.fround));
    expect(() => featureVector(spec, {topLogprobs: [0, 0, 0], entropy: 0, margin: 0}, 2)).toThrow(/reads the small model's hidden state, but the prediction has none/);
    expect(() => featureVector(spec, {hidden: [1, 2, 3], topLogprobs: [0, 0, 0], entropy: 0, margin: 0}, 2)).toThrow(/hidden states of size 2, but the small model's are 3/);
    expect(() => featureVector(spec, {hidden: [1, 2], topLogprobs: [0], entropy: 0, margin: 0}, 2)).toThrow(/raise the top-K setting .* to at least 3/);
    expect(parseFeatureSpec("logits")).toEqual({hidden: false, topLogprobs: 10, entropy: true, margin: true});
    expect(() => parseFeatureSpec("hidden,logprobs")).toThrow(/unknown feature "logprobs"/);
  });

  it("AUC and routing precision/recall", () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    const q = routingQuality([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1], [0, 1, 0, 1, 1, 1, 1, 1, 1, 1], [0.2, 0.3]);
    expect(q[0]).toMatchObject({routed: 0.2, precision: 0.5, recall: 0.5});
    expect(q[1]).toMatchObject({routed: 0.3, precision: 2 / 3, recall: 1});
  });

  it("splits by question, never by token", () => {
    const ids = Array.from({length: 40}, (_, i) => `q${i}`);
    const v = validationQuestions([...ids, ...ids], 0.25, 0);
    expect(v.size).toBe(10);
    expect(validationQuestions(ids, 0.25, 0)).toEqual(v); // seeded
    expect(validationQuestions(ids, 0.25, 1)).not.toEqual(v);
    expect(() => validationQuestions(["q"], 0.5, 0)).toThrow(/cannot be split/);
  });

  it("float arrays travel exactly as base64", () => {
    const a = Float32Array.from([0, -1.5, 3.14159, 1e-30, -7e20]);
    expect(decodeFloats(encodeFloats(a))).toEqual(a);
  });
});

describe("router files (zod)", () => {
  const write = (content: unknown) => {
    const file = join(tempDir(), "r.json");
    writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
    return file;
  };
  const valid = {
    format: "tlr-router",
    version: 1,
    kind: "logreg",
    features: {hidden: false, topLogprobs: 1, entropy: false, margin: false},
    model: {name: "m", sha256: "a".repeat(64), hiddenSize: 4},
    network: {inputMean: encodeFloats(new Float32Array(1)), inputStd: encodeFloats(new Float32Array([1])), layers: [{type: "linear", in: 1, out: 1, weight: encodeFloats(new Float32Array([2])), bias: encodeFloats(new Float32Array([0]))}]},
  };

  it("reads a valid file and names the file and field of an invalid one", () => {
    expect(readRouterFile(write(valid)).kind).toBe("logreg");
    expect(() => readRouterFile(write("{"))).toThrow(/^router file .*r\.json is not valid JSON/);
    expect(() => readRouterFile(write({...valid, model: {...valid.model, sha256: "xyz"}}))).toThrow(/r\.json: model\.sha256: a sha256 in lowercase hex/);
    expect(() => readRouterFile(write({...valid, features: {...valid.features, extra: 1}}))).toThrow(/r\.json: features: unknown field "extra"/);
    expect(() => readRouterFile(write({...valid, version: 2}))).toThrow(/r\.json: version/);
    expect(() => readRouterFile(join(tempDir(), "none.json"))).toThrow(/^router file not found: /);
  });
});

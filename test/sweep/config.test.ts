import {mkdtempSync, readdirSync, readFileSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {experimentJsonSchema, loadExperiment, parseExperiment, planSweep, TlrError} from "../../src/index.ts";
import {tlr} from "../support/run.ts";
import {repoRoot} from "../support/helpers.ts";

const base = {name: "t", datasets: [{name: "toy_arith", limit: 3}], pairs: [{preset: "toy-arith"}], routers: [{kind: "max-prob", thresholds: [0.5]}]};
const parse = (c: unknown) => parseExperiment(JSON.stringify(c), "exp.json");

describe("experiment configs", () => {
  it("fills defaults", () => {
    const c = parse(base);
    expect(c).toMatchObject({maxTokens: 100, topK: 10, concurrency: 1, network: {rttMs: 170, upMbps: 20, downMbps: 100}, calibration: {limit: 50, seed: 0}});
  });

  it.each([
    ["an unknown field", {...base, thresholds: [1]}, 'exp.json: unknown field "thresholds"'],
    ["an unknown nested field", {...base, datasets: [{name: "toy_arith", limt: 3}]}, 'exp.json: datasets[0]: unknown field "limt"'],
    ["a wrong type", {...base, maxTokens: "lots"}, "exp.json: maxTokens: Invalid input: expected number, received string"],
    ["an empty threshold list", {...base, routers: [{kind: "max-prob", thresholds: []}]}, "exp.json: routers[0].thresholds: Too small"],
    ["an unknown router", {...base, routers: [{kind: "psychic", thresholds: [1]}]}, "exp.json: routers[0].kind: Invalid option"],
    ["thresholds and targets together", {...base, routers: [{kind: "margin", thresholds: [1], targets: [0.1]}]}, 'exp.json: routers[0]: router margin needs exactly one of "thresholds" and "targets"'],
    ["a seed on a router without one", {...base, routers: [{kind: "max-prob", seed: 3, thresholds: [1]}]}, "exp.json: routers[0].seed: only the random router takes a seed"],
    ["a target out of range", {...base, routers: [{kind: "max-prob", targets: [1.5]}]}, "exp.json: routers[0].targets[0]: Too big"],
  ])("refuses %s with one line naming the field", (_what, config, message) => {
    expect(() => parse(config)).toThrow(TlrError);
    expect(() => parse(config)).toThrow(message);
    try {
      parse(config);
    } catch (e) {
      expect((e as Error).message).not.toContain("\n");
    }
  });

  it("checks models, datasets and tasks in planSweep, naming the field", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tlr-cfg-"));
    const plan = (c: unknown) => planSweep(parse(c), join(dir, "exp.json"));
    await expect(plan({...base, pairs: [{name: "p", small: "missing.gguf", large: "missing.gguf"}]})).rejects.toThrow(`exp.json: pairs[0].small: small model file not found: ${join(dir, "missing.gguf")}`);
    await expect(plan({...base, pairs: [{preset: "nope"}]})).rejects.toThrow('pairs[0].preset: unknown pair preset "nope"');
    await expect(plan({...base, datasets: [{name: "toy_arith", task: "riddles"}]})).rejects.toThrow(/datasets\[0\]\.task: unknown task format "riddles"/);
    await expect(plan({...base, datasets: [{name: "no_such_dataset"}]})).rejects.toThrow(/datasets\[0\]/);
  });

  it("refuses lean features for a router that reads the distribution, naming it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tlr-cfg-"));
    const config = {...base, features: "max-prob", routers: [{kind: "max-prob", thresholds: [0.5]}, {kind: "margin", thresholds: [0.2]}]};
    await expect(planSweep(parse(config), join(dir, "exp.json"))).rejects.toThrow(/exp.json: routers\[1\]: router margin reads the small model's top-K, margin or entropy, which features "max-prob" does not compute/);
    await expect(planSweep(parse({...config, routers: [config.routers[0]]}), join(dir, "exp.json"))).resolves.toBeDefined();
  });

  it("publishes a JSON Schema generated from the validator (experiments/schema.json is current)", () => {
    const committed = JSON.parse(readFileSync(join(repoRoot, "experiments/schema.json"), "utf8"));
    expect(committed).toEqual(experimentJsonSchema());
    expect(committed.properties.routers.items.properties.kind.enum).toContain("max-prob");
  });

  it("every config in experiments/ is valid", () => {
    const configs = readdirSync(join(repoRoot, "experiments")).filter((f) => f.endsWith(".json") && f !== "schema.json");
    expect(configs.length).toBeGreaterThanOrEqual(4);
    for (const f of configs) expect(() => loadExperiment(join(repoRoot, "experiments", f)), f).not.toThrow();
  });

  it("tlr sweep: a config error is one line naming the field, exit code 2", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tlr-cfg-"));
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify({...base, routers: [{kind: "max-prob", thresholds: []}]}));
    const run = await tlr(["sweep", file]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toEqual([`tlr: error: ${file}: routers[0].thresholds: Too small: expected array to have >=1 items`]);
  });
});

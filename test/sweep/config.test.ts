import {createHash} from "node:crypto";
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
    // Runs that would be counted twice (issue 14: [0.8, 0.8] gave n = 10 for 5 questions).
    ["a threshold given twice", {...base, routers: [{kind: "max-prob", thresholds: [0.8, 0.5, 0.8]}]}, "exp.json: routers[0].thresholds[2]: 0.8 is already in the list; give each value once (a run is counted once)"],
    ["a target given twice", {...base, routers: [{kind: "margin", targets: [0.02, 0.02]}]}, "exp.json: routers[0].targets[1]: 0.02 is already in the list"],
    ["one router in two entries", {...base, routers: [{kind: "random", thresholds: [0.1]}, {kind: "oracle"}, {kind: "random", seed: 0, thresholds: [0.2]}]}, "exp.json: routers[2]: the same router as routers[0] (random); give all its thresholds in one entry"],
    ["thresholds for the oracle (its τ is fixed)", {...base, routers: [{kind: "oracle", thresholds: [0.3]}]}, 'exp.json: routers[0].thresholds: router oracle has a fixed threshold (0.5); remove "thresholds"'],
    // Baselines in disguise: every sweep runs small-only and large-only already.
    ["a baseline as a router", {...base, routers: [{kind: "always-large"}]}, "exp.json: routers[0].kind: every sweep runs large-only as a baseline; remove this router"],
    ["a max-prob τ that never routes", {...base, routers: [{kind: "max-prob", thresholds: [0.5, -1]}]}, "exp.json: routers[0].thresholds[1]: τ = -1 never routes for max-prob (its scores lie in [0, 1]): that is the small-only baseline, which every sweep runs; use τ in (0, 1]"],
    ["a max-prob τ that always routes", {...base, routers: [{kind: "max-prob", thresholds: [2]}]}, "exp.json: routers[0].thresholds[0]: τ = 2 routes every token for max-prob (its scores lie in [0, 1]): that is the large-only baseline"],
    ["a random p of 1", {...base, routers: [{kind: "random", thresholds: [1]}]}, "exp.json: routers[0].thresholds[0]: τ = 1 routes every token for random (its scores lie in [0, 1)): that is the large-only baseline, which every sweep runs; use τ in (0, 1)"],
    ["a positive neg-entropy τ", {...base, routers: [{kind: "neg-entropy", thresholds: [0.5]}]}, "exp.json: routers[0].thresholds[0]: τ = 0.5 routes every token for neg-entropy (its scores lie in ≤ 0)"],
    // Union fields (a pair, a model) name the missing or wrong field, not zod's bare "Invalid input".
    ["a pair without a name", {...base, pairs: [{small: "s.gguf", large: "l.gguf"}]}, 'exp.json: pairs[0]: missing field "name" (a string): add it'],
    ["a pair without its large model", {...base, pairs: [{name: "p", small: "s.gguf"}]}, 'exp.json: pairs[0]: missing field "large" (a string or an object): add it'],
    ["a model of the wrong type", {...base, pairs: [{name: "p", small: 3, large: "l.gguf"}]}, "exp.json: pairs[0].small: expected a string or an object, got number"],
    ["a model object without its path", {...base, pairs: [{name: "p", small: {threads: 1}, large: "l.gguf"}]}, 'exp.json: pairs[0].small: missing field "path" (a string): add it'],
    ["a pair that is a string", {...base, pairs: ["toy-arith"]}, "exp.json: pairs[0]: expected an object, got string"],
    ["an unknown share mode", {...base, share: "prefix"}, 'exp.json: share: Invalid option: expected one of "exact"|"tokens"'],
    ["a share mode of the wrong type", {...base, share: true}, "exp.json: share: Invalid option"],
    ["a missing top-level field", {name: "t", pairs: base.pairs, routers: base.routers}, 'exp.json: missing field "datasets" (an array): add it'],
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

  it('takes "share" (default "exact"); "tokens" changes the config hash, "exact" keeps the hash of a config without the field', async () => {
    expect(parse(base).share).toBe("exact");
    expect(parse({...base, share: "tokens"}).share).toBe("tokens");
    const dir = mkdtempSync(join(tmpdir(), "tlr-cfg-"));
    const hash = async (c: unknown) => (await planSweep(parse(c), join(dir, "exp.json"))).configHash;
    const [none, exact, tokens] = await Promise.all([hash(base), hash({...base, share: "exact"}), hash({...base, share: "tokens"})]);
    expect(exact).toBe(none);
    // The hash of the config as it was before "share" existed: the parsed config less the fields the identity drops.
    const {share: _share, workers: _workers, concurrency: _concurrency, ...before} = parse(base);
    expect(none).toBe(createHash("sha256").update(JSON.stringify(before)).digest("hex"));
    expect(tokens).not.toBe(exact);
    // "exact" is left out of the identity, so folders from before the field keep their hash; a
    // config that differs elsewhere still gets another hash (the comparison above can fail).
    expect(await hash({...base, maxTokens: 99})).not.toBe(none);
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

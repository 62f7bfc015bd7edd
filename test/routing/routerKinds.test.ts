import {describe, expect, it} from "vitest";
import {ALL_ROUTER_KINDS, createRouter, fixedThreshold, loadRouter, parseExperiment, roleOfKind, ROUTER_KINDS, routerKindInfo, routerNeeds, TlrError, validateRouterRef} from "../../src/index.ts";

const CLI = {labels: {file: "--router-file", threshold: "--threshold"}, thresholds: true};

describe("the router registry", () => {
  it("gives every kind its role, fixed threshold and needs", () => {
    expect(ALL_ROUTER_KINDS).toEqual([...ROUTER_KINDS, "mlp", "logreg", "onnx"]);
    expect(ALL_ROUTER_KINDS.map(roleOfKind)).toEqual(["router", "router", "router", "router", "baseline-small", "baseline-large", "oracle", "router", "router", "router"]);
    expect(roleOfKind("someone-elses-router")).toBe("router");
    expect(ALL_ROUTER_KINDS.map(fixedThreshold)).toEqual([undefined, undefined, undefined, undefined, 0, 0, 0.5, undefined, undefined, undefined]);
    // The built-in routers carry what the registry says they need.
    for (const kind of ROUTER_KINDS) {
      const router = createRouter(kind);
      expect(router.peeksLarge, kind).toBe(routerKindInfo(kind)!.peeksLarge);
      expect(Boolean(router.needsDistribution), kind).toBe(routerKindInfo(kind)!.needsDistribution);
    }
  });

  it("routerNeeds of a built-in kind is its registry entry", async () => {
    expect(await routerNeeds({kind: "margin"})).toEqual({hidden: false, topK: 0, distribution: true, peeksLarge: false});
    expect(await routerNeeds({kind: "oracle"})).toEqual({hidden: false, topK: 0, distribution: false, peeksLarge: true});
  });

  it("one set of rules, worded for each caller", async () => {
    const message = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        expect(error).toBeInstanceOf(TlrError);
        return (error as Error).message;
      }
      throw new Error("no error");
    };
    // tlr generate
    expect(message(() => validateRouterRef({kind: "psychic"}, CLI))).toMatch(/^unknown router "psychic": use one of max-prob, margin, .*, mlp, logreg, onnx$/);
    expect(message(() => validateRouterRef({kind: "mlp"}, CLI))).toBe("router mlp needs --router-file (tlr router train writes one)");
    expect(message(() => validateRouterRef({kind: "max-prob"}, CLI))).toBe("router max-prob needs --threshold");
    expect(message(() => validateRouterRef({kind: "max-prob", file: "r.json", thresholds: [1]}, CLI))).toBe("router max-prob takes no router file (only mlp, logreg, onnx do)");
    expect(validateRouterRef({kind: "oracle"}, CLI).fixedThreshold).toBe(0.5); // no --threshold needed
    expect(validateRouterRef({kind: "oracle", thresholds: [0.7]}, CLI).role).toBe("oracle"); // but one may be given
    // configs: the same rules, the field named in front
    const config = (router: object) => message(() => parseExperiment(JSON.stringify({name: "x", datasets: [{name: "toy_arith"}], pairs: [{preset: "toy-arith"}], routers: [router]}), "x.json"));
    expect(config({kind: "mlp", thresholds: [0.5]})).toBe("x.json: routers[0].file: router mlp needs a router file (tlr router train writes one)");
    expect(config({kind: "oracle", targets: [0.1]})).toBe('x.json: routers[0].targets: router oracle has no threshold to calibrate; remove "targets"');
    expect(config({kind: "random", thresholds: [0.1], targets: [0.1]})).toBe('x.json: routers[0]: router random needs exactly one of "thresholds" and "targets"');
    expect(config({kind: "margin", seed: 1, thresholds: [0.1]})).toBe("x.json: routers[0].seed: only the random router takes a seed");
    // loadRouter: kind, seed and file, whatever the thresholds
    await expect(loadRouter({kind: "max-prob", seed: 3})).rejects.toThrow("only the random router takes a seed");
    await expect(loadRouter({kind: "logreg"})).rejects.toThrow("router logreg needs a router file");
    expect((await loadRouter({kind: "random", seed: 3})).name).toBe("random(seed=3)");
  });
});

import {loadRouter, routerNeeds} from "../routing/loadRouter.ts";
import {readRouterFile} from "../routing/learned/routerFile.ts";
import type {Router} from "../routing/Router.ts";
import {createRouter, ROUTER_KINDS, type RouterKind} from "../routing/routers.ts";
import {TlrError} from "../util/errors.ts";
import type {DemoRouter} from "./demoTypes.ts";

// Where each built-in kind's τ control starts, and the kinds whose τ is fixed by the kind.
const START: Record<RouterKind, number> = {"max-prob": 0.8, margin: 0.1, "neg-entropy": -0.5, random: 0.05, "always-small": 0, "always-large": 0, oracle: 0.5};
const FIXED = new Set<string>(["always-small", "always-large", "oracle"]);

/** The routers a demo offers: every built-in kind, then the learned routers of the given files. */
export interface DemoRouters {
  list: DemoRouter[];
  /** The router a request names (random with seed 0, as `tlr generate`'s default). */
  get(id: string): Promise<Router>;
  /** What the small model must be loaded with for the learned routers. */
  needs: {hidden: boolean; topK: number; distribution: boolean};
}

export async function demoRouters(files: readonly string[], smallModel: string): Promise<DemoRouters> {
  const learned: Router[] = [];
  const needs = {hidden: false, topK: 0, distribution: false};
  for (const file of files) {
    const kind = readRouterFile(file).kind;
    const n = await routerNeeds({kind, file}, [smallModel]);
    needs.hidden ||= n.hidden;
    needs.topK = Math.max(needs.topK, n.topK);
    needs.distribution ||= n.distribution;
    learned.push(await loadRouter({kind, file}, {smallModel}));
  }
  const list: DemoRouter[] = [
    ...ROUTER_KINDS.map((kind) => ({id: kind, name: kind, description: createRouter(kind).description, threshold: START[kind], fixed: FIXED.has(kind)})),
    ...learned.map((r, i) => ({id: `file:${i}`, name: r.name, description: r.description, threshold: 0.5, fixed: false})),
  ];
  return {
    list,
    needs,
    get: async (id) => {
      if (id.startsWith("file:")) {
        const router = learned[Number(id.slice("file:".length))];
        if (router) return router;
      } else if ((ROUTER_KINDS as string[]).includes(id)) return loadRouter({kind: id, seed: id === "random" ? 0 : undefined});
      throw new TlrError(`unknown router "${id}": use one of ${list.map((r) => r.id).join(", ")}`);
    },
  };
}

import {TlrError} from "../util/errors.ts";
import {checkRouterModel} from "./learned/checkRouterModel.ts";
import {createLearnedRouter} from "./learned/learnedRouter.ts";
import {isLearnedRouterKind, LEARNED_ROUTER_KINDS, readRouterFile} from "./learned/routerFile.ts";
import {createRouter, isRouterKind, ROUTER_KINDS, type RouterSpec} from "./routers.ts";
import type {Router} from "./Router.ts";

/** A router as configs and flags name it: its kind plus any arguments (a seed, a router file). */
export interface RouterRef {
  kind: string;
  seed?: number;
  /** A trained router's file (learned kinds). */
  file?: string;
}

export interface LoadRouterOptions {
  /** The small model's GGUF: a learned router trained for another model is refused (sha256, hidden size). */
  smallModel?: string;
}

/** Every kind `loadRouter` takes: the built-ins, then the learned ones (which take a file). */
export const ALL_ROUTER_KINDS: readonly string[] = [...ROUTER_KINDS, ...LEARNED_ROUTER_KINDS];

/**
 * Builds the router a config or command names: the entry point for every kind, built-in or
 * loaded from a file. Unknown kinds and arguments a kind does not take are TlrErrors.
 */
export async function loadRouter(ref: RouterRef, options: LoadRouterOptions = {}): Promise<Router> {
  if (isLearnedRouterKind(ref.kind)) {
    if (ref.file === undefined) throw new TlrError(`router ${ref.kind} needs a router file (tlr router train writes one)`);
    if (ref.seed !== undefined) throw new TlrError(`router ${ref.kind} takes no seed`);
    const file = readRouterFile(ref.file);
    if (file.kind !== ref.kind) throw new TlrError(`router file ${ref.file} holds a ${file.kind} router, not ${ref.kind}: name it as kind ${file.kind}`);
    if (options.smallModel !== undefined) await checkRouterModel(file, ref.file, options.smallModel);
    return createLearnedRouter(file, ref.file);
  }
  if (!isRouterKind(ref.kind)) throw new TlrError(`unknown router "${ref.kind}": use one of ${ALL_ROUTER_KINDS.join(", ")}`);
  if (ref.file !== undefined) throw new TlrError(`router ${ref.kind} takes no file`);
  if (ref.seed !== undefined && ref.kind !== "random") throw new TlrError(`router ${ref.kind} takes no seed`);
  const spec = (ref.kind === "random" ? {kind: "random", seed: ref.seed ?? 0} : {kind: ref.kind}) as RouterSpec;
  return createRouter(spec);
}

/** What a router needs of the small model's predictions. */
export interface RouterNeeds {
  hidden: boolean;
  topK: number;
  /** Reads more of the distribution than the top token and max-probability (see `Router.needsDistribution`). */
  distribution: boolean;
}

/**
 * What a router needs, read (for learned kinds) from its file without building it, after checking
 * the file against each small model it will run with: lets a sweep refuse a wrong router file and
 * choose how to load the small model before any weights load.
 */
export async function routerNeeds(ref: RouterRef, smallModels: readonly string[] = []): Promise<RouterNeeds> {
  if (!isLearnedRouterKind(ref.kind) || ref.file === undefined) return {hidden: false, topK: 0, distribution: ref.kind === "margin" || ref.kind === "neg-entropy"};
  const file = readRouterFile(ref.file);
  if (file.kind !== ref.kind) throw new TlrError(`router file ${ref.file} holds a ${file.kind} router, not ${ref.kind}: name it as kind ${file.kind}`);
  for (const model of smallModels) await checkRouterModel(file, ref.file, model);
  const f = file.features;
  return {hidden: f.hidden, topK: f.topLogprobs, distribution: f.topLogprobs > 0 || f.entropy || f.margin};
}

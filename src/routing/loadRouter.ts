import {TlrError} from "../util/errors.ts";
import {checkRouterModel} from "./learned/checkRouterModel.ts";
import {featureNeeds} from "./learned/featureSpec.ts";
import {createLearnedRouter} from "./learned/learnedRouter.ts";
import {readRouterFile, type RouterFile} from "./learned/routerFile.ts";
import {validateRouterRef, type RouterRef} from "./routerKinds.ts";
import {createRouter, type RouterSpec} from "./routers.ts";
import type {Router} from "./Router.ts";

export interface LoadRouterOptions {
  /** The small model's GGUF: a learned router trained for another model is refused (sha256, hidden size). */
  smallModel?: string;
}

/**
 * Builds the router a config or command names: the entry point for every kind, built-in or
 * loaded from a file. A ref that breaks the registry's rules (`validateRouterRef`) is a TlrError.
 */
export async function loadRouter(ref: RouterRef, options: LoadRouterOptions = {}): Promise<Router> {
  const info = validateRouterRef(ref);
  if (info.learned) {
    const file = routerFileOf(ref);
    if (options.smallModel !== undefined) await checkRouterModel(file, ref.file!, options.smallModel);
    return createLearnedRouter(file, ref.file!);
  }
  const spec = (info.seeded ? {kind: ref.kind, seed: ref.seed ?? 0} : {kind: ref.kind}) as RouterSpec;
  return createRouter(spec);
}

/** What a router needs of the small model's predictions (and of the large model's). */
export interface RouterNeeds {
  hidden: boolean;
  topK: number;
  /** Reads more of the distribution than the top token and max-probability (see `Router.needsDistribution`). */
  distribution: boolean;
  /** Needs the large model's prediction at every step (the oracle). */
  peeksLarge: boolean;
}

/**
 * What a router needs: the registry's entry for built-in kinds; for learned kinds, read from its
 * file without building it, after checking the file against each small model it will run with.
 * Lets a sweep refuse a wrong router file and choose how to load the small model before any
 * weights load.
 */
export async function routerNeeds(ref: RouterRef, smallModels: readonly string[] = []): Promise<RouterNeeds> {
  const info = validateRouterRef(ref);
  if (!info.learned) return {hidden: false, topK: 0, distribution: info.needsDistribution, peeksLarge: info.peeksLarge};
  const file = routerFileOf(ref);
  for (const model of smallModels) await checkRouterModel(file, ref.file!, model);
  return {...featureNeeds(file.features), peeksLarge: false};
}

/** A learned ref's router file, which must hold a router of the ref's kind. */
function routerFileOf(ref: RouterRef): RouterFile {
  const file = readRouterFile(ref.file!);
  if (file.kind !== ref.kind) throw new TlrError(`router file ${ref.file} holds a ${file.kind} router, not ${ref.kind}: name it as kind ${file.kind}`);
  return file;
}

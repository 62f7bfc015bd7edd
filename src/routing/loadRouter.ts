import {TlrError} from "../util/errors.ts";
import {createRouter, isRouterKind, ROUTER_KINDS, type RouterSpec} from "./routers.ts";
import type {Router} from "./Router.ts";

/** A router as configs and flags name it: its kind plus any arguments (a seed, a router file). */
export interface RouterRef {
  kind: string;
  seed?: number;
  /** A trained router's file (learned kinds). */
  file?: string;
}

/**
 * Builds the router a config or command names: the entry point for every kind, built-in or
 * loaded from a file. Unknown kinds and arguments a kind does not take are TlrErrors.
 */
export async function loadRouter(ref: RouterRef): Promise<Router> {
  if (!isRouterKind(ref.kind)) throw new TlrError(`unknown router "${ref.kind}": use one of ${ROUTER_KINDS.join(", ")}`);
  if (ref.file !== undefined) throw new TlrError(`router ${ref.kind} takes no file`);
  if (ref.seed !== undefined && ref.kind !== "random") throw new TlrError(`router ${ref.kind} takes no seed`);
  const spec = (ref.kind === "random" ? {kind: "random", seed: ref.seed ?? 0} : {kind: ref.kind}) as RouterSpec;
  return createRouter(spec);
}

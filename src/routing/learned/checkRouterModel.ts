import {inspectModelFile} from "../../models/gguf.ts";
import {sha256File} from "../../util/sha256.ts";
import {TlrError} from "../../util/errors.ts";
import type {RouterFile} from "./routerFile.ts";

/** n_embd of a GGUF model, from its header. */
export async function modelHiddenSize(path: string, role = "small model"): Promise<{name: string; hiddenSize: number}> {
  const file = await inspectModelFile(path, role);
  const meta = (file.info.metadata as unknown as Record<string, {embedding_length?: number} | undefined>)[file.architecture];
  const hiddenSize = Number(meta?.embedding_length);
  if (!Number.isInteger(hiddenSize) || hiddenSize <= 0) throw new TlrError(`${role} file ${path} has no ${file.architecture}.embedding_length in its header`);
  return {name: file.name, hiddenSize};
}

/**
 * Refuses a router trained for another small model: its features (hidden states above all, but
 * also log-probabilities) mean nothing for other weights. The hidden size is compared first, as
 * it makes the router unusable whatever the file; then the sha256 of the GGUF file.
 */
export async function checkRouterModel(router: RouterFile, routerPath: string, smallModelPath: string): Promise<void> {
  const {name, hiddenSize} = await modelHiddenSize(smallModelPath);
  const trained = `${router.model.name}${router.model.sha256 ? ` (sha256 ${router.model.sha256.slice(0, 12)}…)` : ""}`;
  if (router.model.hiddenSize !== hiddenSize) {
    throw new TlrError(
      `router file ${routerPath} was trained for ${trained} with hidden size ${router.model.hiddenSize}, but the small model ${smallModelPath} (${name}) has hidden size ${hiddenSize}: train a router for this model (tlr router collect, tlr router train) or use the model it was made for`,
    );
  }
  if (router.model.sha256 === null) return;
  const sha = await sha256File(smallModelPath);
  if (sha !== router.model.sha256) {
    throw new TlrError(
      `router file ${routerPath} was trained for ${trained}, not for the small model ${smallModelPath} (${name}, sha256 ${sha.slice(0, 12)}…): train a router for this model (tlr router collect, tlr router train) or use the model it was made for`,
    );
  }
}

import type {Llama, LlamaModel} from "node-llama-cpp";

/**
 * Reuses node-llama-cpp's native samplers instead of making one per evaluation.
 *
 * node-llama-cpp 3.22.1 creates a native sampler (`AddonSampler`) for every
 * `controlledEvaluate` and frees it afterwards; the constructor allocates a candidate entry per
 * vocabulary row on the JS main thread: ~6 ms for Qwen2's 151,936 rows on the 2-core VM
 * (bench/README.md, "Lanes"), a quarter of a 0.5B model's decode, paid per model call and, with
 * lanes, once per lane in turn while the cores wait. A sampler is stateless between uses once its
 * chain is configured again (node-llama-cpp's own generation loop keeps one sampler for a whole
 * generation and calls `applyConfig` before each token), so the samplers a disposed evaluation
 * leaves are kept per model and handed to the next evaluation: the same tokens and numbers.
 *
 * Installed once per runtime (runtime.ts); `releasePooledSamplers(model)` frees a model's samplers
 * when its weights are disposed (LocalWeights.dispose).
 */
interface NativeSampler {
  dispose(): void;
}
type NativeSamplerClass = new (model: unknown) => NativeSampler;
interface Bindings {
  AddonSampler?: NativeSamplerClass & {[UNPOOLED]?: NativeSamplerClass};
}

const UNPOOLED = Symbol("tlr.unpooledAddonSampler");
const pools = new WeakMap<object, NativeSampler[]>();

const bindingsOf = (llama: Llama) => (llama as unknown as {_bindings?: Bindings})._bindings;

/** Makes `new AddonSampler(model)` take a pooled sampler of that model where one is free; idempotent. */
export function poolSamplers(llama: Llama): void {
  const bindings = bindingsOf(llama);
  const Native = bindings?.AddonSampler;
  if (typeof Native !== "function" || Native[UNPOOLED]) return; // not this version's internals, or already pooled
  function PooledAddonSampler(model: object): NativeSampler {
    const pool = pools.get(model);
    const sampler = pool?.pop() ?? new Native!(model);
    // Shadow dispose on the instance (the addon's methods are read-only on its prototype).
    Object.defineProperty(sampler, "dispose", {
      configurable: true,
      writable: true,
      value: () => {
        let free = pools.get(model);
        if (!free) pools.set(model, (free = []));
        free.push(sampler);
      },
    });
    return sampler;
  }
  // Static members (grammar helpers) stay reachable through the prototype chain.
  Object.setPrototypeOf(PooledAddonSampler, Native);
  Object.defineProperty(PooledAddonSampler, UNPOOLED, {value: Native});
  bindings!.AddonSampler = PooledAddonSampler as unknown as NativeSamplerClass;
}

/** The addon's own sampler class, for samplers that keep a configuration of their own (topLogits.ts). */
export function unpooledSamplerClass(llama: Llama): NativeSamplerClass | undefined {
  const Native = bindingsOf(llama)?.AddonSampler;
  return Native?.[UNPOOLED] ?? Native;
}

/** Frees the pooled samplers of `model` (call before disposing it). */
export function releasePooledSamplers(model: LlamaModel): void {
  const native = (model as unknown as {_model?: object})._model;
  if (!native) return;
  const pool = pools.get(native);
  pools.delete(native);
  for (const sampler of pool ?? []) Object.getPrototypeOf(sampler).dispose.call(sampler);
}

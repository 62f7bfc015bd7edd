import {z} from "zod";

/**
 * A feed-forward router network in inference form, as PyTorch would run it in eval mode:
 * Linear (y = W x + b, W row-major out × in), BatchNorm with running statistics, ReLU; the
 * output is one logit and the router's score is its sigmoid (a confidence that the small model's
 * token is fine: route when it is below τ). Dropout is the identity at inference.
 */
export type Layer =
  | {type: "linear"; in: number; out: number; weight: Float32Array; bias: Float32Array}
  | {type: "batchnorm"; size: number; mean: Float32Array; variance: Float32Array; gamma: Float32Array; beta: Float32Array; eps: number}
  | {type: "relu"};

/** Inputs are standardised first with the training set's statistics: (x − mean) / std. */
export interface Network {
  inputMean: Float32Array;
  inputStd: Float32Array;
  layers: Layer[];
}

/** The network's output logit for one feature vector. */
export function networkLogit(net: Network, x: Float32Array): number {
  let v = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) v[i] = (x[i]! - net.inputMean[i]!) / net.inputStd[i]!;
  for (const layer of net.layers) {
    if (layer.type === "linear") {
      const y = new Float32Array(layer.out);
      for (let o = 0; o < layer.out; o++) {
        let s = layer.bias[o]!;
        const row = o * layer.in;
        for (let i = 0; i < layer.in; i++) s += layer.weight[row + i]! * v[i]!;
        y[o] = s;
      }
      v = y;
    } else if (layer.type === "batchnorm") {
      for (let i = 0; i < layer.size; i++) v[i] = ((v[i]! - layer.mean[i]!) / Math.sqrt(layer.variance[i]! + layer.eps)) * layer.gamma[i]! + layer.beta[i]!;
    } else {
      for (let i = 0; i < v.length; i++) if (v[i]! < 0) v[i] = 0;
    }
  }
  return v[0]!;
}

export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Float32 arrays travel in router files as base64 of their little-endian bytes (compact, exact). */
export function encodeFloats(a: Float32Array): string {
  const bytes = new Uint8Array(a.length * 4);
  const view = new DataView(bytes.buffer);
  a.forEach((x, i) => view.setFloat32(i * 4, x, true));
  return Buffer.from(bytes).toString("base64");
}

export function decodeFloats(s: string): Float32Array {
  const bytes = Buffer.from(s, "base64");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  return Float32Array.from({length: Math.floor(bytes.length / 4)}, (_, i) => view.getFloat32(i * 4, true));
}

const floats = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, "base64 of little-endian float32 values");

/** Router-file form of the layers (arrays as base64). */
export const LayerSchema = z.discriminatedUnion("type", [
  z.object({type: z.literal("linear"), in: z.number().int().positive(), out: z.number().int().positive(), weight: floats, bias: floats}).strict(),
  z.object({type: z.literal("batchnorm"), size: z.number().int().positive(), mean: floats, variance: floats, gamma: floats, beta: floats, eps: z.number().positive()}).strict(),
  z.object({type: z.literal("relu")}).strict(),
]);

export type LayerJson = z.output<typeof LayerSchema>;

export function layerToJson(l: Layer): LayerJson {
  if (l.type === "linear") return {type: "linear", in: l.in, out: l.out, weight: encodeFloats(l.weight), bias: encodeFloats(l.bias)};
  if (l.type === "batchnorm") return {type: "batchnorm", size: l.size, mean: encodeFloats(l.mean), variance: encodeFloats(l.variance), gamma: encodeFloats(l.gamma), beta: encodeFloats(l.beta), eps: l.eps};
  return {type: "relu"};
}

/** Decodes and checks the shapes chain from `inputs` to one output; a problem is returned as a message. */
export function layersFromJson(json: LayerJson[], inputs: number): Layer[] | string {
  let width = inputs;
  const layers: Layer[] = [];
  for (const [i, l] of json.entries()) {
    const at = `layers[${i}]`;
    const sized = (name: string, a: Float32Array, n: number) => (a.length === n ? undefined : `${at}.${name}: ${a.length} values where ${n} are expected`);
    if (l.type === "linear") {
      if (l.in !== width) return `${at}: takes ${l.in} inputs but the layer before gives ${width}`;
      const layer = {type: "linear" as const, in: l.in, out: l.out, weight: decodeFloats(l.weight), bias: decodeFloats(l.bias)};
      const bad = sized("weight", layer.weight, l.in * l.out) ?? sized("bias", layer.bias, l.out);
      if (bad) return bad;
      layers.push(layer);
      width = l.out;
    } else if (l.type === "batchnorm") {
      if (l.size !== width) return `${at}: normalises ${l.size} values but the layer before gives ${width}`;
      const layer = {type: "batchnorm" as const, size: l.size, mean: decodeFloats(l.mean), variance: decodeFloats(l.variance), gamma: decodeFloats(l.gamma), beta: decodeFloats(l.beta), eps: l.eps};
      const bad = sized("mean", layer.mean, l.size) ?? sized("variance", layer.variance, l.size) ?? sized("gamma", layer.gamma, l.size) ?? sized("beta", layer.beta, l.size);
      if (bad) return bad;
      layers.push(layer);
    } else layers.push({type: "relu"});
  }
  if (width !== 1) return `the last layer gives ${width} outputs where 1 (a logit) is expected`;
  return layers;
}

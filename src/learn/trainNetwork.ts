import {networkLogit, type Layer} from "../routing/learned/network.ts";

/**
 * Training of the small router networks, by hand: minibatch Adam on binary cross-entropy with
 * BatchNorm (batch statistics in training, running ones at inference, PyTorch's momentum 0.1 and
 * unbiased running variance), ReLU and inverted dropout, in Float32Arrays.
 *
 * Why not a library: the networks are tiny (CITER's h → 2h → h → 1; h = 64 + a few logit
 * features on the toy pair), so a JavaScript loop trains one in minutes on a laptop CPU; the npm
 * options either pull a native download at install (tfjs-node) or are a large pure-JS framework
 * no faster than this loop (tfjs-core + tfjs-layers, unmaintained since 2024); and exact control of
 * the layers keeps the trained network identical to its inference form here and to the PyTorch
 * module the ONNX export rebuilds. For a 0.5B model's 896-wide hidden state it is slow (see
 * README, "Learned routers"): train such routers in PyTorch and load them as ONNX.
 */
export interface TrainNetworkOptions {
  /** Layer widths from input to output, e.g. [d, 2d, d, 1] (CITER) or [d, 1] (logistic regression). */
  widths: number[];
  /** BatchNorm after each hidden linear layer (CITER: yes). */
  batchNorm: boolean;
  dropout: number;
  learningRate: number;
  /** Decoupled weight decay (AdamW) on the linear weights. */
  weightDecay: number;
  batchSize: number;
  maxEpochs: number;
  /** Stop after this many epochs without a lower validation loss; the best epoch's weights are kept. */
  patience: number;
  seed: number;
  /** Weight of label-0 examples in the loss (1: plain BCE). */
  negativeWeight: number;
  onEpoch?: (e: EpochReport) => void;
  /**
   * Resume and keep a long training: `load` gives the state a killed run saved (undefined: start
   * anew), `save` is handed the whole state after every epoch (write it atomically). A resumed run
   * continues exactly where the saved one was: same weights, optimiser moments, shuffles and
   * dropout masks, so its result equals an uninterrupted run's.
   */
  checkpoint?: {load(): TrainState | undefined; save(state: TrainState): void};
}

/** Everything a training needs to go on after an epoch: weights, Adam moments, BatchNorm statistics, the generator, the order, the best epoch. */
export interface TrainState {
  epoch: number;
  step: number;
  rng: [number, number];
  order: Uint32Array;
  linears: {w: Float32Array; b: Float32Array; adam: Float32Array[]}[];
  norms: {gamma: Float32Array; beta: Float32Array; runMean: Float32Array; runVar: Float32Array; adam: Float32Array[]}[];
  best: {loss: number; epoch: number; layers: Layer[]};
  history: EpochReport[];
}

export interface EpochReport {
  epoch: number;
  trainLoss: number;
  validationLoss: number;
  best: boolean;
}

export interface Dataset {
  /** Row-major n × d features, already standardised. */
  x: Float32Array;
  y: Uint8Array;
  n: number;
  d: number;
}

interface Linear {
  in: number;
  out: number;
  w: Float32Array;
  b: Float32Array;
  gw: Float32Array;
  gb: Float32Array;
  adam: Float32Array[]; // m_w, v_w, m_b, v_b
}

interface Norm {
  size: number;
  gamma: Float32Array;
  beta: Float32Array;
  ggamma: Float32Array;
  gbeta: Float32Array;
  runMean: Float32Array;
  runVar: Float32Array;
  adam: Float32Array[];
}

const EPS = 1e-5;
const MOMENTUM = 0.1;

/** A small seeded generator (xorshift128+ folded to 32 bits): initialisation, shuffles and dropout masks. */
export class Rng {
  private s0: number;
  private s1: number;
  get state(): [number, number] {
    return [this.s0, this.s1];
  }
  set state([s0, s1]: [number, number]) {
    this.s0 = s0;
    this.s1 = s1;
  }
  constructor(seed: number) {
    this.s0 = (seed ^ 0x9e3779b9) | 1;
    this.s1 = Math.imul(seed + 0x7f4a7c15, 0x85ebca6b) | 2;
    for (let i = 0; i < 8; i++) this.next();
  }
  next(): number {
    let x = this.s0;
    const y = this.s1;
    this.s0 = y;
    x ^= x << 23;
    x ^= x >>> 17;
    x ^= y ^ (y >>> 26);
    this.s1 = x;
    return ((this.s0 + this.s1) >>> 0) / 4294967296;
  }
}

function linear(nIn: number, nOut: number, rng: Rng): Linear {
  // PyTorch's default: U(−1/√in, 1/√in) for weights and biases.
  const bound = 1 / Math.sqrt(nIn);
  const w = Float32Array.from({length: nIn * nOut}, () => (2 * rng.next() - 1) * bound);
  const b = Float32Array.from({length: nOut}, () => (2 * rng.next() - 1) * bound);
  const zeros = (n: number) => new Float32Array(n);
  return {in: nIn, out: nOut, w, b, gw: zeros(w.length), gb: zeros(nOut), adam: [zeros(w.length), zeros(w.length), zeros(nOut), zeros(nOut)]};
}

function norm(size: number): Norm {
  const zeros = () => new Float32Array(size);
  return {size, gamma: new Float32Array(size).fill(1), beta: zeros(), ggamma: zeros(), gbeta: zeros(), runMean: zeros(), runVar: new Float32Array(size).fill(1), adam: [zeros(), zeros(), zeros(), zeros()]};
}

/** Trains a network on `train`, early-stopped on `validation`; returns its inference layers and the history. */
export function trainNetwork(train: Dataset, validation: Dataset, o: TrainNetworkOptions): {layers: Layer[]; history: EpochReport[]; bestEpoch: number} {
  const rng = new Rng(o.seed);
  const linears = o.widths.slice(1).map((w, i) => linear(o.widths[i]!, w, rng));
  const norms = o.batchNorm ? linears.slice(0, -1).map((l) => norm(l.out)) : [];
  let history: EpochReport[] = [];
  let best = {loss: Number.POSITIVE_INFINITY, epoch: 0, layers: snapshot(linears, norms)};
  let step = 0;
  let order: Uint32Array = Uint32Array.from({length: train.n}, (_, i) => i);
  let first = 1;
  const saved = o.checkpoint?.load();
  if (saved) {
    ({step, order, best, history} = saved);
    rng.state = saved.rng;
    linears.forEach((l, k) => Object.assign(l, saved.linears[k]));
    norms.forEach((n, k) => Object.assign(n, saved.norms[k]));
    first = saved.epoch + 1;
    if (saved.epoch - best.epoch >= o.patience) first = o.maxEpochs + 1; // it had stopped early
  }
  for (let epoch = first; epoch <= o.maxEpochs; epoch++) {
    for (let i = train.n - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let lossSum = 0;
    for (let start = 0; start < train.n; start += o.batchSize) {
      const rows = order.subarray(start, Math.min(train.n, start + o.batchSize));
      if (rows.length < 2 && o.batchNorm) continue; // batch statistics need two rows
      lossSum += trainBatch(linears, norms, train, rows, o, rng, ++step);
    }
    const validationLoss = meanLoss(snapshot(linears, norms), validation, o.negativeWeight);
    const improved = validationLoss < best.loss - 1e-6;
    if (improved) best = {loss: validationLoss, epoch, layers: snapshot(linears, norms)};
    const report = {epoch, trainLoss: lossSum / train.n, validationLoss, best: improved};
    history.push(report);
    o.onEpoch?.(report);
    o.checkpoint?.save({
      epoch, step, rng: rng.state, order, best, history,
      linears: linears.map((l) => ({w: l.w, b: l.b, adam: l.adam})),
      norms: norms.map((n) => ({gamma: n.gamma, beta: n.beta, runMean: n.runMean, runVar: n.runVar, adam: n.adam})),
    });
    if (epoch - best.epoch >= o.patience) break;
  }
  return {layers: best.layers, history, bestEpoch: best.epoch};
}

/** One Adam step on a minibatch; returns the batch's summed (weighted) loss. */
function trainBatch(linears: Linear[], norms: Norm[], data: Dataset, rows: Uint32Array, o: TrainNetworkOptions, rng: Rng, step: number): number {
  const B = rows.length;
  // Forward, keeping what backward needs.
  let a: Float32Array = new Float32Array(B * data.d);
  rows.forEach((r, i) => a.set(data.x.subarray(r * data.d, (r + 1) * data.d), i * data.d));
  const inputs: Float32Array[] = [];
  const normCache: {xhat: Float32Array; invStd: Float32Array}[] = [];
  const masks: Float32Array[] = [];
  for (const [k, l] of linears.entries()) {
    inputs.push(a);
    let z: Float32Array = matmulForward(a, l, B);
    if (k < linears.length - 1) {
      if (o.batchNorm) {
        const c = batchNormForward(z, norms[k]!, B);
        normCache.push(c);
        z = c.out;
      }
      const mask = new Float32Array(z.length);
      const keep = 1 - o.dropout;
      for (let i = 0; i < z.length; i++) {
        const alive = z[i]! > 0 && (o.dropout === 0 || rng.next() < keep);
        mask[i] = alive ? 1 / keep : 0;
        z[i] = z[i]! * mask[i]!;
      }
      masks.push(mask);
    }
    a = z;
  }
  // BCE with logits: dL/dz = w (σ(z) − y), averaged over the batch.
  let loss = 0;
  let g: Float32Array = new Float32Array(B);
  rows.forEach((r, i) => {
    const y = data.y[r]!;
    const w = y === 0 ? o.negativeWeight : 1;
    const z = a[i]!;
    loss += w * (Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z))));
    g[i] = (w * (1 / (1 + Math.exp(-z)) - y)) / B;
  });
  for (let k = linears.length - 1; k >= 0; k--) {
    const l = linears[k]!;
    if (k < linears.length - 1) {
      const mask = masks[k]!; // ReLU and dropout together
      for (let i = 0; i < g.length; i++) g[i] = g[i]! * mask[i]!;
      if (o.batchNorm) g = batchNormBackward(g, norms[k]!, normCache[k]!, B);
    }
    g = matmulBackward(g, inputs[k]!, l, B, k > 0);
  }
  for (const l of linears) {
    adam(l.w, l.gw, l.adam[0]!, l.adam[1]!, o.learningRate, step, o.weightDecay);
    adam(l.b, l.gb, l.adam[2]!, l.adam[3]!, o.learningRate, step, 0);
  }
  for (const n of norms) {
    adam(n.gamma, n.ggamma, n.adam[0]!, n.adam[1]!, o.learningRate, step, 0);
    adam(n.beta, n.gbeta, n.adam[2]!, n.adam[3]!, o.learningRate, step, 0);
  }
  return loss;
}

function matmulForward(x: Float32Array, l: Linear, B: number): Float32Array {
  const y = new Float32Array(B * l.out);
  for (let i = 0; i < B; i++) {
    const xo = i * l.in;
    for (let o = 0; o < l.out; o++) {
      let s = l.b[o]!;
      const wo = o * l.in;
      for (let j = 0; j < l.in; j++) s += l.w[wo + j]! * x[xo + j]!;
      y[i * l.out + o] = s;
    }
  }
  return y;
}

/** Sets the layer's gradients from dL/dy; returns dL/dx when asked. */
function matmulBackward(gy: Float32Array, x: Float32Array, l: Linear, B: number, needInput: boolean): Float32Array {
  l.gw.fill(0);
  l.gb.fill(0);
  const gx = needInput ? new Float32Array(B * l.in) : new Float32Array(0);
  for (let i = 0; i < B; i++) {
    const xo = i * l.in;
    for (let o = 0; o < l.out; o++) {
      const g = gy[i * l.out + o]!;
      if (g === 0) continue;
      l.gb[o] = l.gb[o]! + g;
      const wo = o * l.in;
      for (let j = 0; j < l.in; j++) {
        l.gw[wo + j] = l.gw[wo + j]! + g * x[xo + j]!;
        if (needInput) gx[xo + j] = gx[xo + j]! + g * l.w[wo + j]!;
      }
    }
  }
  return gx;
}

function batchNormForward(z: Float32Array, n: Norm, B: number): {out: Float32Array; xhat: Float32Array; invStd: Float32Array} {
  const C = n.size;
  const mean = new Float32Array(C);
  const variance = new Float32Array(C);
  for (let i = 0; i < B; i++) for (let c = 0; c < C; c++) mean[c] = mean[c]! + z[i * C + c]! / B;
  for (let i = 0; i < B; i++) for (let c = 0; c < C; c++) variance[c] = variance[c]! + (z[i * C + c]! - mean[c]!) ** 2 / B;
  const invStd = Float32Array.from(variance, (v) => 1 / Math.sqrt(v + EPS));
  const xhat = new Float32Array(z.length);
  const out = new Float32Array(z.length);
  for (let i = 0; i < B; i++) {
    for (let c = 0; c < C; c++) {
      const k = i * C + c;
      xhat[k] = (z[k]! - mean[c]!) * invStd[c]!;
      out[k] = n.gamma[c]! * xhat[k]! + n.beta[c]!;
    }
  }
  for (let c = 0; c < C; c++) {
    n.runMean[c] = (1 - MOMENTUM) * n.runMean[c]! + MOMENTUM * mean[c]!;
    n.runVar[c] = (1 - MOMENTUM) * n.runVar[c]! + MOMENTUM * variance[c]! * (B / (B - 1));
  }
  return {out, xhat, invStd};
}

function batchNormBackward(g: Float32Array, n: Norm, c: {xhat: Float32Array; invStd: Float32Array}, B: number): Float32Array {
  const C = n.size;
  n.ggamma.fill(0);
  n.gbeta.fill(0);
  for (let i = 0; i < B; i++) {
    for (let k = 0; k < C; k++) {
      n.ggamma[k] = n.ggamma[k]! + g[i * C + k]! * c.xhat[i * C + k]!;
      n.gbeta[k] = n.gbeta[k]! + g[i * C + k]!;
    }
  }
  const gx = new Float32Array(g.length);
  for (let i = 0; i < B; i++) {
    for (let k = 0; k < C; k++) {
      const j = i * C + k;
      // dx = γ/σ · (g − mean(g) − x̂ · mean(g · x̂))
      gx[j] = (n.gamma[k]! * c.invStd[k]! * (B * g[j]! - n.gbeta[k]! - c.xhat[j]! * n.ggamma[k]!)) / B;
    }
  }
  return gx;
}

function adam(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, lr: number, t: number, decay: number): void {
  const b1 = 0.9;
  const b2 = 0.999;
  const c1 = 1 - b1 ** t;
  const c2 = 1 - b2 ** t;
  for (let i = 0; i < p.length; i++) {
    m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
    v[i] = b2 * v[i]! + (1 - b2) * g[i]! * g[i]!;
    p[i] = p[i]! - lr * ((m[i]! / c1) / (Math.sqrt(v[i]! / c2) + 1e-8) + decay * p[i]!);
  }
}

/** The current weights in inference form (copies). */
function snapshot(linears: Linear[], norms: Norm[]): Layer[] {
  const layers: Layer[] = [];
  linears.forEach((l, k) => {
    layers.push({type: "linear", in: l.in, out: l.out, weight: Float32Array.from(l.w), bias: Float32Array.from(l.b)});
    if (k < linears.length - 1) {
      const n = norms[k];
      if (n) layers.push({type: "batchnorm", size: n.size, mean: Float32Array.from(n.runMean), variance: Float32Array.from(n.runVar), gamma: Float32Array.from(n.gamma), beta: Float32Array.from(n.beta), eps: EPS});
      layers.push({type: "relu"});
    }
  });
  return layers;
}

/** Mean (weighted) BCE of inference-form layers on a dataset. */
function meanLoss(layers: Layer[], data: Dataset, negativeWeight: number): number {
  const net = {inputMean: new Float32Array(data.d), inputStd: new Float32Array(data.d).fill(1), layers};
  let loss = 0;
  for (let r = 0; r < data.n; r++) {
    const z = networkLogit(net, data.x.subarray(r * data.d, (r + 1) * data.d));
    const y = data.y[r]!;
    loss += (y === 0 ? negativeWeight : 1) * (Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z))));
  }
  return loss / Math.max(1, data.n);
}

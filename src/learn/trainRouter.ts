import {readFileSync} from "node:fs";
import {createHash} from "node:crypto";
import {codeVersion} from "../results/provenance.ts";
import {PyRandom} from "../util/PyRandom.ts";
import {TlrError} from "../util/errors.ts";
import {describeFeatureSpec, featureDimension, featureVector, type FeatureSpec, type StepFeatures} from "../routing/learned/featureSpec.ts";
import type {LabelRow} from "./collectLabels.ts";
import {readLabels, type LabelsMetadata} from "./labelFile.ts";
import {rocAuc} from "./metrics.ts";
import {encodeFloats, layerToJson, networkLogit, sigmoid, type Network} from "../routing/learned/network.ts";
import type {RouterFileInput} from "../routing/learned/routerFile.ts";
import {fileCheckpoint} from "./trainCheckpoint.ts";
import {trainNetwork, type EpochReport} from "./trainNetwork.ts";

export interface TrainRouterOptions {
  /** Labels files written by `tlr router collect` (all for the same small model). */
  data: readonly string[];
  kind: "mlp" | "logreg";
  features: FeatureSpec;
  /** Fraction of the questions (never of tokens) held out for early stopping. Default 0.15. */
  validationFraction?: number;
  seed?: number;
  maxEpochs?: number;
  patience?: number;
  batchSize?: number;
  learningRate?: number;
  weightDecay?: number;
  /** MLP dropout (CITER: 0.1). */
  dropout?: number;
  /** MLP widths as multiples of the input size (CITER: [2, 1]: h → 2h → h → 1). */
  hiddenMultiples?: number[];
  /** Loss weight of label-0 tokens (default 1: CITER's plain BCE). */
  negativeWeight?: number;
  onEpoch?: (e: EpochReport) => void;
  /**
   * A file to keep the training's state in after every epoch (`tlr router train` uses
   * `<out>.checkpoint`): a killed training of the same data and options resumes from it, with the
   * result of an uninterrupted one. The caller removes it once the router file is written.
   */
  checkpoint?: string;
  onInfo?: (message: string) => void;
}

export interface TrainedRouter {
  file: RouterFileInput;
  trainQuestions: number;
  validationQuestions: number;
  trainTokens: number;
  validationTokens: number;
  bestEpoch: number;
  epochs: number;
  /** On the validation questions: the router's AUC and, for comparison, the small model's max-probability's. */
  validationAuc: number;
  validationMaxProbAuc: number;
}

/**
 * The validation questions: a seeded fraction of the question ids (never of tokens), so no
 * question has tokens on both sides of the split.
 */
export function validationQuestions(questionIds: readonly string[], fraction: number, seed: number): Set<string> {
  const shuffled = [...new Set(questionIds)];
  new PyRandom(seed).shuffle(shuffled);
  const n = Math.max(1, Math.round(fraction * shuffled.length));
  if (shuffled.length - n < 1) throw new TlrError(`train: ${shuffled.length} question(s) cannot be split into training and validation: collect more`);
  return new Set(shuffled.slice(0, n));
}

/** A labels row's step features. */
export function rowFeatures(r: LabelRow): StepFeatures {
  return {hidden: r.hidden.length ? r.hidden : null, topLogprobs: r.smallTopLogprobs, entropy: r.smallEntropy, margin: r.smallMargin};
}

/**
 * Trains a router from collected labels: features standardised with the training questions'
 * statistics, train/validation split by question (a question's tokens are never on both sides),
 * early stopping on validation loss. MLP: CITER's shape by default (h → 2h → h → 1, BatchNorm,
 * ReLU, dropout 0.1, sigmoid, BCE); logreg: one linear layer.
 */
export function trainRouter(o: TrainRouterOptions): TrainedRouter {
  if (o.data.length === 0) throw new TlrError("train: give at least one labels file (tlr router collect writes them)");
  const loaded = o.data.map((path) => ({path, ...readLabels(path)}));
  const meta = loaded[0]!.metadata;
  for (const l of loaded) {
    if (l.metadata.small.sha256 !== meta.small.sha256) throw new TlrError(`${l.path} was collected with another small model (${l.metadata.small.name}) than ${loaded[0]!.path} (${meta.small.name}): train on one model's labels`);
    if (l.metadata.small.topK < o.features.topLogprobs) throw new TlrError(`${l.path} holds ${l.metadata.small.topK} top log-probabilities per token, fewer than the ${o.features.topLogprobs} the features ask for: lower topK in --features or collect with --top-k ${o.features.topLogprobs}`);
  }
  const rows = loaded.flatMap((l, f) => l.rows.map((r) => ({...r, questionId: `${f}:${r.questionId}`})));
  if (o.features.hidden && rows.some((r) => r.hidden.length !== meta.small.hiddenSize)) {
    throw new TlrError(`the features ask for hidden states, but ${o.data.join(", ")} holds none (or of another size): collect with hidden states, or drop "hidden" from --features`);
  }

  const questions = [...new Set(rows.map((r) => r.questionId))];
  const validationIds = validationQuestions(questions, o.validationFraction ?? 0.15, o.seed ?? 0);
  const nValidation = validationIds.size;
  const trainRows = rows.filter((r) => !validationIds.has(r.questionId));
  const validationRows = rows.filter((r) => validationIds.has(r.questionId));
  for (const [name, part] of [["training", trainRows], ["validation", validationRows]] as const) {
    const zeros = part.filter((r) => r.label === 0).length;
    if (zeros === 0 || zeros === part.length) throw new TlrError(`train: the ${name} questions hold only label-${zeros ? 0 : 1} tokens: collect more questions`);
  }

  const d = featureDimension(o.features, meta.small.hiddenSize);
  const matrix = (part: LabelRow[]) => {
    const x = new Float32Array(part.length * d);
    part.forEach((r, i) => featureVector(o.features, rowFeatures(r), meta.small.hiddenSize, x.subarray(i * d, (i + 1) * d)));
    return x;
  };
  const xTrain = matrix(trainRows);
  const xValidation = matrix(validationRows);
  const {mean, std} = standardisation(xTrain, trainRows.length, d);
  standardise(xTrain, mean, std);
  standardise(xValidation, mean, std);

  const mlp = o.kind === "mlp";
  const widths = mlp ? [d, ...(o.hiddenMultiples ?? [2, 1]).map((m) => Math.max(1, Math.round(m * d))), 1] : [d, 1];
  const settings = {
    widths,
    batchNorm: mlp,
    dropout: mlp ? (o.dropout ?? 0.1) : 0,
    learningRate: o.learningRate ?? (mlp ? 1e-3 : 1e-2),
    weightDecay: o.weightDecay ?? (mlp ? 0 : 1e-4),
    batchSize: o.batchSize ?? 256,
    maxEpochs: o.maxEpochs ?? 50,
    patience: o.patience ?? 5,
    seed: o.seed ?? 0,
    negativeWeight: o.negativeWeight ?? 1,
  };
  const labels = (part: LabelRow[]) => Uint8Array.from(part, (r) => r.label);
  // The checkpoint belongs to these data files (by content) and these settings and features.
  const key = o.checkpoint === undefined ? "" : createHash("sha256").update(JSON.stringify({data: o.data.map((p) => createHash("sha256").update(readFileSync(p)).digest("hex")), features: o.features, validation: o.validationFraction ?? 0.15, settings})).digest("hex");
  const checkpoint = o.checkpoint === undefined ? undefined : fileCheckpoint(o.checkpoint, key, o.onInfo);
  const result = trainNetwork({x: xTrain, y: labels(trainRows), n: trainRows.length, d}, {x: xValidation, y: labels(validationRows), n: validationRows.length, d}, {...settings, onEpoch: o.onEpoch, checkpoint});

  const network: Network = {inputMean: mean, inputStd: std, layers: result.layers};
  const identity: Network = {...network, inputMean: new Float32Array(d), inputStd: new Float32Array(d).fill(1)};
  const validationScores = validationRows.map((_, i) => sigmoid(networkLogit(identity, xValidation.subarray(i * d, (i + 1) * d))));
  const validationLabels = validationRows.map((r) => r.label);
  const validationAuc = rocAuc(validationScores, validationLabels);
  const validationMaxProbAuc = rocAuc(validationRows.map((r) => r.smallMaxProb), validationLabels);
  const best = result.history[result.bestEpoch - 1];
  const file: RouterFileInput = {
    format: "tlr-router",
    version: 1,
    kind: o.kind,
    features: o.features,
    model: {name: meta.small.name, sha256: meta.small.sha256, hiddenSize: meta.small.hiddenSize},
    network: {inputMean: encodeFloats(mean), inputStd: encodeFloats(std), layers: result.layers.map(layerToJson)},
    training: {
      data: loaded.map((l) => ({path: l.path, sha256: createHash("sha256").update(readFileSync(l.path)).digest("hex"), dataset: l.metadata.dataset, reference: l.metadata.reference, large: l.metadata.large.name})),
      features: describeFeatureSpec(o.features),
      split: {by: "question", seed: o.seed ?? 0, trainQuestions: questions.length - nValidation, validationQuestions: nValidation, trainTokens: trainRows.length, validationTokens: validationRows.length},
      settings,
      bestEpoch: result.bestEpoch,
      epochs: result.history.length,
      validationLoss: best?.validationLoss ?? null,
      validationAuc,
      validationMaxProbAuc,
      code: codeVersion(),
      createdAt: new Date().toISOString(),
    },
  };
  return {
    file,
    trainQuestions: questions.length - nValidation,
    validationQuestions: nValidation,
    trainTokens: trainRows.length,
    validationTokens: validationRows.length,
    bestEpoch: result.bestEpoch,
    epochs: result.history.length,
    validationAuc,
    validationMaxProbAuc,
  };
}

function standardisation(x: Float32Array, n: number, d: number): {mean: Float32Array; std: Float32Array} {
  const mean = new Float32Array(d);
  const std = new Float32Array(d);
  const m = new Float64Array(d);
  const v = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) m[j] = m[j]! + x[i * d + j]! / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) v[j] = v[j]! + (x[i * d + j]! - m[j]!) ** 2 / n;
  for (let j = 0; j < d; j++) {
    mean[j] = m[j]!;
    // A constant feature is left as it is (divided by 1), never by 0.
    std[j] = Math.sqrt(v[j]!) > 1e-6 ? Math.sqrt(v[j]!) : 1;
  }
  return {mean, std};
}

function standardise(x: Float32Array, mean: Float32Array, std: Float32Array): void {
  const d = mean.length;
  for (let i = 0; i < x.length; i++) x[i] = (x[i]! - mean[i % d]!) / std[i % d]!;
}

export type {LabelsMetadata};

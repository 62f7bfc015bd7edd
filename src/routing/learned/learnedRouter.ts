import {createHash} from "node:crypto";
import {readFileSync} from "node:fs";
import {basename} from "node:path";
import type {Router} from "../Router.ts";
import {describeFeatureSpec, featureDimension, featureNeeds, featureVector, predictionFeatures, type FeatureSpec} from "./featureSpec.ts";
import {decodeFloats, layersFromJson, networkLogit, sigmoid, type Network} from "./network.ts";
import {TlrError} from "../../util/errors.ts";
import {onnxScorer} from "./onnxScorer.ts";
import type {RouterFile} from "./routerFile.ts";

/** What results record: the kind, the file's name and the start of its sha256 (two files never share a name). */
export function learnedRouterName(kind: string, path: string): string {
  const sha = createHash("sha256").update(readFileSync(path)).digest("hex");
  return `${kind}(${basename(path)}#${sha.slice(0, 8)})`;
}

/** The network of an mlp or logreg router file, decoded and shape-checked. */
export function networkOf(file: Extract<RouterFile, {kind: "mlp" | "logreg"}>, path: string): Network {
  const inputs = featureDimension(file.features, file.model.hiddenSize);
  const inputMean = decodeFloats(file.network.inputMean);
  const inputStd = decodeFloats(file.network.inputStd);
  if (inputMean.length !== inputs || inputStd.length !== inputs) {
    throw new TlrError(`router file ${path}: network.inputMean/inputStd hold ${inputMean.length}/${inputStd.length} values, but features ${describeFeatureSpec(file.features)} make ${inputs}`);
  }
  if (inputStd.some((s) => !(s > 0))) throw new TlrError(`router file ${path}: network.inputStd has a value that is not positive`);
  const layers = layersFromJson(file.network.layers, inputs);
  if (typeof layers === "string") throw new TlrError(`router file ${path}: network.${layers}`);
  return {inputMean, inputStd, layers};
}

/**
 * A router from a router file: the score is the network's confidence (sigmoid) that the small
 * model's token is fine; route when it is below τ (τ in [0, 1], CITER's convention).
 */
export async function createLearnedRouter(file: RouterFile, path: string): Promise<Router> {
  const {features, model} = file;
  const base = {
    kind: file.kind,
    name: learnedRouterName(file.kind, path),
    description: `${file.kind === "logreg" ? "logistic regression" : file.kind === "mlp" ? "MLP" : "ONNX model"} over ${describeFeatureSpec(features)} of ${model.name}: its confidence that the small model's token is fine; routes when below τ`,
    peeksLarge: false,
    ...needsOf(features),
  };
  const buffer = new Float32Array(featureDimension(features, model.hiddenSize));
  if (file.kind === "onnx") {
    const score = await onnxScorer(file, path, buffer.length);
    return {...base, score: (input) => score(featureVector(features, predictionFeatures(input.small), model.hiddenSize, buffer))};
  }
  const network = networkOf(file, path);
  return {...base, score: (input) => sigmoid(networkLogit(network, featureVector(features, predictionFeatures(input.small), model.hiddenSize, buffer)))};
}

/** A learned router's needs, as `Router` carries them. */
function needsOf(features: FeatureSpec): Pick<Router, "needsHidden" | "needsTopK" | "needsDistribution"> {
  const n = featureNeeds(features);
  return {needsHidden: n.hidden, needsTopK: n.topK, needsDistribution: n.distribution};
}

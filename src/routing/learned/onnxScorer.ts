import {readFileSync} from "node:fs";
import {dirname, resolve} from "node:path";
import {createHash} from "node:crypto";
import type * as Ort from "onnxruntime-node";
import {TlrError, errorMessage} from "../../util/errors.ts";
import {sigmoid} from "./network.ts";
import type {RouterFile} from "./routerFile.ts";

/**
 * Scores feature vectors with an ONNX graph through onnxruntime-node (CPU), e.g. a CITER-style
 * router exported from PyTorch (scripts/export-onnx-router.py builds one). The graph takes raw
 * features as float32 [batch, n] and gives [batch, 1]; the file's `outputIs` says whether that is
 * already a probability or a logit. One intra-op thread: a router scores one vector per step,
 * where thread start-up costs more than the arithmetic.
 */
export async function onnxScorer(file: Extract<RouterFile, {kind: "onnx"}>, path: string, inputs: number): Promise<(x: Float32Array) => Promise<number>> {
  const onnxPath = resolve(dirname(path), file.onnx.file);
  let bytes: Buffer;
  try {
    bytes = readFileSync(onnxPath);
  } catch (error) {
    throw new TlrError(`router file ${path}: onnx.file ${onnxPath} not found`, {cause: error});
  }
  const sha = createHash("sha256").update(bytes).digest("hex");
  if (sha !== file.onnx.sha256) {
    throw new TlrError(`router file ${path}: ${onnxPath} has sha256 ${sha.slice(0, 12)}…, not the onnx.sha256 ${file.onnx.sha256.slice(0, 12)}… it names: the file was changed or damaged; export it again`);
  }
  // Imported here, not at the top: the native runtime loads only for ONNX routers.
  const ort: typeof Ort = await import("onnxruntime-node");
  let session: Ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, {intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: "all"});
  } catch (error) {
    throw new TlrError(`router file ${path}: onnxruntime could not load ${onnxPath}: ${errorMessage(error).split("\n")[0]}`, {cause: error});
  }
  const input = file.onnx.input ?? session.inputNames[0]!;
  const output = file.onnx.output ?? session.outputNames[0]!;
  if (!session.inputNames.includes(input)) throw new TlrError(`router file ${path}: onnx.input "${input}" is not an input of ${onnxPath} (${session.inputNames.join(", ")})`);
  if (!session.outputNames.includes(output)) throw new TlrError(`router file ${path}: onnx.output "${output}" is not an output of ${onnxPath} (${session.outputNames.join(", ")})`);
  const logit = file.onnx.outputIs === "logit";
  const run = async (x: Float32Array): Promise<number> => {
    const result = await session.run({[input]: new ort.Tensor("float32", Float32Array.from(x), [1, inputs])});
    const y = result[output]!.data as Float32Array;
    return logit ? sigmoid(y[0]!) : y[0]!;
  };
  // Fail at load, not at the first token, when the graph does not take n features.
  try {
    await run(new Float32Array(inputs));
  } catch (error) {
    throw new TlrError(`router file ${path}: ${onnxPath} does not take ${inputs} features (float32 [1, ${inputs}]): ${errorMessage(error).split("\n")[0]}`, {cause: error});
  }
  return run;
}

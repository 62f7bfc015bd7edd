import {readFileSync} from "node:fs";
import {z} from "zod";
import {TlrError, errorMessage} from "../../util/errors.ts";
import {writeFileAtomic} from "../../util/fileError.ts";
import {describeZodIssue} from "../../util/zodIssue.ts";
import {FeatureSpecSchema} from "./featureSpec.ts";
import {LayerSchema} from "./network.ts";

/** Learned router kinds, each read from a router file. */
export const LEARNED_ROUTER_KINDS = ["mlp", "logreg", "onnx"] as const;
export type LearnedRouterKind = (typeof LEARNED_ROUTER_KINDS)[number];

export function isLearnedRouterKind(kind: string): kind is LearnedRouterKind {
  return (LEARNED_ROUTER_KINDS as readonly string[]).includes(kind);
}

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, "a sha256 in lowercase hex");

/** The small model a router was trained for: its features only mean something for that model. */
const ModelIdentity = z
  .object({
    name: z.string().describe("GGUF general.name, for messages"),
    sha256: sha256.nullable().describe("sha256 of the small model's GGUF file; null for a router not tied to one file (e.g. trained in PyTorch on the original weights): then only the hidden size is checked"),
    hiddenSize: z.number().int().positive().describe("the model's n_embd"),
  })
  .strict();

const Network = z
  .object({
    inputMean: z.string().describe("base64 float32: feature means of the training set"),
    inputStd: z.string().describe("base64 float32: feature standard deviations (never 0)"),
    layers: z.array(LayerSchema).min(1),
  })
  .strict();

const common = {
  format: z.literal("tlr-router"),
  version: z.literal(1),
  features: FeatureSpecSchema,
  model: ModelIdentity,
  /** Free-form provenance: data, split, hyper-parameters, validation figures. */
  training: z.record(z.string(), z.unknown()).optional(),
};

export const RouterFileSchema = z.discriminatedUnion("kind", [
  z.object({...common, kind: z.literal("mlp"), network: Network}).strict(),
  z.object({...common, kind: z.literal("logreg"), network: Network}).strict(),
  z
    .object({
      ...common,
      kind: z.literal("onnx"),
      onnx: z
        .object({
          file: z.string().min(1).describe("the .onnx file, relative to this router file"),
          sha256: sha256.describe("sha256 of the .onnx file"),
          input: z.string().optional().describe("input name (default: the graph's first): float32 [batch, features], raw features"),
          output: z.string().optional().describe("output name (default: the graph's first): float32 [batch, 1]"),
          outputIs: z.enum(["probability", "logit"]).default("probability").describe("whether the graph ends in a sigmoid"),
        })
        .strict(),
    })
    .strict(),
]);

export type RouterFile = z.output<typeof RouterFileSchema>;
export type RouterFileInput = z.input<typeof RouterFileSchema>;

/** Reads and validates a router file; every problem is one TlrError naming the file and field. */
export function readRouterFile(path: string): RouterFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new TlrError(`router file not found: ${path}`, {cause: error});
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new TlrError(`router file ${path} is not valid JSON (${errorMessage(error)}): a router file comes from tlr router train`);
  }
  const parsed = RouterFileSchema.safeParse(raw);
  if (!parsed.success) throw new TlrError(`router file ${path}: ${describeZodIssue(parsed.error.issues[0]!)}`);
  return parsed.data;
}

export function writeRouterFile(path: string, file: RouterFileInput): void {
  writeFileAtomic(path, JSON.stringify(RouterFileSchema.parse(file), null, 1) + "\n");
}

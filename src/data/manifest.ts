import {createHash} from "node:crypto";
import {readFileSync} from "node:fs";
import {dirname, resolve} from "node:path";
import {fileURLToPath} from "node:url";
import {z} from "zod";
import {TlrError} from "../util/errors.ts";
import {describeZodIssue} from "../util/zodIssue.ts";

/** Where the manifests live: datasets/ at the project root. */
export const MANIFEST_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../datasets");

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "expected 64 lowercase hex digits");

const SplitSchema = z.strictObject({
  /** Rows the split must yield (checked on every load, from any source). */
  rows: z.number().int().positive().optional(),
  /** False for test splits published without answers. */
  labelled: z.boolean().default(true),
  /** The published files of this split in a data directory, relative to it, with their checksums. */
  files: z.array(z.strictObject({path: z.string().min(1), sha256: sha256Hex})).default([]),
  /** Generated splits (toy_arith): the recipe's seed, item count, and split. */
  generator: z
    .strictObject({
      seed: z.number().int().nonnegative(),
      count: z.number().int().positive(),
      heldOut: z.boolean(),
      /** sha256 of the items written as the recipe writes them (one `json.dumps` record per line). */
      sha256: sha256Hex.optional(),
    })
    .optional(),
});

const ManifestSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9_]+$/),
  title: z.string(),
  license: z.string(),
  /** Where the published files come from, in words and links. */
  source: z.string(),
  /** The Hugging Face dataset repo; `revision` is a branch (the parquet conversion by default) or a 40-hex commit to pin. */
  hub: z
    .strictObject({
      repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/),
      config: z.string(),
      revision: z.string().default("refs/convert/parquet"),
    })
    .optional(),
  /** The dataset's folder in a data directory (laid out like $TLR_SHARED/data). */
  folder: z.string().optional(),
  defaultSplit: z.string(),
  splits: z.record(z.string(), SplitSchema),
});

export type Manifest = z.infer<typeof ManifestSchema>;
export type ManifestSplit = z.infer<typeof SplitSchema>;

const cache = new Map<string, Manifest>();

export function manifestPath(name: string): string {
  return resolve(MANIFEST_DIR, `${name}.json`);
}

/** The manifest datasets/NAME.json, validated. */
export function readManifest(name: string): Manifest {
  const cached = cache.get(name);
  if (cached) return cached;
  const path = manifestPath(name);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new TlrError(`dataset manifest ${path} could not be read: ${(error as Error).message}`, {cause: error});
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) {
    throw new TlrError(`dataset manifest ${path}: ${describeZodIssue(parsed.error.issues[0]!)}; fix the manifest`);
  }
  cache.set(name, parsed.data);
  return parsed.data;
}

/** The split's manifest entry, or a one-line error listing the splits there are. */
export function manifestSplit(manifest: Manifest, split: string): ManifestSplit {
  const entry = manifest.splits[split];
  if (!entry) throw new TlrError(`${manifest.name} has no split "${split}": use one of ${Object.keys(manifest.splits).join(", ")}`);
  return entry;
}

export function sha256(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * The sha256 of a file's bytes, compared with the expected one when given; a mismatch is a
 * one-line error: "FILE: sha256 X… does not match Y… WHY".
 */
export function checkSha256(file: string, data: Uint8Array, expected: string | undefined, why: string): string {
  const actual = sha256(data);
  if (expected !== undefined && actual !== expected) {
    throw new TlrError(`${file}: sha256 ${actual.slice(0, 12)}… does not match ${expected.slice(0, 12)}… ${why}`);
  }
  return actual;
}

/** Why a data-directory file's checksum matters and what to do. */
export const manifestMismatch = (name: string) =>
  `in datasets/${name}.json: the file is damaged or not the published one; replace it with the original (or pass --no-verify to use it anyway)`;

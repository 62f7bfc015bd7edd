import {readFileSync} from "node:fs";
import {resolve} from "node:path";
import {TlrError} from "../util/errors.ts";
import {tauExamples} from "./commonsenseQa.ts";
import type {DatasetSpec} from "./DatasetSpec.ts";
import {hubParquetFiles, type HubOptions} from "./hub.ts";
import {dataDirOf, readLocalSplit} from "./localFiles.ts";
import {checkSha256, manifestPath, manifestSplit, readManifest, sha256, type Manifest, type ManifestSplit} from "./manifest.ts";
import {readParquet} from "./parquet.ts";
import {pythonJsonDumps} from "./pythonJson.ts";
import {datasetSpec, isLocalFileName} from "./registry.ts";
import {RowIssues, uniqueIds, utf8Text, type BadRow, type RowContext} from "./rows.ts";
import {generateToyItems, toyExample, toyTauRecord} from "./toyArith.ts";
import type {Example} from "./types.ts";

export interface LoadDatasetOptions extends HubOptions {
  /** Default: the manifest's default split (CommonsenseQA: validation; a local file: "test"). */
  split?: string;
  /** A folder laid out like $TLR_SHARED/data. Default: $TLR_DATA_DIR. */
  dataDir?: string;
  /** Default: "local" when there is a data directory (option or $TLR_DATA_DIR), else "hub". */
  source?: "local" | "hub";
  /** Hub branch or 40-hex commit. Default: the manifest's `hub.revision` (the parquet branch unless pinned there). */
  revision?: string;
  /** Skip (and count) rows that cannot become examples instead of failing on the first. Default false. */
  skipBadRows?: boolean;
  /** Check files and row counts against the manifest. Default true. */
  verify?: boolean;
  /** Generated datasets (toy_arith): another seed or item count than the manifest's (no checksum then). */
  seed?: number;
  count?: number;
}

/** Where a dataset's examples came from, precisely enough to get the same ones again. */
export interface DatasetProvenance {
  source: "local" | "hub" | "generated" | "file";
  /** Every file read (full local path, or the path inside the Hub repo) with the sha256 of its bytes. */
  files: {path: string; sha256: string}[];
  dataDir?: string;
  hub?: {repo: string; config: string; revision: string; commit: string; cacheDir: string};
  generator?: {seed: number; count: number; heldOut: boolean};
  /** The manifest checked against (datasets/NAME.json), if any. */
  manifest?: string;
  /** Whether the manifest's checks ran and passed: checksums of the files read, and/or the split's row count (false with verify: false). */
  verified: boolean;
}

export interface Dataset {
  name: string;
  split: string;
  examples: Example[];
  /** Rows skipped as bad (only with skipBadRows). */
  skipped: number;
  badRows: BadRow[];
  provenance: DatasetProvenance;
}

/**
 * A benchmark split as typed examples. `name` is a registered dataset (DATASET_NAMES) or the path
 * of a JSONL file in CommonsenseQA's format. Sources: a local data directory, the Hugging Face
 * Hub (cached; offline reads the cache only), or the generator (toy_arith). Files are checked
 * against the manifest datasets/NAME.json (sha256, rows); a bad row is a one-line TlrError naming
 * file and line unless `skipBadRows`.
 */
export async function loadDataset(name: string, options: LoadDatasetOptions = {}): Promise<Dataset> {
  if (isLocalFileName(name)) return loadTauFile(name, options);
  const spec = datasetSpec(name);
  const manifest = readManifest(name);
  const split = options.split ?? manifest.defaultSplit;
  const entry = manifestSplit(manifest, split);
  const issues = new RowIssues(options.skipBadRows ?? false);
  const ctx = {dataset: name, split, labelled: entry.labelled, issues};
  const verify = options.verify ?? true;

  let loaded: {examples: Example[]; provenance: DatasetProvenance};
  if (entry.generator) loaded = generate(entry, split, options, verify);
  else if (sourceOf(options) === "local") loaded = await fromDataDir(spec, manifest, split, entry, ctx, options, verify);
  else loaded = await fromHub(spec, manifest, split, ctx, options);
  loaded.provenance.manifest = manifestPath(name);
  loaded.examples = uniqueIds(loaded.examples, issues, `${name} ${split}`);

  // Rows are checked from every source (a Hub revision or a local copy may differ from the published split).
  const regenerated = entry.generator && (options.seed !== undefined || options.count !== undefined);
  const rowsChecked = verify && entry.rows !== undefined && !regenerated;
  if (rowsChecked) {
    const read = loaded.examples.length + issues.bad.length;
    if (read !== entry.rows) {
      throw new TlrError(`${name} ${split}: read ${read} rows where datasets/${name}.json expects ${entry.rows}: the source differs from the published split; use the published files, pin the manifest's hub revision, or pass --no-verify`);
    }
  }
  loaded.provenance.verified ||= rowsChecked;
  return {name, split, examples: loaded.examples, skipped: issues.bad.length, badRows: issues.bad, provenance: loaded.provenance};
}

function sourceOf(options: LoadDatasetOptions): "local" | "hub" {
  return options.source ?? (dataDirOf(options.dataDir, options.env ?? process.env) ? "local" : "hub");
}

async function fromDataDir(spec: DatasetSpec, manifest: Manifest, split: string, entry: ManifestSplit, ctx: Omit<RowContext, "file">, options: LoadDatasetOptions, verify: boolean) {
  const dataDir = dataDirOf(options.dataDir, options.env ?? process.env);
  if (!dataDir) throw new TlrError(`no data directory for ${manifest.name}: pass --data-dir or set TLR_DATA_DIR (a folder laid out like $TLR_SHARED/data), or use --source hub`);
  const local = readLocalSplit(dataDir, manifest, split, entry, verify);
  const files = local.files.map((f) => ({path: f.path, sha256: f.sha256}));
  const examples =
    local.kind === "files"
      ? spec.fromFiles!(local.files.map((f) => ({path: f.path, text: utf8Text(f.data, f.path, ctx.issues)})), ctx)
      : await fromParquet(spec, local.files.map((f) => ({label: f.path, data: f.data})), ctx);
  return {examples, provenance: {source: "local" as const, files, dataDir, verified: verify && local.kind === "files"}};
}

async function fromHub(spec: DatasetSpec, manifest: Manifest, split: string, ctx: Omit<RowContext, "file">, options: LoadDatasetOptions) {
  if (!manifest.hub) throw new TlrError(`${manifest.name} has no Hugging Face repo in datasets/${manifest.name}.json: load it from a data directory (--data-dir)`);
  const {repo, config} = manifest.hub;
  const revision = options.revision ?? manifest.hub.revision;
  const hub = await hubParquetFiles(repo, revision, `${config}/${split}`, options);
  const label = (path: string) => `hf://datasets/${repo}@${hub.commit.slice(0, 10)}/${path}`;
  const examples = await fromParquet(spec, hub.files.map((f) => ({label: label(f.path), data: f.data})), ctx);
  const files = hub.files.map((f) => ({path: f.path, sha256: f.sha256}));
  return {examples, provenance: {source: "hub" as const, files, hub: {repo, config, revision, commit: hub.commit, cacheDir: hub.cacheDir}, verified: false}};
}

async function fromParquet(spec: DatasetSpec, files: {label: string; data: Uint8Array}[], ctx: Omit<RowContext, "file">): Promise<Example[]> {
  if (!spec.fromHubRow) throw new TlrError(`${spec.name} cannot be read from parquet`);
  const examples: Example[] = [];
  let index = 0;
  for (const f of files) {
    const rows = await readParquet(f.data, f.label);
    const fileCtx = {...ctx, file: f.label};
    rows.forEach((record, row) => {
      const result = spec.fromHubRow!(record, {index: index++, row}, fileCtx);
      if (result.ok) examples.push(result.value);
      else ctx.issues.report(f.label, `row ${row}`, result.reason);
    });
  }
  return examples;
}

/** toy_arith: generated by the ported recipe; the manifest's seed and count reproduce its published file, checked by sha256. */
function generate(entry: ManifestSplit, split: string, options: LoadDatasetOptions, verify: boolean) {
  const g = entry.generator!;
  const seed = options.seed ?? g.seed;
  const count = options.count ?? g.count;
  const items = generateToyItems({seed, count, heldOut: g.heldOut});
  const examples = items.map((item, i) => toyExample(item, i, split, seed));
  const asPublished = seed === g.seed && count === g.count && g.sha256 !== undefined;
  if (verify && asPublished) {
    const text = items.map((item, i) => pythonJsonDumps(toyTauRecord(item, i)) + "\n").join("");
    checkSha256(`toy_arith ${split} (seed ${seed}, ${count} items)`, Buffer.from(text), g.sha256, "in datasets/toy_arith.json: the generator no longer reproduces the recipe's file, a bug in src/data/toyArith.ts");
  }
  return {examples, provenance: {source: "generated" as const, files: [], generator: {seed, count, heldOut: g.heldOut}, verified: verify && asPublished}};
}

/** A user's JSONL file in CommonsenseQA's TAU format: every row labelled, as many choices as the first row. */
async function loadTauFile(name: string, options: LoadDatasetOptions): Promise<Dataset> {
  const path = resolve(name);
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (error) {
    throw new TlrError(`dataset file not found: ${path} (a dataset is a registered name, see \`tlr data list\`, or a JSONL file in CommonsenseQA's format)`, {cause: error});
  }
  const split = options.split ?? "test";
  const issues = new RowIssues(options.skipBadRows ?? false);
  const examples = uniqueIds(tauExamples(utf8Text(data, path, issues), {dataset: name, split, labelled: true, issues, file: path}, "first-row"), issues, path);
  if (examples.length === 0 && issues.bad.length === 0) throw new TlrError(`${path} holds no rows`);
  const provenance: DatasetProvenance = {source: "file", files: [{path, sha256: sha256(data)}], verified: false};
  return {name, split, examples, skipped: issues.bad.length, badRows: issues.bad, provenance};
}

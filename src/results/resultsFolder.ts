import {existsSync} from "node:fs";
import {join} from "node:path";
import {Table} from "apache-arrow";
import {TlrError} from "../util/errors.ts";
import {loadZstd} from "./arrowCompression.ts";
import {checkArrowFile, COMPRESSED, readArrowFile, writeArrowFile, writeArrowFileStreaming} from "./arrowFile.ts";
import {buildTable, readTable, schemaOf} from "./columns.ts";
import {unifyDictionaries} from "./unifyDictionaries.ts";
import {fillBeforePolicies, READABLE_SCHEMA_VERSIONS, readRunRows} from "./readRunRows.ts";
import {BEFORE_POLICIES_TOKEN, QUESTION_COLUMNS, RESULT_FILES, RESULTS_SCHEMA_VERSION, SUMMARY_COLUMNS, TOKEN_COLUMNS, type QuestionRow, type SummaryRow, type TokenRow} from "./schema.ts";

/** Provenance stored in every results file's schema metadata (values are JSON). */
export interface ResultsMetadata {
  schemaVersion: string;
  /** The resolved experiment config. */
  config: unknown;
  /** Per pair: each model's path, sha256, name and size. */
  models: unknown;
  /** Per dataset: where its examples came from (files and checksums, Hub commit, generator). */
  datasets: unknown;
  /** Thresholds chosen for target upload fractions. */
  calibration: unknown;
  /** Code versions and machines of the processes that wrote the parts (several after a merge). */
  code: unknown[];
  machines: unknown[];
  shards: unknown[];
  created: string;
}

const KEYS: Record<keyof ResultsMetadata, string> = {
  schemaVersion: "tlr.schema_version",
  config: "tlr.config",
  models: "tlr.models",
  datasets: "tlr.datasets",
  calibration: "tlr.calibration",
  code: "tlr.code",
  machines: "tlr.machines",
  shards: "tlr.shards",
  created: "tlr.created",
};

export function metadataMap(meta: ResultsMetadata): Map<string, string> {
  const map = new Map<string, string>();
  for (const [k, name] of Object.entries(KEYS)) {
    const v = meta[k as keyof ResultsMetadata];
    map.set(name, typeof v === "string" ? v : JSON.stringify(v));
  }
  return map;
}

export function parseMetadata(map: Map<string, string>, file: string): ResultsMetadata {
  const out: Record<string, unknown> = {};
  for (const [k, name] of Object.entries(KEYS)) {
    const v = map.get(name);
    if (v === undefined) throw new TlrError(`${file} has no "${name}" metadata: it was not written by tlr (or by an incompatible version)`);
    out[k] = k === "schemaVersion" || k === "created" ? v : JSON.parse(v);
  }
  const meta = out as unknown as ResultsMetadata;
  if (!READABLE_SCHEMA_VERSIONS.includes(meta.schemaVersion)) {
    throw new TlrError(`${file} uses results schema ${meta.schemaVersion}; this tlr reads schemas ${READABLE_SCHEMA_VERSIONS.join(", ")} (it writes ${RESULTS_SCHEMA_VERSION})`);
  }
  return meta;
}

export interface Results {
  dir: string;
  metadata: ResultsMetadata;
  summary: SummaryRow[];
  questions: QuestionRow[];
  tokens: TokenRow[];
}

/** The token columns added since schema 1 (optional), by name, as rows written before them meant them. */
const TOKEN_COLUMNS_ADDED: Record<string, unknown> = Object.fromEntries(
  TOKEN_COLUMNS.filter((c) => "optional" in c && c.optional).map((c) => [c.name, (BEFORE_POLICIES_TOKEN as Record<string, unknown>)[c.key] ?? null]),
);

/**
 * Writes the three results files. Token rows come as objects or as Arrow tables with the token
 * columns (slices of parts, written batch by batch without copying rows into objects or holding
 * the encoded file in memory).
 */
export async function writeResults(dir: string, rows: {summary: SummaryRow[]; questions: QuestionRow[]; tokens: TokenRow[] | Table[]}, meta: ResultsMetadata): Promise<void> {
  await loadZstd();
  const map = metadataMap(meta);
  const tokensFile = join(dir, RESULT_FILES.tokens);
  if (rows.tokens.length > 0 && rows.tokens[0] instanceof Table) {
    // One record batch (or more) per question, as the parts' slices come: each batch holds all the
    // runs of one question, whose shared prefixes zstd then stores about once. Slices of files
    // written before schema 3 (plain strings) are encoded against the same dictionaries.
    const {schema, batches} = unifyDictionaries(rows.tokens as Table[], schemaOf(TOKEN_COLUMNS, map), TOKEN_COLUMNS_ADDED);
    await writeArrowFileStreaming(tokensFile, schema, batches(), COMPRESSED);
  } else {
    writeArrowFile(tokensFile, buildTable(TOKEN_COLUMNS, rows.tokens as TokenRow[], map), COMPRESSED);
  }
  // Summary last: a folder with a summary has all three files.
  writeArrowFile(join(dir, RESULT_FILES.questions), buildTable(QUESTION_COLUMNS, rows.questions, map), COMPRESSED);
  writeArrowFile(join(dir, RESULT_FILES.summary), buildTable(SUMMARY_COLUMNS, rows.summary, map), COMPRESSED);
}

/**
 * Reads a results folder: the three Arrow files and their metadata. A missing or truncated file
 * is a one-line TlrError naming it. The per-token rows are read only with `tokens: true` (they
 * are most of the data; `readArrowFile` gives them as an Arrow table instead), but the file is
 * always checked to be whole: a folder that lost part of its results is refused either way.
 */
export function readResults(dir: string, options: {tokens?: boolean} = {}): Results {
  if (!existsSync(dir)) throw new TlrError(`results folder not found: ${dir}`);
  for (const name of Object.values(RESULT_FILES)) {
    if (!existsSync(join(dir, name))) throw new TlrError(`results file not found: ${join(dir, name)}`);
  }
  const read = (name: string): Table => readArrowFile(join(dir, name));
  const summaryFile = join(dir, RESULT_FILES.summary);
  const summary = read(RESULT_FILES.summary);
  const questions = read(RESULT_FILES.questions);
  if (options.tokens !== true) checkArrowFile(join(dir, RESULT_FILES.tokens));
  const tokens = options.tokens === true ? read(RESULT_FILES.tokens) : undefined;
  const asTlr = <R>(f: () => R, file: string): R => {
    try {
      return f();
    } catch (error) {
      if (error instanceof TlrError) throw error;
      throw new TlrError(`${file}: ${(error as Error).message}`);
    }
  };
  return {
    dir,
    metadata: parseMetadata(summary.schema.metadata, summaryFile),
    summary: asTlr(() => readRunRows(SUMMARY_COLUMNS, summary, summaryFile), summaryFile),
    questions: asTlr(() => readRunRows(QUESTION_COLUMNS, questions, join(dir, RESULT_FILES.questions)), join(dir, RESULT_FILES.questions)),
    tokens: tokens ? asTlr(() => fillBeforePolicies(readTable(TOKEN_COLUMNS, tokens, join(dir, RESULT_FILES.tokens)), tokens), join(dir, RESULT_FILES.tokens)) : [],
  };
}

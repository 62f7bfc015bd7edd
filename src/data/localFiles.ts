import {existsSync, readdirSync, readFileSync} from "node:fs";
import {join, resolve} from "node:path";
import {DataUnavailableError, TlrError} from "../util/errors.ts";
import {checkSha256, manifestMismatch, type Manifest, type ManifestSplit} from "./manifest.ts";

/** One file read from a data directory, checked against the manifest. */
export interface ReadFile {
  /** Full path. */
  path: string;
  sha256: string;
  data: Buffer;
}

/** What a data directory holds for one split: the published files, or the Hub's parquet laid out as on its parquet branch. */
export type LocalSplit = {kind: "files"; files: ReadFile[]} | {kind: "parquet"; dir: string; files: ReadFile[]};

/** The data directory: the option, else $TLR_DATA_DIR; undefined when neither is set. */
export function dataDirOf(dataDir: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const dir = dataDir ?? env.TLR_DATA_DIR;
  return dir ? resolve(dir) : undefined;
}

/**
 * Reads one split from a data directory laid out like $TLR_SHARED/data: the manifest's files
 * (checksums checked unless `verify` is false), or else `<folder>/<config>/<split>/*.parquet`
 * (the Hub's parquet-branch layout, e.g. commonsense_qa/default/validation/0000.parquet).
 */
export function readLocalSplit(dataDir: string, manifest: Manifest, split: string, entry: ManifestSplit, verify: boolean): LocalSplit {
  const present = entry.files.filter((f) => existsSync(join(dataDir, f.path)));
  if (present.length > 0) {
    const missing = entry.files.find((f) => !present.includes(f));
    if (missing) throw new TlrError(`${join(dataDir, missing.path)} is missing (${manifest.name} ${split} needs ${entry.files.length} files): restore it from the published copy`);
    return {
      kind: "files",
      files: entry.files.map((f) => {
        const path = join(dataDir, f.path);
        const data = readFileSync(path);
        return {path, data, sha256: checkSha256(path, data, verify ? f.sha256 : undefined, manifestMismatch(manifest.name))};
      }),
    };
  }
  const dir = manifest.folder && manifest.hub ? join(dataDir, manifest.folder, manifest.hub.config, split) : undefined;
  const parquet = dir && existsSync(dir) ? (readdirSync(dir, {recursive: true}) as string[]).filter((n) => n.endsWith(".parquet")).sort() : [];
  if (dir && parquet.length > 0) {
    return {
      kind: "parquet",
      dir,
      files: parquet.map((n) => {
        const path = join(dir, n);
        const data = readFileSync(path);
        return {path, data, sha256: checkSha256(path, data, undefined, "")};
      }),
    };
  }
  const expected = [...entry.files.map((f) => join(dataDir, f.path)), ...(dir ? [join(dir, "*.parquet")] : [])];
  const looked = expected.length > 0 ? `found neither ${expected.slice(0, 2).join(" nor ")}` : "this split has no local files (it is on the Hub only)";
  throw new DataUnavailableError(`${manifest.name} ${split} in data directory ${dataDir}: ${looked}; point --data-dir (or TLR_DATA_DIR) at a folder laid out like the README's "Datasets" section, or use --source hub`);
}

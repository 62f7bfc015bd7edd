import {existsSync} from "node:fs";
import {mkdir, readdir, readFile, realpath, writeFile} from "node:fs/promises";
import {basename, dirname, join, relative, sep} from "node:path";
import {datasetInfo, downloadFileToCacheDir, getHFHubCachePath, getRepoFolderName, listFiles, type RepoId} from "@huggingface/hub";
import {DataUnavailableError, TlrError, errorMessage} from "../util/errors.ts";
import {checkSha256} from "./manifest.ts";

/**
 * The Hugging Face Hub as a dataset source, through @huggingface/hub, cached in the standard
 * Hugging Face layout (`<cache>/datasets--owner--name/{refs/<revision>, blobs/<etag>,
 * snapshots/<commit>/<path>}`) so Python tools share the downloads.
 *
 * A branch (the parquet conversion `refs/convert/parquet` by default) is resolved to its commit
 * once and the commit is written to `refs/<branch>`; later loads read that commit's files (the
 * pin) until `pull` resolves the branch again. Offline, nothing touches the network: the commit
 * comes from `refs/` and the files from `snapshots/`.
 */
export interface HubOptions {
  /** Default: $HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub (as huggingface_hub). */
  cacheDir?: string;
  /** Default: $HF_ENDPOINT, else https://huggingface.co. */
  hubUrl?: string;
  /** Read the cache only; never call the network. Default: $HF_HUB_OFFLINE is "1". */
  offline?: boolean;
  /** Resolve the branch on the Hub even when the cache has pinned a commit (what `pull` does). */
  refresh?: boolean;
  /** For HF_ENDPOINT, HF_HUB_OFFLINE and HF_TOKEN. Default: process.env. */
  env?: NodeJS.ProcessEnv;
}

/** A file of a Hub snapshot, read from the cache and checked. */
export interface HubFile {
  /** Its path in the repo, e.g. "default/validation/0000.parquet". */
  path: string;
  /** Where it lies in the cache (snapshots/<commit>/<path>). */
  local: string;
  sha256: string;
  data: Uint8Array;
}

export interface HubFiles {
  repo: string;
  revision: string;
  commit: string;
  cacheDir: string;
  files: HubFile[];
}

const COMMIT = /^[0-9a-f]{40}$/;

export function hubSettings(options: HubOptions) {
  const env = options.env ?? process.env;
  return {
    cacheDir: options.cacheDir ?? getHFHubCachePath(),
    hubUrl: options.hubUrl ?? (env.HF_ENDPOINT || undefined),
    offline: options.offline ?? env.HF_HUB_OFFLINE === "1",
    accessToken: env.HF_TOKEN || undefined,
  };
}

const repoDesignation = (repo: string): RepoId => ({type: "dataset", name: repo});

/** The commit a revision stands for: itself when it is one, else the pinned ref, else asked of the Hub (and pinned). */
export async function resolveCommit(repo: string, revision: string, options: HubOptions = {}): Promise<string> {
  if (COMMIT.test(revision)) return revision;
  const s = hubSettings(options);
  const refPath = join(s.cacheDir, getRepoFolderName(repoDesignation(repo)), "refs", revision);
  if (!options.refresh && existsSync(refPath)) return (await readFile(refPath, "utf8")).trim();
  if (s.offline) {
    throw new DataUnavailableError(`offline: ${repo} (revision ${revision}) is not in the Hugging Face cache ${s.cacheDir}; run \`tlr data pull\` once with a network, or point --cache-dir at a cache that has it`);
  }
  const info = await hubCall(s.hubUrl, `resolving ${repo}@${revision}`, () =>
    datasetInfo<"sha">({name: repo, revision, additionalFields: ["sha"], hubUrl: s.hubUrl, accessToken: s.accessToken}),
  );
  if (!COMMIT.test(info.sha)) throw new TlrError(`the Hub answered commit "${info.sha}" for ${repo}@${revision}, which is not a 40-hex commit id`);
  await mkdir(dirname(refPath), {recursive: true});
  await writeFile(refPath, info.sha);
  return info.sha;
}

/** The parquet files under `prefix` (e.g. "default/validation") of a repo at a revision, downloaded if needed. */
export async function hubParquetFiles(repo: string, revision: string, prefix: string, options: HubOptions = {}): Promise<HubFiles> {
  const s = hubSettings(options);
  const commit = await resolveCommit(repo, revision, options);
  const snapshot = join(s.cacheDir, getRepoFolderName(repoDesignation(repo)), "snapshots", commit);
  const locals = s.offline ? await cachedParquet(snapshot, prefix, repo) : await downloadParquet(repo, commit, prefix, s);
  const files: HubFile[] = [];
  for (const local of locals) {
    const data = await readFile(local);
    // A blob is named after its etag; for LFS files that is the content's sha256, so a damaged download shows.
    const etag = basename(await realpath(local));
    const expected = /^[0-9a-f]{64}$/.test(etag) ? etag : undefined;
    const sha256 = checkSha256(local, data, expected, `(its blob name, the Hub's sha256 of ${repo}/${relative(snapshot, local)}): a damaged download; delete it and run \`tlr data pull\` again`);
    files.push({path: relative(snapshot, local).split(sep).join("/"), local, sha256, data});
  }
  return {repo, revision, commit, cacheDir: s.cacheDir, files};
}

async function downloadParquet(repo: string, commit: string, prefix: string, s: ReturnType<typeof hubSettings>): Promise<string[]> {
  const common = {repo: repoDesignation(repo), revision: commit, hubUrl: s.hubUrl, accessToken: s.accessToken};
  const paths = await hubCall(s.hubUrl, `listing ${repo}@${commit.slice(0, 10)}/${prefix}`, async () => {
    const out: string[] = [];
    for await (const entry of listFiles({...common, path: prefix, recursive: true})) {
      if (entry.type === "file" && entry.path.endsWith(".parquet")) out.push(entry.path);
    }
    return out.sort();
  });
  if (paths.length === 0) throw new TlrError(`${repo}@${commit.slice(0, 10)} has no parquet files under ${prefix}/: check the manifest's hub config and split`);
  const locals: string[] = [];
  for (const path of paths) {
    locals.push(await hubCall(s.hubUrl, `downloading ${repo}/${path}`, () => quietly(() => downloadFileToCacheDir({...common, path, cacheDir: s.cacheDir}))));
  }
  return locals;
}

async function cachedParquet(snapshot: string, prefix: string, repo: string): Promise<string[]> {
  const dir = join(snapshot, ...prefix.split("/"));
  const names = existsSync(dir) ? ((await readdir(dir, {recursive: true})) as string[]) : [];
  const files = names.filter((n) => n.endsWith(".parquet")).sort();
  if (files.length === 0) throw new DataUnavailableError(`offline: ${dir} holds no parquet files of ${repo}; run \`tlr data pull\` once with a network`);
  return files.map((n) => join(dir, n));
}

/** Library and network failures become one line naming the Hub, the repo and what to do. */
async function hubCall<T>(hubUrl: string | undefined, what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof TlrError) throw error;
    const cause = errorMessage(error).split(". URL:")[0];
    throw new TlrError(`Hugging Face Hub ${hubUrl ?? "https://huggingface.co"}: ${what} failed: ${cause}; check the network and the repo, or read the cache with --offline, or a data directory with --data-dir`, {cause: error});
  }
}

/**
 * downloadFileToCacheDir announces each download with console.debug, which goes to stdout, and a
 * CLI's stdout is for results. Counted, so overlapping downloads restore it exactly once.
 */
let quietDepth = 0;
let savedDebug = console.debug;
async function quietly<T>(call: () => Promise<T>): Promise<T> {
  if (quietDepth++ === 0) {
    savedDebug = console.debug;
    console.debug = () => {};
  }
  try {
    return await call();
  } finally {
    if (--quietDepth === 0) console.debug = savedDebug;
  }
}

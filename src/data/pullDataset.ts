import {TlrError} from "../util/errors.ts";
import {hubSettings, resolveCommit, type HubOptions} from "./hub.ts";
import {loadDataset} from "./loadDataset.ts";
import {manifestSplit, readManifest} from "./manifest.ts";
import {datasetSpec} from "./registry.ts";

export interface PullOptions extends HubOptions {
  /** Default: every split the manifest lists. */
  splits?: string[];
  /** Branch or commit. Default: the manifest's hub.revision. */
  revision?: string;
  verify?: boolean;
  /** Called as each split starts downloading (progress for a CLI). */
  onSplit?: (split: string) => void;
}

export interface PullResult {
  name: string;
  repo: string;
  revision: string;
  /** The commit the revision resolved to, now pinned in the cache's refs/. */
  commit: string;
  cacheDir: string;
  splits: {split: string; rows: number; files: {path: string; sha256: string}[]}[];
}

/**
 * Downloads a dataset's splits from the Hub into the Hugging Face cache: resolves the branch
 * anew (and pins the commit), fetches the parquet files at that commit, and loads each split once
 * so the rows are checked against the manifest.
 */
export async function pullDataset(name: string, options: PullOptions = {}): Promise<PullResult> {
  datasetSpec(name);
  const manifest = readManifest(name);
  if (!manifest.hub) throw new TlrError(`${name} is not on the Hugging Face Hub (it is ${manifest.splits[manifest.defaultSplit]?.generator ? "generated" : "local only"}): nothing to pull`);
  const settings = hubSettings(options);
  if (settings.offline) throw new TlrError(`pull needs the network, but offline mode is on (--offline or HF_HUB_OFFLINE=1)`);
  const splits = options.splits ?? Object.keys(manifest.splits);
  for (const s of splits) manifestSplit(manifest, s);
  const revision = options.revision ?? manifest.hub.revision;
  const commit = await resolveCommit(manifest.hub.repo, revision, {...options, refresh: true});
  const out: PullResult["splits"] = [];
  for (const split of splits) {
    options.onSplit?.(split);
    const d = await loadDataset(name, {...options, split, source: "hub", revision: commit});
    out.push({split, rows: d.examples.length, files: d.provenance.files});
  }
  return {name, repo: manifest.hub.repo, revision, commit, cacheDir: settings.cacheDir, splits: out};
}

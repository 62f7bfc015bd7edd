import {existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync} from "node:fs";
import os from "node:os";
import {dirname, join} from "node:path";
import {downloadFileToCacheDir, getRepoFolderName, pathsInfo} from "@huggingface/hub";
import {hubSettings, type HubOptions} from "../data/hub.ts";
import {TlrError, errorMessage} from "../util/errors.ts";
import {sha256File} from "../util/sha256.ts";
import {MODEL_PRESETS, type ModelPreset} from "./modelPresets.ts";

export interface PulledFile {
  path: string;
  /** Where it lies in the cache (snapshots/<commit>/<path>). */
  local: string;
  sha256: string;
  /** How the sha256 was checked: against the preset, against a pin from an earlier pull, or pinned now. */
  check: "preset" | "pin" | "pinned-now";
}

export interface PullModelResult {
  name: string;
  repo: string;
  revision: string;
  /** The first file: what a config or --small/--large names. */
  model: string;
  files: PulledFile[];
  cacheDir: string;
}

const modelRepo = (name: string) => ({type: "model" as const, name});

export function modelPreset(name: string): ModelPreset {
  const preset = MODEL_PRESETS[name];
  if (!preset) throw new TlrError(`unknown model "${name}": use one of ${Object.keys(MODEL_PRESETS).join(", ")} (tlr models list)`);
  return preset;
}

function pinsFile(env: NodeJS.ProcessEnv): string {
  const base = env.TLR_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(os.homedir(), ".cache"), "tlr");
  return join(base, "model-pins.json");
}

function readPins(env: NodeJS.ProcessEnv): Record<string, string> {
  try {
    return JSON.parse(readFileSync(pinsFile(env), "utf8")) as Record<string, string>;
  } catch {
    return {};
  }
}

const pinKey = (repo: string, revision: string, path: string) => `${repo}@${revision}/${path}`;

/**
 * Downloads a named model through @huggingface/hub into the Hugging Face cache and checks every
 * file: the Hub's reported sha256 must equal the preset's (or the pin's) before the download, and
 * the bytes' sha256 after it. A file that fails is deleted from the cache and the pull refused.
 */
export async function pullModel(name: string, options: HubOptions & {preset?: ModelPreset; onFile?: (path: string, size?: number) => void} = {}): Promise<PullModelResult> {
  const preset = options.preset ?? modelPreset(name);
  const env = options.env ?? process.env;
  const s = hubSettings(options);
  if (s.offline) throw new TlrError(`offline: cannot pull ${name}; run tlr models pull once with a network`);
  const pins = readPins(env);
  const files: PulledFile[] = [];
  for (const f of preset.files) {
    options.onFile?.(f.path, f.size);
    const where = `${preset.repo}/${f.path}`;
    const common = {repo: modelRepo(preset.repo), revision: preset.revision, hubUrl: s.hubUrl, accessToken: s.accessToken};
    const pinned = pins[pinKey(preset.repo, preset.revision, f.path)] ?? null;
    const expected = f.sha256 ?? pinned;
    const info = await hubCall(s.hubUrl, `asking the Hub about ${where}`, () => pathsInfo({...common, paths: [f.path], expand: true}));
    const hubSha = info[0]?.lfs?.oid;
    if (!info[0]) throw new TlrError(`${where} is not on the Hub at revision ${preset.revision}: check the preset`);
    if (expected && hubSha && hubSha !== expected) {
      throw new TlrError(`the Hub serves ${where} with sha256 ${hubSha.slice(0, 12)}…, but ${f.sha256 ? "the preset" : "your earlier pull"} pinned ${expected.slice(0, 12)}…: the repo changed; nothing was downloaded (update the preset, or delete the pin in ${pinsFile(env)})`);
    }
    const local = await hubCall(s.hubUrl, `downloading ${where}`, () => quietly(() => downloadFileToCacheDir({...common, path: f.path, cacheDir: s.cacheDir})));
    const sha256 = await sha256File(local);
    const want = expected ?? hubSha;
    if (!want) throw new TlrError(`the Hub reports no sha256 for ${where} and the preset pins none: cannot verify it; add its sha256 to the preset`);
    if (sha256 !== want) {
      removeCached(local);
      throw new TlrError(
        `downloaded ${where} has sha256 ${sha256.slice(0, 12)}…, not the ${expected ? (f.sha256 ? "preset's" : "pinned") : "Hub's"} ${want.slice(0, 12)}…: the download is corrupt and was deleted from the cache; run tlr models pull ${name} again`,
      );
    }
    let check: PulledFile["check"] = f.sha256 ? "preset" : "pin";
    if (!expected) {
      pins[pinKey(preset.repo, preset.revision, f.path)] = sha256;
      mkdirSync(dirname(pinsFile(env)), {recursive: true});
      writeFileSync(pinsFile(env), JSON.stringify(pins, null, 1) + "\n");
      check = "pinned-now";
    }
    files.push({path: f.path, local, sha256, check});
  }
  return {name, repo: preset.repo, revision: preset.revision, model: files[0]!.local, files, cacheDir: s.cacheDir};
}

/**
 * Where a pulled model's first file lies in the cache, without the network: the newest snapshot
 * holding all its files. A model not pulled yet is a TlrError saying to pull it.
 */
export function cachedModelPath(name: string, options: HubOptions = {}): string {
  const preset = modelPreset(name);
  const s = hubSettings(options);
  const snapshots = join(s.cacheDir, getRepoFolderName(modelRepo(preset.repo)), "snapshots");
  const found = existsSync(snapshots)
    ? readdirSync(snapshots)
        .map((commit) => join(snapshots, commit))
        .filter((dir) => preset.files.every((f) => existsSync(join(dir, f.path))))
    : [];
  if (found.length === 0) throw new TlrError(`model ${name} (${preset.repo}) is not in the Hugging Face cache ${s.cacheDir}: run tlr models pull ${name}`);
  return join(found.sort().at(-1)!, preset.files[0]!.path);
}

/** Deletes a cached file: its snapshot link and the blob it points to. */
function removeCached(local: string): void {
  try {
    const blob = realpathSync(local);
    rmSync(blob, {force: true});
  } catch {
    // already gone
  }
  rmSync(local, {force: true});
}

async function hubCall<T>(hubUrl: string | undefined, what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof TlrError) throw error;
    throw new TlrError(`Hugging Face Hub ${hubUrl ?? "https://huggingface.co"}: ${what} failed: ${errorMessage(error).split(". URL:")[0]}; check the network and the preset`, {cause: error});
  }
}

/** downloadFileToCacheDir announces downloads with console.debug on stdout, which is for results. */
async function quietly<T>(call: () => Promise<T>): Promise<T> {
  const saved = console.debug;
  console.debug = () => {};
  try {
    return await call();
  } finally {
    console.debug = saved;
  }
}

import {createHash} from "node:crypto";
import {createReadStream, mkdirSync, readFileSync, realpathSync, statSync, writeFileSync} from "node:fs";
import os from "node:os";
import {dirname, join} from "node:path";

function cacheFile(): string {
  const base = process.env.TLR_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(os.homedir(), ".cache"), "tlr");
  return join(base, "sha256.json");
}

/**
 * The sha256 of a file, cached by (real path, size, mtime) so a 20 GB model is hashed once, not
 * at every sweep. The cache lives in $TLR_CACHE_DIR (default ~/.cache/tlr).
 */
export async function sha256File(path: string): Promise<string> {
  const real = realpathSync(path);
  const s = statSync(real);
  const key = `${real}:${s.size}:${s.mtimeMs}`;
  const file = cacheFile();
  let cache: Record<string, string> = {};
  try {
    cache = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    // no cache yet, or unreadable: start afresh
  }
  const hit = cache[key];
  if (hit) return hit;
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(real)) hash.update(chunk as Buffer);
  const digest = hash.digest("hex");
  try {
    mkdirSync(dirname(file), {recursive: true});
    // Re-read before writing so concurrent processes lose as little as possible.
    let fresh: Record<string, string> = {};
    try {
      fresh = JSON.parse(readFileSync(file, "utf8"));
    } catch {
      // first entry
    }
    writeFileSync(file, JSON.stringify({...fresh, [key]: digest}));
  } catch {
    // a read-only home is not an error: the hash is just not cached
  }
  return digest;
}

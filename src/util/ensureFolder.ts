import {existsSync, mkdirSync, rmSync, statSync, writeFileSync} from "node:fs";
import {dirname, join, resolve} from "node:path";
import {TlrError} from "./errors.ts";
import {FILE_ERROR_REASONS} from "./fileError.ts";

const REASONS: Record<string, string> = {...FILE_ERROR_REASONS, ENOENT: "its parent does not take new folders"};

/**
 * `mkdir -p` for an output folder a user named (`--out`, a config's `out`), failing with one line
 * that names it and says why. Hand-written because Node 20's own recursive mkdir never returns
 * under /proc (the kernel answers ENOENT for a new child of an existing folder, which Node takes
 * for a missing parent and retries forever): the missing folders are made one at a time, top down.
 * `what` names the folder in messages (e.g. "--out").
 */
export function ensureFolder(dir: string, what = "output folder"): void {
  const missing: string[] = [];
  let at = resolve(dir);
  while (!existsSync(at)) {
    missing.unshift(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  if (existsSync(at) && !statSync(at).isDirectory()) {
    throw new TlrError(`${what} ${dir}: ${at} is a file, not a folder; choose another path`);
  }
  for (const folder of missing) {
    try {
      mkdirSync(folder);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "";
      if (code === "EEXIST" && statSync(folder).isDirectory()) continue; // made meanwhile by another process
      throw new TlrError(`${what} ${dir} cannot be created: ${REASONS[code] ?? (error as Error).message} (${code || "error"} at ${folder}); choose a folder you can write to`, {cause: error});
    }
  }
  // An existing folder may still refuse files (read-only, /proc, root-owned): find out now, not after the work.
  const probe = join(resolve(dir), `.tlr-write-test-${process.pid}`);
  try {
    writeFileSync(probe, "");
    rmSync(probe);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    const why = code === "ENOENT" ? "the system refuses them" : (REASONS[code] ?? (error as Error).message);
    throw new TlrError(`${what} ${dir} does not take files: ${why} (${code || "error"}); choose a folder you can write to`, {cause: error});
  }
}

/**
 * An output file's folder made (as `ensureFolder`), and the file checked to be writable under the
 * temporary name atomic writes use (not a folder, not too long a name), before any work is done.
 */
export function prepareOutputFile(file: string, what = "output file"): void {
  ensureFolder(dirname(resolve(file)), `the folder of ${what}`);
  if (existsSync(file) && statSync(file).isDirectory()) throw new TlrError(`${what} ${file} is a folder; name a file`);
  const probe = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(probe, "");
    rmSync(probe);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    throw new TlrError(`${what} ${file.length > 80 ? `${file.slice(0, 60)}…` : file} cannot be written: ${REASONS[code] ?? (error as Error).message} (${code || "error"}); choose another name`, {cause: error});
  }
}

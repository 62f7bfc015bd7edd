import {copyFileSync, renameSync, rmSync, writeFileSync} from "node:fs";
import {TlrError} from "./errors.ts";

/** What the system said, in words, by errno code. */
export const FILE_ERROR_REASONS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "not permitted",
  EROFS: "a read-only file system",
  ENOSPC: "no space left on the device",
  EDQUOT: "over the disk quota",
  EIO: "an input/output error",
  ENAMETOOLONG: "the name is too long",
  ENOTDIR: "part of the path is a file, not a folder",
  EISDIR: "it is a folder",
  ENOENT: "its folder does not exist",
};

const WHAT_TO_DO: Record<string, string> = {
  ENOSPC: "free some space and run again",
  EDQUOT: "free some space and run again",
};

/**
 * A system error on `file` (the disk full, a read-only place…) as one line naming the file and
 * what to do, exit code 2: the user's machine refused, no bug. Any other error comes back as it is.
 */
export function fileError(action: string, file: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (error instanceof TlrError || typeof code !== "string" || !/^E[A-Z]+$/.test(code)) return error;
  const reason = FILE_ERROR_REASONS[code] ?? (error as Error).message;
  return new TlrError(`cannot ${action} ${file}: ${reason} (${code}); ${WHAT_TO_DO[code] ?? "choose a place you can write to"}`, {cause: error});
}

/** The temporary name an atomic write of `file` uses (removed whatever happens). */
export const tmpName = (file: string): string => `${file}.tmp-${process.pid}`;

/**
 * Writes a file atomically: a temporary file beside it, then a rename, so a crash never leaves half
 * a file. On any failure the temporary file is removed and the error names the file (`fileError`).
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const tmp = tmpName(file);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (error) {
    removeQuietly(tmp);
    throw fileError("write", file, error);
  }
}

/** Removes a temporary file after a failure without hiding that failure. */
export function removeQuietly(file: string): void {
  try {
    rmSync(file, {force: true});
  } catch {
    // not ours to remove (a folder in the way): the first error is the one to report
  }
}

/** Copies a file atomically, as `writeFileAtomic` writes one: never half a copy under the final name. */
export function copyFileAtomic(from: string, to: string): void {
  const tmp = tmpName(to);
  try {
    copyFileSync(from, tmp);
    renameSync(tmp, to);
  } catch (error) {
    removeQuietly(tmp);
    throw fileError("write", to, error);
  }
}

import {renameSync, rmSync, writeFileSync} from "node:fs";

/**
 * Writes a file under a temporary name and renames it into place, so a reader, a kill or a
 * Ctrl-C mid-write never leaves a half-written file under the real name.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, {force: true});
    throw error;
  }
}

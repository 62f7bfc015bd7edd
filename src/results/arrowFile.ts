import {closeSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync} from "node:fs";
import {tableFromIPC, tableToIPC, type Table} from "apache-arrow";
import {TlrError, errorMessage} from "../util/errors.ts";

/** Writes an Arrow IPC file atomically (temporary file + rename): a crash never leaves half a file. */
export function writeArrowFile(path: string, table: Table): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, tableToIPC(table, "file"));
  renameSync(tmp, path);
}

/** Reads an Arrow IPC file; a missing, truncated or foreign file is a one-line TlrError naming it. */
export function readArrowFile(path: string): Table {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new TlrError(`results file not found: ${path}`, {cause: error});
  }
  checkFraming(path, bytes.length, bytes.subarray(0, 6), bytes.subarray(bytes.length - 6));
  try {
    return tableFromIPC(bytes);
  } catch (error) {
    throw new TlrError(`${path} could not be read as Arrow: ${errorMessage(error)}`, {cause: error});
  }
}

// The IPC file format starts and ends with the magic "ARROW1"; a truncated file lacks the end.
const MAGIC = Buffer.from("ARROW1");

function checkFraming(path: string, size: number, head: Buffer, tail: Buffer): void {
  if (size < 12 || !head.equals(MAGIC) || !tail.equals(MAGIC)) {
    throw new TlrError(`${path} is not a complete Arrow IPC file (truncated or another format): re-run or re-merge the sweep that wrote it`);
  }
}

/**
 * Checks that a file is a complete Arrow IPC file without reading it: its first and last bytes
 * only, for files a command does not need but whose loss should not pass unnoticed. Errors as
 * readArrowFile's.
 */
export function checkArrowFile(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    throw new TlrError(`results file not found: ${path}`, {cause: error});
  }
  try {
    const size = statSync(path).size;
    const head = Buffer.alloc(6);
    const tail = Buffer.alloc(6);
    readSync(fd, head, 0, 6, 0);
    readSync(fd, tail, 0, 6, Math.max(0, size - 6));
    checkFraming(path, size, head, tail);
  } finally {
    closeSync(fd);
  }
}

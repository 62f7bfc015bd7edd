import {readFileSync, renameSync, writeFileSync} from "node:fs";
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
  // The IPC file format starts and ends with the magic "ARROW1"; a truncated file lacks the end.
  const magic = Buffer.from("ARROW1");
  if (bytes.length < 12 || !bytes.subarray(0, 6).equals(magic) || !bytes.subarray(bytes.length - 6).equals(magic)) {
    throw new TlrError(`${path} is not a complete Arrow IPC file (truncated or another format): re-run or re-merge the sweep that wrote it`);
  }
  try {
    return tableFromIPC(bytes);
  } catch (error) {
    throw new TlrError(`${path} could not be read as Arrow: ${errorMessage(error)}`, {cause: error});
  }
}

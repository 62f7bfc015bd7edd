import {closeSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync} from "node:fs";
import {RecordBatchFileWriter, tableFromIPC, tableToIPC, type RecordBatch, type Schema, type Table} from "apache-arrow";
import {TlrError, errorMessage} from "../util/errors.ts";
import {CompressedFileWriter} from "./arrowCompression.ts";

/**
 * How a file's record batches are stored: "zstd" compresses each buffer (the results files;
 * `loadZstd()` must have finished), "none" leaves them as they are. Readers need not be told:
 * the codec is in each batch's header, and reading any of them is built in.
 */
export interface ArrowWriteOptions {
  compression?: "zstd" | "none";
}

/** Results files and parts are ZSTD-compressed (README, "Results files"). */
export const COMPRESSED: ArrowWriteOptions = {compression: "zstd"};

const writerFor = (options: ArrowWriteOptions): RecordBatchFileWriter => (options.compression === "zstd" ? new CompressedFileWriter() : new RecordBatchFileWriter());

/** Writes an Arrow IPC file atomically (temporary file + rename): a crash never leaves half a file. */
export function writeArrowFile(path: string, table: Table, options: ArrowWriteOptions = {}): void {
  const tmp = `${path}.tmp-${process.pid}`;
  if (options.compression === "zstd") {
    const writer = writerFor(options);
    writer.writeAll(table);
    writeFileSync(tmp, writer.toUint8Array(true));
  } else {
    writeFileSync(tmp, tableToIPC(table, "file"));
  }
  renameSync(tmp, path);
}

/**
 * Writes an Arrow IPC file batch by batch, atomically like `writeArrowFile`: each batch's bytes
 * go to disk before the next is encoded, so memory stays at one batch however large the file
 * (`tableToIPC` would hold the whole encoded file, and a copy while joining it). Same bytes
 * format as `writeArrowFile`: one record batch per input batch.
 */
export async function writeArrowFileStreaming(path: string, schema: Schema, batches: Iterable<RecordBatch>, options: ArrowWriteOptions = {}): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w");
  const writer = writerFor(options);
  writer.reset(undefined, schema);
  // The writer queues its output until read: this loop writes each chunk as it is produced.
  const drained = (async () => {
    for await (const chunk of writer) {
      for (let off = 0; off < chunk.byteLength; ) off += writeSync(fd, chunk, off);
    }
  })();
  try {
    for (const batch of batches) {
      writer.write(batch);
      await new Promise<void>((resolve) => setImmediate(resolve)); // let the loop above drain it
    }
    writer.finish();
    writer.close();
    await drained;
  } catch (error) {
    writer.abort(error);
    await drained.catch(() => undefined); // stopped before the file is closed
    closeSync(fd);
    rmSync(tmp, {force: true});
    throw error;
  }
  closeSync(fd);
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

import {closeSync, openSync, readFileSync, readSync, renameSync, statSync, writeSync} from "node:fs";
import {RecordBatchFileWriter, tableFromIPC, tableToIPC, type RecordBatch, type Schema, type Table} from "apache-arrow";
import {TlrError, errorMessage} from "../util/errors.ts";
import {fileError, removeQuietly, tmpName, writeFileAtomic} from "../util/fileError.ts";
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

/** Writes an Arrow IPC file atomically (temporary file + rename): a crash never leaves half a file, a full disk no temporary one. */
export function writeArrowFile(path: string, table: Table, options: ArrowWriteOptions = {}): void {
  if (options.compression !== "zstd") return writeFileAtomic(path, tableToIPC(table, "file"));
  const writer = writerFor(options);
  writer.writeAll(table);
  writeFileAtomic(path, writer.toUint8Array(true));
}

/**
 * Writes an Arrow IPC file batch by batch, atomically like `writeArrowFile`: each batch's bytes
 * go to disk before the next is encoded, so memory stays at one batch however large the file
 * (`tableToIPC` would hold the whole encoded file, and a copy while joining it). Same bytes
 * format as `writeArrowFile`: one record batch per input batch.
 */
export async function writeArrowFileStreaming(path: string, schema: Schema, batches: Iterable<RecordBatch>, options: ArrowWriteOptions = {}): Promise<void> {
  const tmp = tmpName(path);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, "w");
    const out = fd;
    const writer = writerFor(options);
    writer.reset(undefined, schema);
    // The writer queues its output until read: this loop writes each chunk as it is produced.
    let failure: unknown; // the first thing that went wrong: the disk (ENOSPC) or the batches' source
    const drained = (async () => {
      for await (const chunk of writer) {
        for (let off = 0; off < chunk.byteLength; ) off += writeSync(out, chunk, off);
      }
    })().catch((error: unknown) => {
      failure ??= error; // handled at once (no unhandled rejection), thrown below
    });
    try {
      for (const batch of batches) {
        if (failure) break; // a full disk: stop encoding
        writer.write(batch);
        await new Promise<void>((resolve) => setImmediate(resolve)); // let the loop above drain it
      }
      if (!failure) {
        writer.finish();
        writer.close();
      }
    } catch (error) {
      failure ??= error;
    }
    if (failure) {
      try {
        writer.abort(failure);
      } catch {
        // its queue was closed by the failed drain: nothing left to abort
      }
    }
    await drained;
    if (failure) throw failure;
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    removeQuietly(tmp);
    throw fileError("write", path, error);
  }
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

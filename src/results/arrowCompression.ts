import {CompressionType, RecordBatchFileWriter, compressionRegistry} from "apache-arrow";
import {decompress} from "fzstd";

/**
 * ZSTD compression of Arrow IPC record-batch bodies, the codec that pyarrow, polars and DuckDB read
 * (LZ4_FRAME is the other one the format allows; ZSTD stores the results in about half its bytes).
 * apache-arrow 21 compresses and decompresses through codecs registered here, but ships none, and
 * Node 20 has no zstd of its own, so:
 * - decoding is `fzstd` (pure JavaScript, synchronous, nothing to load): every reader of results
 *   stays synchronous, notebooks included;
 * - encoding is `@foxglove/wasm-zstd` (zstd's C library compiled to WebAssembly), loaded on first
 *   need by `loadZstd()`, which writers await once before writing.
 */
export const RESULTS_COMPRESSION = CompressionType.ZSTD;

/** zstd's own default level: ~6× on token rows, at ~100 MB/s here. */
const LEVEL = 3;

// fzstd may return a view into a larger buffer; Arrow's readers need each decoded buffer aligned
// for its typed array (a Float64Array over an odd offset throws), so such views are copied.
const aligned = (bytes: Uint8Array): Uint8Array => (bytes.byteOffset % 8 === 0 ? bytes : bytes.slice());
const decode = (bytes: Uint8Array): Uint8Array => aligned(decompress(bytes));

compressionRegistry.set(RESULTS_COMPRESSION, {decode});

let loading: Promise<void> | undefined;

/** Loads the zstd encoder (~20 ms of WebAssembly compilation, once per process). */
export function loadZstd(): Promise<void> {
  loading ??= (async () => {
    const zstd = (await import("@foxglove/wasm-zstd")).default;
    await zstd.isLoaded;
    // Registering an encoder makes apache-arrow check it on a sample: it must be loaded by then.
    compressionRegistry.set(RESULTS_COMPRESSION, {encode: (bytes) => zstd.compress(bytes, LEVEL), decode});
  })();
  return loading;
}

/** Whether `loadZstd()` has finished: compressed writing needs it. */
export function zstdLoaded(): boolean {
  return compressionRegistry.get(RESULTS_COMPRESSION)?.encode !== undefined;
}

/**
 * apache-arrow 21.2's IPC file writer with ZSTD body compression, fixed to write what the format
 * says. Each compressed buffer starts with an 8-byte prefix that must hold the buffer's
 * *uncompressed* length (or −1 when it is stored uncompressed); apache-arrow 21.2 writes the
 * compressed length there, which its own reader ignores but pyarrow and polars refuse ("Malformed
 * IPC file: got decompressed buffer length which is not a multiple of the data type"; fixed
 * upstream in apache/arrow-js#470, not yet released). This subclass lets the library compress, then
 * sets each prefix to its input buffer's length; with a release that carries the fix it changes
 * nothing.
 */
export class CompressedFileWriter extends RecordBatchFileWriter {
  constructor(options: {autoDestroy?: boolean} = {}) {
    if (!zstdLoaded()) throw new Error("CompressedFileWriter needs the zstd encoder: await loadZstd() first");
    super({...options, compressionType: RESULTS_COMPRESSION});
  }

  protected override _compressBodyBuffers(buffers: ArrayBufferView[]): ReturnType<RecordBatchFileWriter["_compressBodyBuffers"]> {
    const out = super._compressBodyBuffers(buffers);
    // The library emits a [prefix, body] pair per input buffer (two empty arrays for an empty one).
    buffers.forEach((input, i) => {
      const prefix = out.buffers[2 * i]!;
      if (prefix.byteLength !== 8) return;
      const view = new DataView(prefix.buffer, prefix.byteOffset, 8);
      if (view.getBigInt64(0, true) !== -1n) view.setBigInt64(0, BigInt(input.byteLength), true);
    });
    return out;
  }
}

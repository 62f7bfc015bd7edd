import {parquetReadObjects} from "hyparquet";
import {TlrError, errorMessage} from "../util/errors.ts";

/** The rows of a parquet file as plain objects (hyparquet: plain TypeScript, snappy built in). */
export async function readParquet(data: Uint8Array, file: string): Promise<Record<string, unknown>[]> {
  try {
    const buffer = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
    return await parquetReadObjects({file: buffer});
  } catch (error) {
    throw new TlrError(`${file}: not a readable parquet file (${errorMessage(error)}); delete it and download it again`, {cause: error});
  }
}

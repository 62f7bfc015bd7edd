import {stat} from "node:fs/promises";
import {basename} from "node:path";
import {readGgufFileInfo, type GgufFileInfo} from "node-llama-cpp";
import {TlrError, errorMessage} from "../util/errors.ts";

/** What the project needs to know about a GGUF file before loading its weights. */
export interface GgufSummary {
  path: string;
  /** GGUF general.name, else the file name. */
  name: string;
  architecture: string;
  sizeBytes: number;
  parameters: number;
  tensorCount: number;
  trainContextSize: number | undefined;
  info: GgufFileInfo;
}

/**
 * Reads a GGUF header and checks the file can hold what the header promises, so a missing,
 * foreign or truncated file becomes one clear error before llama.cpp tries to map it.
 * (llama.cpp re-checks every tensor's bounds at load time; this catches the common cases early.)
 */
export async function inspectModelFile(path: string, role = "model"): Promise<GgufSummary> {
  const info = await readHeader(path, role);
  const sizeBytes = (await stat(path)).size;
  const tensors = info.fullTensorInfo ?? info.tensorInfo ?? [];
  if (tensors.length === 0) {
    throw new TlrError(`${role} file ${path} holds no weights (a vocabulary-only GGUF?): pass a full model file`);
  }
  const lastTensorStart = Math.max(...tensors.filter((t) => (t.filePart ?? 1) === 1).map((t) => Number(t.fileOffset)));
  const headerEnd = info.infoEndOffset ?? 0;
  if (sizeBytes < headerEnd || sizeBytes <= lastTensorStart) {
    throw new TlrError(
      `${role} file ${path} is truncated: ${sizeBytes} bytes, but its header places tensor data beyond byte ${Math.max(lastTensorStart, headerEnd)}; download it again`,
    );
  }
  let parameters = 0;
  for (const t of tensors) parameters += t.dimensions.reduce<number>((a, d) => a * Number(d), 1);
  const arch = String(info.metadata?.general?.architecture ?? "unknown");
  const archMeta = (info.metadata as unknown as Record<string, {context_length?: number} | undefined>)[arch];
  return {
    path,
    name: String(info.metadata?.general?.name ?? basename(path, ".gguf")),
    architecture: arch,
    sizeBytes,
    parameters,
    tensorCount: tensors.length,
    trainContextSize: archMeta?.context_length,
    info,
  };
}

/**
 * Reads a GGUF header (metadata and tensor table); failures become one-line errors naming the
 * file. node-llama-cpp's reader fills bytes past the end of a short file with zeros instead of
 * failing, so a header that ends beyond the file's size is reported as truncated here.
 */
export async function readHeader(path: string, role: string): Promise<GgufFileInfo> {
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new TlrError(`${role} file ${path} is not a file`);
    size = s.size;
  } catch (error) {
    if (error instanceof TlrError) throw error;
    throw new TlrError(`${role} file not found: ${path}`, {cause: error});
  }
  let info: GgufFileInfo;
  try {
    info = await readGgufFileInfo(path, {readTensorInfo: true, logWarnings: false});
  } catch (error) {
    throw new TlrError(`${role} file ${path} is not a readable GGUF file: ${errorMessage(error)}`, {cause: error});
  }
  // infoEndOffset is rounded up to the data alignment, which a file without tensors need not pad to.
  const headerEnd = (info.tensorInfo?.length ?? 0) > 0 ? Math.max(info.metadataSize, info.infoEndOffset ?? 0) : info.metadataSize;
  if (size < headerEnd) {
    throw new TlrError(`${role} file ${path} is truncated: ${size} bytes, but its header alone ends at byte ${headerEnd}; download it again`);
  }
  return info;
}

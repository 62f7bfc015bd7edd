/**
 * The token rows of one question's runs, packed for the report's question browser: per token the
 * router score (float32), an index into the report's dictionary of distinct (id, piece) pairs
 * (uint16, or uint32 when the dictionary is larger) and whether the large model wrote it (a
 * byte). Runs follow each other in the question's run order; each block is little-endian and
 * holds all of the question's tokens, scores first so every block stays aligned.
 *
 * Why not JSON: a question of the quickstart has ~1,400 token rows over 14 runs; as numbers
 * and strings in JSON that is ~60 bytes a token, packed it is 7 (and gzip, applied by the
 * writer, shares the long prefixes that thresholds' runs have in common). Pure: the Node side
 * packs, the page unpacks, with the same code.
 */
export interface PackedRun {
  /** Dictionary index per token. */
  entries: ArrayLike<number>;
  /** 1 where the large model wrote the token. */
  large: ArrayLike<number>;
  scores: ArrayLike<number>;
}

export interface UnpackedRun {
  entries: Uint32Array;
  large: Uint8Array;
  scores: Float32Array;
}

const entryBytes = (wide: boolean) => (wide ? 4 : 2);

/** Whether a dictionary of this size needs 32-bit indices. */
export const needsWide = (dictionarySize: number): boolean => dictionarySize > 0xffff;

export function packRuns(runs: readonly PackedRun[], wide: boolean): Uint8Array {
  const total = runs.reduce((n, r) => n + r.entries.length, 0);
  const w = entryBytes(wide);
  const bytes = new Uint8Array(total * (4 + w + 1));
  const view = new DataView(bytes.buffer);
  let at = 0;
  for (const run of runs) {
    if (run.large.length !== run.entries.length || run.scores.length !== run.entries.length) throw new Error("packRuns: a run's columns differ in length");
    for (let i = 0; i < run.entries.length; i++, at++) {
      view.setFloat32(at * 4, run.scores[i]!, true);
      if (wide) view.setUint32(total * 4 + at * 4, run.entries[i]!, true);
      else view.setUint16(total * 4 + at * 2, run.entries[i]!, true);
      bytes[total * (4 + w) + at] = run.large[i]!;
    }
  }
  return bytes;
}

/** The runs back from `packRuns`' bytes, given each run's token count. */
export function unpackRuns(bytes: Uint8Array, counts: readonly number[], wide: boolean): UnpackedRun[] {
  const total = counts.reduce((a, b) => a + b, 0);
  const w = entryBytes(wide);
  if (bytes.length !== total * (4 + w + 1)) throw new Error(`token block of ${bytes.length} bytes does not hold ${total} tokens`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const runs: UnpackedRun[] = [];
  let at = 0;
  for (const n of counts) {
    const run: UnpackedRun = {entries: new Uint32Array(n), large: new Uint8Array(n), scores: new Float32Array(n)};
    for (let i = 0; i < n; i++, at++) {
      run.scores[i] = view.getFloat32(at * 4, true);
      run.entries[i] = wide ? view.getUint32(total * 4 + at * 4, true) : view.getUint16(total * 4 + at * 2, true);
      run.large[i] = bytes[total * (4 + w) + at]!;
    }
    runs.push(run);
  }
  return runs;
}

import {mkdtempSync, readFileSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {tableFromIPC, type Table} from "apache-arrow";
import pl from "nodejs-polars";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {TOKEN_COLUMNS, type TokenRow} from "../../src/index.ts";
import {CompressedFileWriter, loadZstd} from "../../src/results/arrowCompression.ts";
import {readArrowFile, writeArrowFile, writeArrowFileStreaming} from "../../src/results/arrowFile.ts";
import {buildTable, readTable, schemaOf} from "../../src/results/columns.ts";
import {unifyDictionaries} from "../../src/results/unifyDictionaries.ts";
import {BEFORE_POLICIES_TOKEN} from "../../src/results/schema.ts";

// One folder for the file: the third test reads what the first wrote.
const dir = mkdtempSync(join(tmpdir(), "tlr-compact-"));
beforeAll(() => loadZstd());
afterAll(() => rmSync(dir, {recursive: true, force: true}));

/** Token rows of one question: `runs` runs sharing their first steps, as a sweep's thresholds do. */
function question(q: number, routers: string[], pieces: string[]): TokenRow[] {
  return routers.flatMap((router, r) =>
    Array.from({length: 30}, (_, step): TokenRow => {
      const shared = step < 10 + r; // runs part after a shared prefix
      const id = shared ? (q * 7 + step) % pieces.length : (q + step * (r + 2)) % pieces.length;
      return {
        dataset: "toy_arith", pair: "toy-arith", router, threshold: r / 10, questionIndex: q, step, tokenId: id, piece: pieces[id]!, source: step % 5 === 0 && !shared ? "large" : "small",
        score: shared ? 0.5 + step / 100 : Math.sin(step * r), smallToken: id, smallMaxProb: 0.9, smallMargin: 0.5, smallEntropy: 0.25,
        smallTopIds: [id, 1, 2], smallTopLogprobs: [-0.125, -2.5, -3], largeToken: step % 5 === 0 ? id : null, largeMaxProb: step % 5 === 0 ? 0.75 : null,
        smallEvaluated: 1, largeEvaluated: step % 5 === 0 ? 5 : 0, smallMs: 0.5, largeMs: 0, probeMs: 0, routerMs: 0.01, netMs: 0, bytesUp: 0, bytesDown: 0, tMs: step, smallPadded: null, largePadded: null, ...BEFORE_POLICIES_TOKEN,
      };
    }),
  );
}

/** Records, for each buffer the writer compresses, the length prefix it wrote and the buffer's own length. */
class RecordingWriter extends CompressedFileWriter {
  readonly seen: {prefix: bigint; length: number}[] = [];
  protected override _compressBodyBuffers(buffers: ArrayBufferView[]): ReturnType<CompressedFileWriter["_compressBodyBuffers"]> {
    const out = super._compressBodyBuffers(buffers);
    buffers.forEach((input, i) => {
      const prefix = out.buffers[2 * i]!;
      if (prefix.byteLength === 8) this.seen.push({prefix: new DataView(prefix.buffer, prefix.byteOffset, 8).getBigInt64(0, true), length: input.byteLength});
    });
    return out;
  }
}

describe("compact results files", () => {
  const pieces = ["0", "1", "2", " ", "+", "=", "A", ".", "\n", "Therefore"];
  const rows = [0, 1, 2].flatMap((q) => question(q, ["small-only", "max-prob", "random(seed=0)"], pieces));

  it("round-trip through ZSTD-compressed IPC, read back equal by apache-arrow and by polars", () => {
    const file = join(dir, "tokens.arrow");
    writeArrowFile(file, buildTable(TOKEN_COLUMNS, rows, new Map([["tlr.test", "1"]])), {compression: "zstd"});
    expect(readTable(TOKEN_COLUMNS, readArrowFile(file), file)).toEqual(rows.map((r) => ({...r, smallTopLogprobs: r.smallTopLogprobs.map(Math.fround)})));
    const df = pl.readIPC(readFileSync(file));
    expect(df.getColumn("piece").toArray()).toEqual(rows.map((r) => r.piece));
    expect(df.getColumn("router").toArray()).toEqual(rows.map((r) => r.router));
    expect(df.getColumn("score").toArray()).toEqual(rows.map((r) => r.score));
    expect(String(df.getColumn("piece").dtype)).toBe("DataType(Categorical)");
  });

  it("each compressed buffer's prefix holds its uncompressed length, as the format says (apache-arrow 21.2 writes the compressed one)", () => {
    const writer = new RecordingWriter();
    writer.writeAll(buildTable(TOKEN_COLUMNS, rows, new Map()));
    const compressed = writer.seen.filter((b) => b.prefix !== -1n);
    expect(compressed.length).toBeGreaterThan(10);
    for (const b of compressed) expect(Number(b.prefix)).toBe(b.length);
    // and the bytes decode to a table equal to the input (what polars checks against the prefix)
    expect(tableFromIPC(writer.toUint8Array(true)).numRows).toBe(rows.length);
  });

  it("parts with their own dictionaries stream into one file with one dictionary per column, rows unchanged", async () => {
    const parts: Table[] = [0, 1, 2].map((q) => buildTable(TOKEN_COLUMNS, rows.filter((r) => r.questionIndex === q), new Map()));
    // Each part's piece dictionary holds only its own pieces, in its own order.
    expect(parts.map((t) => [...t.getChild("piece")!.data[0]!.dictionary!])).not.toEqual([[...pieces], [...pieces], [...pieces]]);
    const slices = parts.flatMap((t) => [t.slice(0, 40), t.slice(40)]); // as consolidation slices parts per question
    const {schema, batches} = unifyDictionaries(slices, schemaOf(TOKEN_COLUMNS, new Map([["tlr.test", "2"]])));
    const file = join(dir, "unified.arrow");
    await writeArrowFileStreaming(file, schema, batches(), {compression: "zstd"});
    const back = readArrowFile(file);
    expect(back.schema.metadata.get("tlr.test")).toBe("2");
    expect(back.batches).toHaveLength(slices.length);
    const dictionaries = new Set(back.batches.map((b) => b.getChild("piece")!.data[0]!.dictionary));
    expect(dictionaries.size).toBe(1);
    expect(readTable(TOKEN_COLUMNS, back, file)).toEqual(readTable(TOKEN_COLUMNS, tableFromIPC(readFileSync(join(dir, "tokens.arrow"))), file));
    expect(pl.readIPC(readFileSync(file)).getColumn("source").toArray()).toEqual(rows.map((r) => r.source));
  });
});

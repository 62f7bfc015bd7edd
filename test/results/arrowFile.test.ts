import {mkdtempSync, readdirSync, readFileSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {RecordBatch, Schema, Table, tableToIPC, Utf8, vectorFromArray} from "apache-arrow";
import {afterAll, describe, expect, it} from "vitest";
import {readArrowFile, writeArrowFileStreaming} from "../../src/results/arrowFile.ts";

const dir = mkdtempSync(join(tmpdir(), "tlr-arrow-"));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

/** A table of several record batches, some of them slices (as consolidation writes them). */
function manyBatches(): {schema: Schema; batches: RecordBatch[]} {
  const parts = [0, 1, 2].map((k) =>
    new Table({
      step: vectorFromArray(Int32Array.from({length: 1000}, (_, i) => i + k)),
      score: vectorFromArray(Float64Array.from({length: 1000}, (_, i) => i / (k + 1))),
      piece: vectorFromArray(Array.from({length: 1000}, (_, i) => `p${k}-${i}`), new Utf8()), // plain, as the results' columns
    }),
  );
  const schema = new Schema(parts[0]!.schema.fields, new Map([["tlr.test", "yes"]]));
  const slices = parts.flatMap((t, k) => (k === 1 ? [t.slice(0, 300), t.slice(300)] : [t])).flatMap((t) => t.batches);
  return {schema, batches: slices.map((b) => new RecordBatch(schema, b.data))};
}

describe("writeArrowFileStreaming", () => {
  it("writes the same bytes as tableToIPC, batch by batch, and leaves no temporary file", async () => {
    const {schema, batches} = manyBatches();
    const path = join(dir, "streamed.arrow");
    await writeArrowFileStreaming(path, schema, batches);
    expect(readFileSync(path).equals(Buffer.from(tableToIPC(new Table(schema, batches), "file")))).toBe(true);
    const back = readArrowFile(path);
    expect(back.numRows).toBe(3000);
    expect(back.batches.length).toBe(4);
    expect(back.schema.metadata.get("tlr.test")).toBe("yes");
    expect(back.getChild("piece")!.get(1300)).toBe("p1-300");
    expect(readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });

  it("a failing batch source leaves neither the file nor a temporary", async () => {
    const {schema, batches} = manyBatches();
    const path = join(dir, "failed.arrow");
    const failing = (function* () {
      yield batches[0]!;
      throw new Error("source failed");
    })();
    await expect(writeArrowFileStreaming(path, schema, failing)).rejects.toThrow("source failed");
    expect(readdirSync(dir).filter((f) => f.startsWith("failed"))).toEqual([]);
  });
});

import {Dictionary, Field, Int32, RecordBatch, Schema, Struct, Utf8, makeData, vectorFromArray, type Data, type Table, type Vector} from "apache-arrow";

/**
 * Re-encodes the dictionary columns of several tables (parts written apart, each with the
 * dictionaries of its own rows) against one dictionary per column, so their batches can go into
 * one IPC file: the file format allows a single dictionary per field (apache-arrow refuses a
 * replacement, and delta dictionaries are not read back by every reader). Values keep the order
 * they are first met in, so the same rows always give the same file. Only the index arrays are
 * rewritten; every other column is passed through untouched.
 */
export function unifyDictionaries(tables: readonly Table[], metadata: Map<string, string>): {schema: Schema; batches: () => Generator<RecordBatch>} {
  const first = tables[0]!.schema;
  const dictionaryColumns = first.fields.flatMap((f, i) => (f.type instanceof Dictionary ? [i] : []));
  const global = new Map<number, {index: Map<string, number>; values: string[]}>(dictionaryColumns.map((i) => [i, {index: new Map(), values: []}]));
  for (const table of tables) {
    for (const batch of table.batches) {
      for (const i of dictionaryColumns) {
        const g = global.get(i)!;
        for (const v of batch.data.children[i]!.dictionary as Vector<Utf8>) {
          if (v !== null && !g.index.has(v)) g.index.set(v, g.values.push(v) - 1);
        }
      }
    }
  }
  const fields = first.fields.map((f, i) => (global.has(i) ? new Field(f.name, new Dictionary(new Utf8(), new Int32(), i), f.nullable) : f));
  const schema = new Schema(fields, metadata);
  const dictionaries = new Map([...global].map(([i, g]) => [i, vectorFromArray(g.values, new Utf8())]));
  // How each source dictionary's indices map onto the file's (sources repeat across a part's slices).
  const mappings = new WeakMap<object, Int32Array>();
  const mapping = (i: number, source: Vector): Int32Array => {
    let m = mappings.get(source);
    if (!m) {
      const index = global.get(i)!.index;
      m = Int32Array.from(source as Vector<Utf8>, (v) => (v === null ? 0 : index.get(v)!));
      mappings.set(source, m);
    }
    return m;
  };
  const reencode = (i: number, data: Data): Data => {
    const m = mapping(i, data.dictionary!);
    const indices = new Int32Array(data.length);
    // A slice's values are already cut to it (apache-arrow slices the data buffer; \`offset\` counts for the validity bits only).
    const source = data.values as Int32Array;
    let nullBitmap: Uint8Array | undefined;
    if (data.nullCount > 0) nullBitmap = new Uint8Array(Math.ceil(data.length / 8));
    for (let k = 0; k < data.length; k++) {
      if (nullBitmap && !data.getValid(k)) continue;
      if (nullBitmap) nullBitmap[k >> 3]! |= 1 << (k & 7);
      indices[k] = m[source[k]!]!;
    }
    return makeData({type: fields[i]!.type as Dictionary<Utf8, Int32>, length: data.length, nullCount: data.nullCount, nullBitmap, data: indices, dictionary: dictionaries.get(i)!});
  };
  return {
    schema,
    *batches() {
      for (const table of tables) {
        for (const batch of table.batches) {
          const children = batch.data.children.map((c, i) => (global.has(i) ? reencode(i, c) : c));
          yield new RecordBatch(schema, makeData({type: new Struct(fields), length: batch.numRows, nullCount: 0, children}));
        }
      }
    },
  };
}

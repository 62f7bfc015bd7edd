import {Dictionary, Field, Int32, RecordBatch, Schema, Struct, Utf8, makeData, makeVector, vectorFromArray, type Data, type Table, type Vector} from "apache-arrow";

/**
 * Re-encodes the string columns of several tables (parts written apart, each with the
 * dictionaries of its own rows; or results files of schema 1 and 2, whose strings are plain) against
 * one dictionary per column of `target`, so their batches can go into one IPC file: the file format
 * allows a single dictionary per field (apache-arrow refuses a replacement, and delta dictionaries
 * are not read back by every reader). Columns are matched by name. Values keep the order they are
 * first met in, so the same rows always give the same file. Only the index arrays are rewritten;
 * every other column is passed through untouched. A column a table lacks (one added since it was
 * written) takes the value `missing` gives it on every row; a column with none there is an error.
 */
export function unifyDictionaries(tables: readonly Table[], target: Schema, missing: Readonly<Record<string, unknown>> = {}): {schema: Schema; batches: () => Generator<RecordBatch>} {
  const dictionaryColumns = target.fields.flatMap((f, i) => (f.type instanceof Dictionary ? [i] : []));
  const global = new Map<number, {index: Map<string, number>; values: string[]}>(dictionaryColumns.map((i) => [i, {index: new Map(), values: []}]));
  /** The column's index in `table`, or -1 for a column it lacks that `missing` fills. */
  const sourceIndex = (table: Table, name: string): number => {
    const i = table.schema.fields.findIndex((f) => f.name === name);
    if (i < 0 && !(name in missing)) throw new Error(`a token table lacks the column ${name}`);
    return i;
  };
  const strings = (data: Data): Iterable<string | null> => (data.type instanceof Dictionary ? (data.dictionary as Vector<Utf8>) : makeVector(data as Data<Utf8>));
  for (const table of tables) {
    for (const batch of table.batches) {
      for (const i of dictionaryColumns) {
        const g = global.get(i)!;
        const c = sourceIndex(table, target.fields[i]!.name);
        const values = c < 0 ? [missing[target.fields[i]!.name] as string | null] : strings(batch.data.children[c]!);
        for (const v of values) {
          if (v !== null && !g.index.has(v)) g.index.set(v, g.values.push(v) - 1);
        }
      }
    }
  }
  const fields = target.fields.map((f, i) => (global.has(i) ? new Field(f.name, new Dictionary(new Utf8(), new Int32(), i), f.nullable) : f));
  const schema = new Schema(fields, target.metadata);
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
    const indices = new Int32Array(data.length);
    let nullBitmap: Uint8Array | undefined;
    if (data.nullCount > 0) nullBitmap = new Uint8Array(Math.ceil(data.length / 8));
    const valid = (k: number) => {
      if (!nullBitmap) return true;
      if (!data.getValid(k)) return false;
      nullBitmap[k >> 3]! |= 1 << (k & 7);
      return true;
    };
    if (data.type instanceof Dictionary) {
      const m = mapping(i, data.dictionary!);
      // A slice's values are already cut to it (apache-arrow slices the data buffer; `offset` counts for the validity bits only).
      const source = data.values as Int32Array;
      for (let k = 0; k < data.length; k++) if (valid(k)) indices[k] = m[source[k]!]!;
    } else {
      const index = global.get(i)!.index;
      const source = makeVector(data as Data<Utf8>);
      for (let k = 0; k < data.length; k++) if (valid(k)) indices[k] = index.get(source.get(k)!)!;
    }
    return makeData({type: fields[i]!.type as Dictionary<Utf8, Int32>, length: data.length, nullCount: data.nullCount, nullBitmap, data: indices, dictionary: dictionaries.get(i)!});
  };
  /** A column of `length` rows that all hold `missing`'s value for field `i`. */
  const constant = (i: number, length: number): Data => {
    const value = missing[fields[i]!.name];
    if (!global.has(i)) return vectorFromArray(Array.from({length}, () => value), fields[i]!.type).data[0]!;
    const index = value === null ? 0 : global.get(i)!.index.get(value as string)!;
    const nullBitmap = value === null ? new Uint8Array(Math.ceil(length / 8)) : undefined;
    return makeData({type: fields[i]!.type as Dictionary<Utf8, Int32>, length, nullCount: value === null ? length : 0, nullBitmap, data: new Int32Array(length).fill(index), dictionary: dictionaries.get(i)!});
  };
  return {
    schema,
    *batches() {
      for (const table of tables) {
        const columns = fields.map((f) => sourceIndex(table, f.name));
        for (const batch of table.batches) {
          const children = columns.map((c, i) => (c < 0 ? constant(i, batch.numRows) : global.has(i) ? reencode(i, batch.data.children[c]!) : batch.data.children[c]!));
          yield new RecordBatch(schema, makeData({type: new Struct(fields), length: batch.numRows, nullCount: 0, children}));
        }
      }
    },
  };
}

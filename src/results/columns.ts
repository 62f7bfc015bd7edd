import {Bool, Dictionary, Field, Float32, Float64, Int32, Int64, List, Schema, Table, Utf8, makeTable, vectorFromArray, type DataType} from "apache-arrow";

/**
 * Column types used by the results files ("?" = nullable). "dict" is a dictionary-encoded string
 * (int32 indices into the column's distinct values): the names that repeat on every row (dataset,
 * pair, router, token piece…) are stored once per file; pyarrow and polars read it as a
 * dictionary / Categorical column of strings.
 */
export type ColumnType = "utf8" | "utf8?" | "dict" | "dict?" | "f64" | "f64?" | "i32" | "i32?" | "i64" | "bool" | "bool?" | "list<i32>" | "list<f32>";

/** One column: its Arrow name (snake_case), type, meaning, and how to read it off a row. */
export interface Column<R> {
  readonly name: string;
  readonly key: keyof R & string;
  readonly type: ColumnType;
  readonly doc: string;
  /**
   * Added to a file after files without it were written (a nullable column): reading a file that
   * lacks it gives null instead of refusing the file, so older results folders stay readable.
   */
  readonly optional?: boolean;
}

/** The JavaScript value a column type holds (i64 as a number: counts of bytes stay far below 2^53). */
export type ColumnValue<T extends ColumnType> = T extends "utf8" | "dict"
  ? string
  : T extends "utf8?" | "dict?"
    ? string | null
    : T extends "f64" | "i32" | "i64"
      ? number
      : T extends "f64?" | "i32?"
        ? number | null
        : T extends "bool"
          ? boolean
          : T extends "bool?"
            ? boolean | null
            : number[];

/**
 * The row type a column table describes: one field per column, named by its `key`, typed by its
 * `type`. Declared `as const`, a table is then the one place a results row's fields are written.
 */
export type RowOf<C extends readonly {readonly key: string; readonly type: ColumnType}[]> = {
  -readonly [K in C[number] as K["key"]]: ColumnValue<K["type"]>;
};

function arrowType(t: ColumnType): DataType {
  switch (t.replace("?", "")) {
    case "utf8": return new Utf8();
    case "dict": return new Dictionary(new Utf8(), new Int32());
    case "f64": return new Float64();
    case "i32": return new Int32();
    case "i64": return new Int64();
    case "bool": return new Bool();
    case "list<i32>": return new List(new Field("item", new Int32(), false));
    case "list<f32>": return new List(new Field("item", new Float32(), false));
  }
  throw new Error(`unknown column type ${t}`);
}

export function schemaOf<R>(columns: readonly Column<R>[], metadata: Map<string, string> = new Map()): Schema {
  return new Schema(columns.map((c) => new Field(c.name, arrowType(c.type), c.type.endsWith("?"))), metadata);
}

/** A table with exactly these columns (types explicit: never inferred) and schema metadata. */
export function buildTable<R>(columns: readonly Column<R>[], rows: readonly R[], metadata: Map<string, string>): Table {
  const vectors: Record<string, ReturnType<typeof vectorFromArray>> = {};
  for (const c of columns) {
    let values: unknown[] = rows.map((r) => r[c.key]);
    if (c.type === "i64") values = values.map((v) => BigInt(v as number));
    vectors[c.name] = vectorFromArray(values, arrowType(c.type) as never);
  }
  if (rows.length === 0) return new Table(schemaOf(columns, metadata));
  const table = makeTable(vectors as never) as unknown as Table;
  // The batches carry the fields vectorFromArray built from the explicit types; attach the metadata.
  return new Table(new Schema(table.schema.fields, metadata), table.batches);
}

/** Rows back from a table, converted to plain JS values (numbers, strings, arrays, null). */
export function readTable<R>(columns: readonly Column<R>[], table: Table, file: string): R[] {
  const missing = columns.filter((c) => !c.optional && !table.getChild(c.name)).map((c) => c.name);
  if (missing.length > 0) throw new Error(`${file} lacks the column(s) ${missing.join(", ")}`);
  const rows: Record<string, unknown>[] = Array.from({length: table.numRows}, () => ({}));
  for (const c of columns) {
    const vector = table.getChild(c.name);
    if (!vector) {
      for (const row of rows) row[c.key] = null;
      continue;
    }
    for (let i = 0; i < table.numRows; i++) {
      let v: unknown = vector.get(i);
      if (v !== null && (c.type === "list<i32>" || c.type === "list<f32>")) v = Array.from(v as Iterable<number>);
      else if (typeof v === "bigint") v = Number(v);
      rows[i]![c.key] = v;
    }
  }
  return rows as R[];
}

import {readdirSync, readFileSync} from "node:fs";
import {dirname, join, relative, resolve, sep} from "node:path";
import ts from "typescript";

/**
 * The floors of src/, lowest first (README's Layout lists the same). A folder may import its own
 * files and folders on lower floors, never a folder on a higher floor or another folder on its own
 * floor. Files directly in src/ (index.ts) are the folder "index", above everything.
 */
export const FLOORS: readonly (readonly string[])[] = [
  ["util"],
  ["core"],
  ["wire"],
  ["data"],
  ["tasks"],
  ["models"],
  ["routing"],
  ["decoding"],
  ["results"],
  ["learn", "report"],
  ["sweep", "plots", "server"],
  ["demo"],
  ["cli"],
  ["index"],
];

/** One import between two top-level folders of src/. */
export interface FolderImport {
  from: string;
  to: string;
  /** The importing file and the specifier, for messages. */
  file: string;
  specifier: string;
}

/** The top-level folder of a path under `srcDir` ("index" for files directly in it). */
export function folderOf(srcDir: string, file: string): string {
  const parts = relative(srcDir, file).split(sep);
  return parts.length > 1 ? parts[0]! : "index";
}

/**
 * Every relative import of every .ts file under `srcDir` that crosses folders: static `import` and
 * `export … from`, side-effect imports and dynamic `import("…")` strings, as TypeScript's own
 * pre-processor reads them (no hand-written parsing of import syntax).
 */
export function folderImports(srcDir: string): FolderImport[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, {withFileTypes: true})) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith(".ts")) files.push(p);
    }
  };
  walk(srcDir);
  const out: FolderImport[] = [];
  for (const file of files) {
    const {importedFiles} = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    for (const {fileName: specifier} of importedFiles) {
      if (!specifier.startsWith(".")) continue; // packages and node: builtins
      const from = folderOf(srcDir, file);
      const to = folderOf(srcDir, resolve(dirname(file), specifier));
      if (from !== to) out.push({from, to, file: relative(srcDir, file), specifier});
    }
  }
  return out;
}

/** What is wrong with an import graph under the floors: one line per problem (none when it is sound). */
export function layerViolations(imports: readonly FolderImport[], floors: readonly (readonly string[])[] = FLOORS): string[] {
  const floorOf = new Map(floors.flatMap((folders, i) => folders.map((f) => [f, i] as const)));
  const problems: string[] = [];
  for (const i of imports) {
    const a = floorOf.get(i.from);
    const b = floorOf.get(i.to);
    const at = `${i.file} imports ${i.specifier}`;
    if (a === undefined || b === undefined) problems.push(`${at}: folder ${a === undefined ? i.from : i.to} is on no floor (add it to FLOORS and README's Layout)`);
    else if (b > a) problems.push(`${at}: ${i.from} (floor ${a + 1}) imports ${i.to}, a higher floor (${b + 1})`);
    else if (b === a) problems.push(`${at}: ${i.from} and ${i.to} share floor ${a + 1} and must not import each other`);
  }
  for (const cycle of folderCycles(imports)) problems.push(`import cycle between folders: ${cycle.join(" → ")}`);
  return problems;
}

/** The cycles of the folder graph, each as a path that returns to its start (one per strongly connected component). */
export function folderCycles(imports: readonly FolderImport[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const i of imports) (next.get(i.from) ?? next.set(i.from, new Set()).get(i.from)!).add(i.to);
  // Tarjan's strongly connected components; a component of two or more folders holds a cycle.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) cycles.push(cyclePath(component, next));
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) visit(v);
  return cycles;
}

/** A path through a strongly connected component that comes back to its first folder. */
function cyclePath(component: string[], next: Map<string, Set<string>>): string[] {
  const inside = new Set(component);
  const start = [...component].sort()[0]!;
  // Breadth-first from start back to start inside the component: the shortest cycle through it.
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of [...(next.get(v) ?? [])].sort()) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let u = v; u !== start; u = previous.get(u)!) path.splice(1, 0, u);
        return [...path, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [...component, component[0]!];
}

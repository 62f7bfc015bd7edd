import {mkdirSync, readFileSync, writeFileSync} from "node:fs";
import {dirname, join} from "node:path";
import {describe, expect, it} from "vitest";
import {repoRoot} from "../support/helpers.ts";
import {tempDir} from "../support/tempDir.ts";
import {FLOORS, folderCycles, folderImports, layerViolations, type FolderImport} from "./floors.ts";

const src = join(repoRoot, "src");
const edge = (from: string, to: string): FolderImport => ({from, to, file: `${from}/x.ts`, specifier: `../${to}/y.ts`});

describe("the floors of src/", () => {
  it("no folder imports a higher floor or a folder on its own floor, and no folders import each other in a cycle", () => {
    const imports = folderImports(src);
    expect(imports.length).toBeGreaterThan(100); // the reader sees the real graph
    expect(layerViolations(imports)).toEqual([]);
  });

  it("README's Layout lists the same floors in the same order", () => {
    const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
    const layout = readme.slice(readme.indexOf("## Layout"), readme.indexOf("\n## ", readme.indexOf("## Layout") + 1));
    const listed = [...layout.matchAll(/^\d+\. (.*)$/gm)].map((m) => [...m[1]!.matchAll(/\*\*(\w+)\*\*/g)].map((b) => b[1]!));
    expect(listed.filter((floor) => floor.length > 0)).toEqual(FLOORS.filter((f) => !f.includes("index")));
  });

  it("every folder of src/ is on a floor", () => {
    const folders = new Set(folderImports(src).flatMap((i) => [i.from, i.to]));
    expect([...folders].filter((f) => !FLOORS.flat().includes(f))).toEqual([]);
  });

  it("reads static, type-only, re-export, side-effect and dynamic imports, a nested folder counting as its top folder", () => {
    const dir = tempDir();
    const write = (file: string, text: string) => {
      mkdirSync(dirname(join(dir, file)), {recursive: true});
      writeFileSync(join(dir, file), text);
    };
    write("util/u.ts", "export const u = 1;\n");
    write("core/c.ts", 'import {u} from "../util/u.ts";\nimport type {X} from "../models/deep/m.ts";\nexport {y} from "../wire/w.ts";\nimport "../data/d.ts";\nimport {z} from "node:fs";\nimport pkg from "zod";\n');
    write("models/deep/m.ts", 'const m = await import("../../decoding/t.ts");\nimport {c} from "../../core/c.ts";\nimport {n} from "../other.ts";\n');
    write("index.ts", 'export * from "./core/c.ts";\n');
    const imports = folderImports(dir).map((i) => `${i.from}→${i.to}`).sort();
    expect(imports).toEqual(["core→data", "core→models", "core→util", "core→wire", "index→core", "models→core", "models→decoding"]);
  });

  it("the checker catches the cycles and upward imports this refactor removed", () => {
    // Before: models/remote imported decoding/network.ts for the byte models while
    // decoding/network.ts imported models/remote/session*.ts (a cycle), and
    // routing/learned/collectLabels.ts called decode() (routing → decoding, upward).
    const before = [edge("models", "decoding"), edge("decoding", "models"), edge("routing", "decoding"), edge("decoding", "routing"), edge("server", "models")];
    // One tangle of three folders: reported as its shortest cycle through the first folder.
    expect(folderCycles(before)).toEqual([["decoding", "models", "decoding"]]);
    const problems = layerViolations(before);
    expect(problems).toContain("models/x.ts imports ../decoding/y.ts: models (floor 6) imports decoding, a higher floor (8)");
    expect(problems).toContain("routing/x.ts imports ../decoding/y.ts: routing (floor 7) imports decoding, a higher floor (8)");
    expect(problems).toContain("import cycle between folders: decoding → models → decoding");
    expect(problems.some((p) => p.includes("server"))).toBe(false); // server → models is downward
  });

  it("finds a longer cycle, same-floor imports and unknown folders", () => {
    const cycle = [edge("a", "b"), edge("b", "c"), edge("c", "a")];
    expect(folderCycles(cycle)).toEqual([["a", "b", "c", "a"]]);
    expect(layerViolations([edge("sweep", "plots")])).toEqual(["sweep/x.ts imports ../plots/y.ts: sweep and plots share floor 11 and must not import each other"]);
    expect(layerViolations([edge("newthing", "util")])[0]).toMatch(/folder newthing is on no floor/);
    expect(layerViolations([edge("cli", "util"), edge("learn", "results")])).toEqual([]);
  });
});

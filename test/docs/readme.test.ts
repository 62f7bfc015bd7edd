import {readFileSync} from "node:fs";
import {join} from "node:path";
import type {Command} from "commander";
import {describe, expect, it} from "vitest";
import {buildProgram} from "../../src/cli/main.ts";
import {processIO} from "../../src/cli/io.ts";
import {QUESTION_COLUMNS, SUMMARY_COLUMNS, TOKEN_COLUMNS} from "../../src/index.ts";
import {repoRoot} from "../support/helpers.ts";

const readme = readFileSync(join(repoRoot, "README.md"), "utf8");

describe("README stays current", () => {
  it("documents every column of every results file", () => {
    for (const c of [...SUMMARY_COLUMNS, ...QUESTION_COLUMNS, ...TOKEN_COLUMNS]) expect(readme, c.name).toContain(`| \`${c.name}\` |`);
  });

  it("documents every command", async () => {
    const names = (cmd: Command, prefix: string): string[] => cmd.commands.flatMap((c) => [`${prefix} ${c.name()}`, ...names(c, `${prefix} ${c.name()}`)]);
    for (const name of names(await buildProgram(processIO), "tlr")) expect(readme, name).toContain(name);
  });
});

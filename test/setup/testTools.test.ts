import {existsSync, mkdtempSync, readdirSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {ensureChromium, ensureLlamaServer, SetupError} from "./testTools.ts";

/** Runs a setup step with its progress lines captured. */
async function withLog<T>(step: (log: (line: string) => void) => Promise<T>): Promise<{result: T; lines: string[]}> {
  const lines: string[] = [];
  const result = await step((line) => lines.push(line));
  return {result, lines};
}

const { TLR_LLAMA_SERVER: _built, ...envWithoutServer } = process.env;

describe("npm test installs and builds what it needs (test/setup, vitest's globalSetup)", () => {
  it("ran before these tests: their processes get an existing chromium and llama-server", () => {
    expect(existsSync(process.env.TLR_CHROMIUM!), process.env.TLR_CHROMIUM).toBe(true);
    expect(existsSync(process.env.TLR_LLAMA_SERVER!), process.env.TLR_LLAMA_SERVER).toBe(true);
  });

  it("uses the browser TLR_CHROMIUM names when it is there, installing nothing", async () => {
    const {result, lines} = await withLog((log) => ensureChromium({env: {TLR_CHROMIUM: process.execPath}, log}));
    expect(result).toBe(process.execPath);
    expect(lines).toEqual([]);
  });

  it("a missing browser: root installs Debian's chromium with apt-get (dry run: says so, changes nothing)", async () => {
    const {result, lines} = await withLog((log) => ensureChromium({env: {TLR_CHROMIUM: "/nonexistent/chromium"}, dryRun: true, uid: 0, log}));
    expect(result).toBeUndefined();
    expect(lines).toEqual(["tlr tests: /nonexistent/chromium is missing: would run apt-get update && apt-get install -y --no-install-recommends chromium fonts-dejavu-core"]);
  });

  it("a missing browser and no root: one line saying what to install", async () => {
    const attempt = ensureChromium({env: {TLR_CHROMIUM: "/nonexistent/chromium"}, uid: 1000});
    await expect(attempt).rejects.toThrow(SetupError);
    await expect(attempt).rejects.toThrow(
      "tlr tests: /nonexistent/chromium is missing: install Debian's chromium as root (apt-get install -y --no-install-recommends chromium fonts-dejavu-core), or set TLR_CHROMIUM to a Chromium binary",
    );
  });

  it("llama-server: found in its cache once built; an empty cache would be built (dry run: says so, builds nothing)", async () => {
    const built = await ensureLlamaServer({env: envWithoutServer});
    expect(existsSync(built!)).toBe(true);
    const empty = mkdtempSync(join(tmpdir(), "tlr-llama-"));
    const {result, lines} = await withLog((log) => ensureLlamaServer({env: {...envWithoutServer, TLR_LLAMA_SERVER_DIR: empty}, dryRun: true, log}));
    expect(result).toBeUndefined();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^tlr tests: would build llama-server from llama\\.cpp [0-9a-f]{12} into ${empty} \\(a few minutes, once\\)$`));
    expect(readdirSync(empty)).toEqual([]);
  });

  it("TLR_LLAMA_SERVER at a missing file: one line", async () => {
    await expect(ensureLlamaServer({env: {TLR_LLAMA_SERVER: "/nonexistent/llama-server"}})).rejects.toThrow(/^tlr tests: TLR_LLAMA_SERVER=\/nonexistent\/llama-server does not exist: unset it to build llama-server/);
  });
});

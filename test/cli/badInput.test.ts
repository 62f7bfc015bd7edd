import {mkdirSync, readdirSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {tiny} from "../support/helpers.ts";
import {tempDir} from "../support/tempDir.ts";
import {oneLineError, runMain} from "../support/inProcess.ts";

/** A valid config: the toy pair on 3 toy questions (planned in about a second, no weights loaded). */
function config(dir: string, extra: object = {}): string {
  const file = join(dir, "exp.json");
  writeFileSync(file, JSON.stringify({name: "bad-input", datasets: [{name: "toy_arith", limit: 3}], pairs: [{preset: "toy-arith"}], routers: [{kind: "max-prob", thresholds: [0.5]}], ...extra}));
  return file;
}

/** A sweep folder as `tlr sweep` leaves it (sweep.json is all merge reads before refusing). */
function sweepFolder(dir: string, shard: {index: number; count: number} | null): string {
  mkdirSync(dir, {recursive: true});
  writeFileSync(join(dir, "sweep.json"), JSON.stringify({configHash: "abc", configFile: "exp.json", shard, config: {}, pairs: [], datasets: []}));
  return dir;
}

describe("one-line errors (exit 2) where an internal error (exit 1), a hang or silent data loss was", () => {
  it("--out where no folder can be made: /proc (where Node's own recursive mkdir never returns) and /sys", async () => {
    const dir = tempDir();
    expect(oneLineError(await runMain(["sweep", config(dir), "--out", "/proc/tlr-x/y"]))).toBe(
      "tlr: error: --out /proc/tlr-x/y cannot be created: its parent does not take new folders (ENOENT at /proc/tlr-x); choose a folder you can write to",
    );
    expect(oneLineError(await runMain(["sweep", config(dir), "--out", "/sys/tlr-x"]))).toMatch(/^tlr: error: --out \/sys\/tlr-x cannot be created: (not permitted|permission denied|a read-only file system) \(E\w+ at \/sys\/tlr-x\); choose a folder you can write to$/);
    expect(oneLineError(await runMain(["sweep", config(dir, {out: "/proc/tlr-x"})]))).toMatch(new RegExp(`^tlr: error: ${dir}/exp.json: out /proc/tlr-x cannot be created`));
  });

  it("--out at a folder that exists but takes no files (/proc): refused before any work", async () => {
    const dir = tempDir();
    expect(oneLineError(await runMain(["sweep", config(dir), "--out", "/proc"]))).toBe("tlr: error: --out /proc does not take files: the system refuses them (ENOENT); choose a folder you can write to");
    expect(oneLineError(await runMain(["router", "collect", "--pair", "toy-arith", "--dataset", "toy_arith", "--limit", "1", "--out", "/proc/labels.arrow"]))).toMatch(/^tlr: error: the folder of --out \/proc does not take files/);
  });

  it("--out at an existing file, or below one", async () => {
    const dir = tempDir();
    const file = join(dir, "a-file");
    writeFileSync(file, "x");
    expect(oneLineError(await runMain(["sweep", config(dir), "--out", file]))).toBe(`tlr: error: --out ${file}: ${file} is a file, not a folder; choose another path`);
    expect(oneLineError(await runMain(["sweep", config(dir), "--out", join(file, "sub")]))).toBe(`tlr: error: --out ${join(file, "sub")}: ${file} is a file, not a folder; choose another path`);
    expect(oneLineError(await runMain(["router", "collect", "--pair", "toy-arith", "--dataset", "toy_arith", "--limit", "1", "--out", join(file, "labels.arrow")]))).toMatch(/^tlr: error: the folder of --out .* is a file, not a folder/);
    expect(oneLineError(await runMain(["router", "train", "--data", file, "--out", dir]))).toBe(`tlr: error: --out ${dir} is a folder; name a file`);
  });

  it("tlr merge A A: the same folder twice (or one shard twice) is refused, not silently deduplicated", async () => {
    const dir = tempDir();
    const a = sweepFolder(join(dir, "a"), {index: 1, count: 2});
    const copy = sweepFolder(join(dir, "copy-of-a"), {index: 1, count: 2});
    expect(oneLineError(await runMain(["merge", a, a, "--out", join(dir, "m")]))).toBe(`tlr: error: ${a} is given twice (as ${a}); name each folder once`);
    expect(oneLineError(await runMain(["merge", a, join(dir, "x", "..", "a"), "--out", join(dir, "m")]))).toMatch(/is given twice/);
    expect(oneLineError(await runMain(["merge", a, copy, "--out", join(dir, "m")]))).toBe(`tlr: error: ${copy} holds shard 1/2, as ${a} does; merge each shard once`);
    expect(readdirSync(dir).sort()).toEqual(["a", "copy-of-a"]); // nothing written
  });

  it("a GPU backend this machine lacks: one line at once (node-llama-cpp would compile llama.cpp for minutes, then fail with exit 1)", async () => {
    const start = performance.now();
    const run = await runMain(["generate", "--small", tiny.small(), "--large", tiny.large(), "--threshold", "0.5", "--max-tokens", "2", "--prompt", "Once", "--gpu", "vulkan"]);
    expect(performance.now() - start).toBeLessThan(60_000);
    if (run.code === 0) return; // a machine with Vulkan: it ran
    expect(oneLineError(run)).toBe('tlr: error: gpu "vulkan": node-llama-cpp has no prebuilt binary for it that works on this machine (no such GPU, or its driver is missing): use gpu "auto" (the best that works) or "false" (the CPU)');
  });

  it.each([
    [["--port", "99999"], "tlr: error: tlr serve: port must be an integer from 0 to 65535 (0 picks a free one), got 99999"],
    [["--port", "-1"], "tlr: error: tlr serve: port must be an integer from 0 to 65535 (0 picks a free one), got -1"],
    [["--host", " "], "tlr: error: tlr serve: the host is empty: give an address to bind (127.0.0.1 for this machine only)"],
    [["--host", "no-such-host.invalid", "--port", "0"], /^tlr: error: tlr serve: cannot listen on no-such-host\.invalid:0: getaddrinfo (ENOTFOUND|EAI_AGAIN) no-such-host\.invalid$/],
  ])("tlr serve %j: one line before (or instead of) serving", async (flags, message) => {
    const run = await runMain(["serve", "--model", join(import.meta.dirname, "../../models/toy-arith/toy-arith-large.gguf"), "--threads", "1", ...flags]);
    const line = oneLineError({...run, stderr: run.stderr.replace(/^tlr: warning: .*\n/, "")});
    if (typeof message === "string") expect(line).toBe(message);
    else expect(line).toMatch(message);
  });
});

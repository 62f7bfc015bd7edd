import {spawn} from "node:child_process";
import {existsSync, readdirSync, statSync} from "node:fs";
import {join, resolve} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {readLabels} from "../../src/index.ts";
import {startFaultProxy, type FaultProxy} from "../support/faultProxy.ts";
import {repoRoot, toy} from "../support/helpers.ts";
import {tlr} from "../support/run.ts";
import {spawnTlrServe, type ServerProcess} from "../support/spawn.ts";
import {mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";

/*
 * `tlr router collect` runs for hours at paper scale, so it must never lose work: it writes
 * finished questions to <out>.parts/ as it goes, a killed run resumes, a question whose remote
 * model fails is recorded with its error while the others go on, and Ctrl-C stops cleanly.
 */
const QUESTIONS = 8;
const args = (out: string, extra: string[] = [], large = toy.large()) => [
  "router", "collect", "--small", toy.small(), "--large", large, "--dataset", "toy_arith", "--split", "train", "--limit", String(QUESTIONS),
  "--labels", "outcome", "--max-tokens", "60", "--flush-every", "1", "--out", out, ...extra,
];

/** Label parts written so far beside `out`. */
function parts(out: string): number {
  const dir = `${out}.parts`;
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".arrow") && !f.includes(".tmp-")).length : 0;
}

/** Starts a collection in its own process and waits until it has written `n` parts. */
async function startAndWait(out: string, n: number) {
  const child = spawn(process.execPath, [resolve(repoRoot, "bin/tlr.js"), ...args(out)], {stdio: ["ignore", "pipe", "pipe"]});
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  for (;;) {
    if (parts(out) >= n) break;
    const ended = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 50))]);
    if (ended) throw new Error(`the collection ended before writing ${n} parts:\n${stderr}`);
  }
  return {child, exited, stderr: () => stderr};
}

let root: string;
let whole: ReturnType<typeof readLabels>;
const servers: (ServerProcess | FaultProxy)[] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "tlr-collect-")); // shared by the tests, removed after them
  // Into a folder that does not exist yet (the README's own command did that and died at the end).
  const out = join(root, "new", "folder", "whole.arrow");
  const run = await tlr(args(out));
  expect(run.code, run.stderr).toBe(0);
  whole = readLabels(out);
  expect(new Set(whole.rows.map((r) => r.questionIndex)).size).toBe(QUESTIONS);
  expect(existsSync(`${out}.parts`)).toBe(false); // folded into the file and removed
});
afterAll(async () => {
  for (const s of servers) "stop" in s ? await s.stop() : await s.close();
  if (root) rmSync(root, {recursive: true, force: true});
});

describe("tlr router collect never loses work", () => {
  it("creates its output folder, and a finished collection run again does nothing", async () => {
    const out = join(root, "new", "folder", "whole.arrow");
    const before = statSync(out).mtimeMs;
    const again = await tlr(args(out));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/already holds this collection: nothing to do/);
    expect(statSync(out).mtimeMs).toBe(before);
  });

  it("killed with SIGKILL midway, it resumes and writes the file an uninterrupted run writes", async () => {
    const out = join(root, "killed.arrow");
    const run = await startAndWait(out, 3);
    run.child.kill("SIGKILL");
    await run.exited;
    expect(existsSync(out)).toBe(false);
    const kept = parts(out);
    expect(kept).toBeGreaterThanOrEqual(3);
    expect(kept).toBeLessThan(QUESTIONS);
    const resumed = await tlr(args(out));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`resuming .*\\.parts: ${kept} of ${QUESTIONS} questions already collected`));
    const got = readLabels(out);
    expect(got.rows).toEqual(whole.rows);
    expect(got.metadata.counts).toEqual(whole.metadata.counts);
    expect(got.metadata.continuations).toBe(whole.metadata.continuations);
    expect(got.metadata.errors).toEqual([]);
  });

  it("Ctrl-C stops after the question in hand with exit code 130, keeping what is done; a rerun finishes", async () => {
    const out = join(root, "interrupted.arrow");
    const run = await startAndWait(out, 2);
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(130);
    expect(run.stderr()).toMatch(/stopping after the question in hand/);
    expect(run.stderr()).toMatch(/tlr: interrupted: \d+ of 8 questions are kept in .*interrupted\.arrow\.parts; run the same command again to go on/);
    expect(parts(out)).toBeGreaterThanOrEqual(2);
    const resumed = await tlr(args(out));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(readLabels(out).rows).toEqual(whole.rows);
  });

  it("a question whose remote large model fails after its retries is recorded with its error; the others are collected", async () => {
    const server = await spawnTlrServe(toy.large());
    servers.push(server);
    // The 40th request fails (HTTP 500): with no retries, its question gets the error.
    const proxy = await startFaultProxy(server.url, (n) => (n === 40 ? "status500" : undefined));
    servers.push(proxy);
    const out = join(root, "remote.arrow");
    const run = await tlr(args(out, ["--retries", "0"], proxy.url));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/1 question recorded with an error/);
    const got = readLabels(out);
    expect(got.metadata.errors).toHaveLength(1);
    const failed = got.metadata.errors![0]!;
    expect(failed.error).toMatch(/HTTP 500/);
    expect(got.metadata.large).toMatchObject({url: proxy.url, server: "tlr", protocol: "session"});
    // Every other question has its rows, equal to the local large model's labels.
    expect(got.rows.some((r) => r.questionIndex === failed.questionIndex)).toBe(false);
    const others = whole.rows.filter((r) => r.questionIndex !== failed.questionIndex);
    expect(got.rows.map((r) => [r.questionIndex, r.step, r.refToken, r.label, r.rule])).toEqual(others.map((r) => [r.questionIndex, r.step, r.refToken, r.label, r.rule]));
  });
});

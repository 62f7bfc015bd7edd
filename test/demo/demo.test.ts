import http from "node:http";
import type {Browser, Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {markText} from "../../src/cli/render.ts";
import {createTask, loadDataset, POLICY_KINDS, subset, type RunStats, type TokenRecord} from "../../src/index.ts";
import {tlr} from "../support/run.ts";
import {toy} from "../support/helpers.ts";
import {launchChromium} from "../plots/chromium.ts";
import {spawnTlrDemo, type ServerProcess} from "../support/spawn.ts";

// The real `tlr demo` on the toy pair, driven in Debian's headless Chromium, against the real
// `tlr generate --json` for the same settings.
const TOKEN = "demo-test-secret";
const PROMPT = "Question: What is 47 + 385?\nChoices:\nA. 432\nB. 422\nC. 532\nD. 431\nE. 442\nAnswer:";
let demo: ServerProcess;
let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  demo = await spawnTlrDemo(["--pair", "toy-arith", "--token", TOKEN, "--dataset", "toy_arith", "--limit", "5"]);
  browser = await launchChromium();
  page = await browser.newPage({viewport: {width: 1200, height: 900}});
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  // Offline: nothing but the demo's own origin.
  await page.route("**/*", (route) => (route.request().url().startsWith(`${demo.url}/`) ? route.continue() : (problems.push(`request: ${route.request().url()}`), route.abort())));
  await page.goto(`${demo.url}/#token=${TOKEN}`);
  await page.waitForSelector("body[data-ready]", {timeout: 30_000});
});
afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

const steps = (selector: string) => page.locator(selector).evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-step"))));
const figure = (name: string) => page.locator(`[data-figure="${name}"]`).textContent();
const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${demo.url}/api/generate`, {method: "POST", headers: {authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...headers}, body: JSON.stringify(body)});

async function settings(o: {router: string; threshold?: string; maxTokens: string; rtt?: string; pace?: "clock" | "compute"}): Promise<void> {
  await page.selectOption(`select[name="router"]`, o.router);
  if (o.threshold !== undefined) await page.fill(`input[name="threshold"]`, o.threshold);
  await page.fill(`input[name="maxTokens"]`, o.maxTokens);
  await page.fill(`input[name="rttMs"]`, o.rtt ?? "170");
  await page.selectOption(`select[name="pace"]`, o.pace ?? "clock");
}

describe("tlr demo", () => {
  it("streams a real toy-pair answer whose marked tokens equal tlr generate --json's records for the same settings", async () => {
    const generate = await tlr(["generate", "--small", toy.small(), "--large", toy.large(), "--router", "max-prob", "--threshold", "0.8", "--max-tokens", "200", "--prompt", PROMPT, "--json"]);
    expect(generate.code, generate.stderr).toBe(0);
    const {records, stats} = JSON.parse(generate.stdout) as {records: TokenRecord[]; stats: RunStats};
    expect(records.some((r) => r.source === "large")).toBe(true);
    // The token left the address bar; the controls come from the library's lists.
    expect(page.url()).toBe(`${demo.url}/`);
    expect(await page.locator(`select[name="policy"] option`).allTextContents()).toEqual(POLICY_KINDS.map((p) => p.kind));
    await page.selectOption(`select[name="question"]`, "");
    await page.fill(`textarea[name="prompt"]`, PROMPT);
    await settings({router: "max-prob", threshold: "0.8", maxTokens: "200"});
    await page.keyboard.press("Control+Enter");
    // Streamed: paced by the simulated clock (170 ms per routed token), part of the answer shows before the end.
    await page.waitForFunction(`document.querySelectorAll("#answer .t").length > 0 && !document.querySelector("#answer[data-done]")`, undefined, {timeout: 30_000});
    await page.waitForSelector("#answer[data-done]", {timeout: 60_000});
    expect(await page.locator("#answer").textContent()).toBe(markText(records, false));
    expect(await steps("#answer .t")).toEqual(records.filter((r) => r.piece !== "").map((r) => r.step));
    expect(await steps("#answer .lg .t")).toEqual(records.filter((r) => r.source === "large" && r.piece !== "").map((r) => r.step));
    const large = records.find((r) => r.source === "large" && r.piece !== "")!;
    await page.locator(`#answer .t[data-step="${large.step}"]`).hover();
    expect(await page.locator(".qb-tip").textContent()).toBe(`step ${large.step} · token ${large.id} ${JSON.stringify(large.piece)} · large model · router score ${Number(large.score.toPrecision(6))}`);
    expect(await figure("tokens")).toBe(String(stats.generated));
    expect(await figure("large")).toBe(String(stats.largeTokens));
    expect(await figure("calls")).toBe(String(stats.largeCalls));
    expect(await figure("upload")).toBe(`${(100 * stats.uploadFraction).toFixed(1)}%`);
    expect(await figure("bytesUp")).toBe(`${stats.bytesUp} B`);
    expect(await figure("bytesDown")).toBe(`${stats.bytesDown} B`);
    expect(await figure("network")).toBe(stats.networkMs >= 1000 ? `${(stats.networkMs / 1000).toFixed(2)} s` : `${stats.networkMs.toFixed(1)} ms`);
    expect(await page.locator("#status").textContent()).toBe(`done: ${stats.generated} tokens, stop ${stats.stopReason}`);
  });

  it("runs one generation at a time: a second request while one streams gets 409; Esc stops the first", async () => {
    await settings({router: "always-large", maxTokens: "20", rtt: "2000"});
    expect(await page.locator(`input[name="threshold"]`).isDisabled()).toBe(true);
    await page.keyboard.press("Control+Enter");
    // This run's first token (the previous answer stays on the page until this one starts); ≥ 2 s before its next.
    await page.waitForFunction(`document.getElementById("status").textContent.startsWith("generating") && document.querySelectorAll("#answer .t").length > 0`, undefined, {timeout: 30_000});
    const busy = await post({prompt: PROMPT, router: "max-prob", threshold: 0.8, maxTokens: 5, network: {rttMs: 0, upMbps: 20, downMbps: 100}, pace: "compute"});
    expect(busy.status).toBe(409);
    expect(((await busy.json()) as {error: {code: string}}).error.code).toBe("busy");
    await page.keyboard.press("Escape");
    await page.waitForFunction(`document.getElementById("status").textContent === "stopped"`, undefined, {timeout: 10_000});
    // Freed once the stopped stream is noticed.
    let next = 409;
    for (let i = 0; i < 100 && next === 409; i++) {
      const r = await post({prompt: PROMPT, router: "max-prob", threshold: 0.8, maxTokens: 5, network: {rttMs: 0, upMbps: 20, downMbps: 100}, pace: "compute"});
      next = r.status;
      const text = await r.text();
      if (next === 200) expect(text).toMatch(/^event: start\n[\s\S]*event: done\n/);
      else await new Promise((ok) => setTimeout(ok, 50));
    }
    expect(next).toBe(200);
  });

  it("picks a dataset question and checks its extracted answer against the gold one", async () => {
    const {examples} = await loadDataset("toy_arith", {split: "eval"});
    const example = subset(examples, {limit: 5})[2]!;
    const task = createTask("toy_arith:toy");
    await page.selectOption(`select[name="question"]`, "2");
    expect(await page.locator(`textarea[name="prompt"]`).inputValue()).toBe(task.prompt(example));
    await settings({router: "oracle", maxTokens: "200", pace: "compute"});
    await page.keyboard.press("Control+Enter");
    await page.waitForSelector("#answer[data-done]", {timeout: 60_000});
    const text = await page.locator("#answer").innerText(); // brackets hidden: the generated text
    const extraction = task.extract(text, example);
    const correct = task.score(extraction.answer, example);
    expect(await page.locator("#verdict").textContent()).toBe(`answer ${extraction.answer ?? "none"} (rule ${extraction.rule}) · gold ${example.answer} · ${correct ? "✓ correct" : "✗ wrong"}`);
    expect(problems).toEqual([]);
  });

  it("needs its token, answers to loopback names only and takes JSON only", async () => {
    expect((await fetch(`${demo.url}/api/info`)).status).toBe(401);
    expect((await fetch(`${demo.url}/api/info`, {headers: {authorization: `Bearer ${TOKEN}`}})).status).toBe(200);
    expect((await post({}, {"content-type": "text/plain"})).status).toBe(415);
    const bad = await post({prompt: PROMPT, router: "max-prob", threshold: 0.8, maxTokens: 5, network: {rttMs: 0, upMbps: 20, downMbps: 100}, policy: "teleport"});
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as {error: {message: string}}).error.message).toMatch(/^policy: policy "teleport": unknown policy \(use token/);
    const rebound = await new Promise<number>((ok, fail) => {
      http.get(`${demo.url}/`, {headers: {host: "attacker.example"}}, (res) => ok(res.statusCode!)).on("error", fail);
    });
    expect(rebound).toBe(403);
    // Without the token the page asks for it.
    const fresh = await browser.newPage();
    await fresh.goto(`${demo.url}/`);
    await fresh.waitForSelector("#auth:not([hidden])");
    await fresh.fill(`#auth input[name="token"]`, TOKEN);
    await fresh.press(`#auth input[name="token"]`, "Enter");
    await fresh.waitForSelector("body[data-ready]");
    await fresh.close();
  });
});

import {mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {pathToFileURL} from "node:url";
import type {Browser, Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {markText} from "../../src/cli/render.ts";
import {createTask, loadDataset, readResults, subset, type QuestionRow, type Results, type TokenRow, type TokenSource} from "../../src/index.ts";
import {tlr} from "../support/run.ts";
import {launchChromium} from "../plots/chromium.ts";

// A real sweep of the toy pair (10 questions, max-probability at two thresholds, and the two
// baselines), its real report, opened in Debian's headless Chromium. Every token the page shows
// is checked against the results files.
const config = {
  name: "browser-test",
  datasets: [{name: "toy_arith", split: "eval", limit: 10, seed: 3}],
  pairs: [{preset: "toy-arith"}],
  routers: [{kind: "max-prob", thresholds: [0.8, 0.99]}],
  maxTokens: 200,
};
const root = mkdtempSync(join(tmpdir(), "tlr-browser-"));
const dir = join(root, "results");
const file = join(root, "report.html");
let results: Results;
let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  writeFileSync(join(root, "exp.json"), JSON.stringify(config));
  const sweep = await tlr(["sweep", join(root, "exp.json"), "--out", dir]);
  expect(sweep.code, sweep.stderr).toBe(0);
  const report = await tlr(["report", dir, "--out", file]);
  expect(report.code, report.stderr).toBe(0);
  expect(report.stdout).toMatch(/report\.html \(\d+ KiB\)/);
  results = readResults(dir, {tokens: true});
  browser = await launchChromium();
  page = await browser.newPage({viewport: {width: 1280, height: 1000}});
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  const url = pathToFileURL(file).href;
  await page.route("**/*", (route) => (route.request().url() === url ? route.continue() : (problems.push(`request: ${route.request().url()}`), route.abort())));
  await page.goto(url);
  await page.waitForSelector("#questions[data-ready]", {timeout: 60_000});
});
afterAll(async () => {
  await browser?.close();
  rmSync(root, {recursive: true, force: true});
});

const questionIndices = () => [...new Set(results.questions.map((q) => q.questionIndex))];
const rowsOf = (q: number) => results.questions.filter((r) => r.questionIndex === q);
const tokensOf = (row: QuestionRow): TokenRow[] =>
  results.tokens.filter((t) => t.questionIndex === row.questionIndex && t.router === row.router && t.threshold === row.threshold).sort((a, b) => a.step - b.step);
const run = (q: number, router: string, threshold: number) => rowsOf(q).find((r) => r.router === router && r.threshold === threshold)!;
/** The text as `tlr generate` marks it when piped. */
const marked = (rows: TokenRow[]) => markText(rows.map((t) => ({piece: t.piece, source: t.source as TokenSource})), false);
/** Where two transcripts part, computed here independently of the page. */
const firstDiff = (a: number[], b: number[]) => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return -1;
};
const steps = (page: Page, selector: string) => page.locator(selector).evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-step"))));
const shown = (q: number) => page.waitForSelector(`.qb-detail[data-shown="${q}"]`, {timeout: 30_000});
/** A question where max-prob at τ 0.99 took tokens from the large model and its transcript parts from small-only's. */
const interesting = () =>
  questionIndices().find((q) => run(q, "max-prob", 0.99).largeTokens > 0 && firstDiff(run(q, "small-only", 0).generatedIds, run(q, "max-prob", 0.99).generatedIds) >= 0)!;

describe("the report's question browser", () => {
  it("lists every question of the sweep, with each run's outcome as in questions.arrow", async () => {
    const qs = questionIndices();
    expect(qs).toHaveLength(10);
    expect(await page.locator(".qb-item .qb-qid").allTextContents()).toEqual(qs.map((q) => `#${q} ${rowsOf(q)[0]!.questionId}`));
    for (const [i, q] of qs.entries()) {
      const cells = await page.locator(".qb-item").nth(i).locator(".qb-strip .c").allTextContents();
      expect(cells.join(""), `question ${q}`).toBe(rowsOf(q).map((r) => (r.correct ? "✓" : "✗")).join(""));
    }
    expect(await page.locator(".qb-count").textContent()).toBe("10 of 10 questions");
  });

  it("opens a question by keyboard and shows each run's tokens exactly as the files hold them, large-model tokens marked as tlr generate marks them", async () => {
    const q = interesting();
    const position = questionIndices().indexOf(q);
    await page.locator(".qb-list").focus();
    await page.keyboard.press("Home");
    for (let i = 0; i < position; i++) await page.keyboard.press("ArrowDown");
    await shown(q);
    const rows = rowsOf(q);
    // The prompt is the task's, as the sweep formatted it (recorded in questions.arrow).
    const {examples} = await loadDataset("toy_arith", {split: "eval"});
    const example = subset(examples, {limit: 10, seed: 3})[q]!;
    expect(rows[0]!.prompt).toBe(createTask("toy_arith:toy").prompt(example));
    expect(await page.locator(".qb-detail .qb-prompt").textContent()).toBe(rows[0]!.prompt);
    expect(await page.locator(".qb-detail .qb-gold").textContent()).toBe(example.answer);
    expect(await page.locator(".qb-runs .qb-run").count()).toBe(rows.length);
    for (const row of rows) {
      const tokens = tokensOf(row);
      expect(tokens.map((t) => t.tokenId)).toEqual(row.generatedIds);
      const article = page.locator(`.qb-runs .qb-run[data-router="${row.router}"][data-threshold="${row.threshold}"]`);
      const what = `${row.router} τ ${row.threshold}`;
      expect(await article.locator(".qb-text").textContent(), what).toBe(marked(tokens));
      expect(await steps(page, `.qb-runs .qb-run[data-router="${row.router}"][data-threshold="${row.threshold}"] .t`), what).toEqual(tokens.filter((t) => t.piece !== "").map((t) => t.step));
      const large = tokens.filter((t) => t.source === "large" && t.piece !== "").map((t) => t.step);
      expect(await steps(page, `.qb-runs .qb-run[data-router="${row.router}"][data-threshold="${row.threshold}"] .lg .t`), what).toEqual(large);
      const head = await article.locator(".qb-run-head").textContent();
      expect(head, what).toContain(`answer ${row.extracted} (rule ${row.extractionRule})`);
      expect(head, what).toContain(row.correct ? "✓ correct" : "✗ wrong");
      expect(head, what).toContain(`${row.generated} tokens · ${row.largeTokens} from the large model`);
    }
    expect(tokensOf(run(q, "max-prob", 0.99)).some((t) => t.source === "large")).toBe(true);
    // j and k move too.
    await page.locator("h1").click();
    await page.keyboard.press("j");
    await shown(questionIndices()[position + 1] ?? q);
    await page.keyboard.press("k");
    await shown(q);
  });

  it("side by side, finds the first token where two runs' transcripts part", async () => {
    const q = interesting();
    await page.locator(`.qb-item[data-q]`).nth(questionIndices().indexOf(q)).click();
    await shown(q);
    await page.selectOption(`.qb-compare select[data-side="a"]`, {label: "small-only"});
    await page.selectOption(`.qb-compare select[data-side="b"]`, {label: "max-prob τ 0.99"});
    const a = run(q, "small-only", 0);
    const b = run(q, "max-prob", 0.99);
    const d = firstDiff(a.generatedIds, b.generatedIds);
    expect(d).toBeGreaterThanOrEqual(0);
    expect(await page.locator(".qb-diff-note").getAttribute("data-step")).toBe(String(d));
    expect(await page.locator(".qb-diff-note").textContent()).toContain(`First difference at step ${d}:`);
    for (const [side, row] of [["a", a], ["b", b]] as const) {
      const token = tokensOf(row)[d];
      const diff = await steps(page, `.qb-side[data-side="${side}"] .t.diff`);
      expect(diff, side).toEqual(token ? [d] : []);
      if (token) expect(await page.locator(`.qb-side[data-side="${side}"] .t.diff`).textContent()).toBe(token.piece);
      // The tokens before it are the same in both.
      expect(await page.locator(`.qb-side[data-side="${side}"] .qb-text`).textContent()).toBe(marked(tokensOf(row)));
    }
    // A run beside itself: nothing differs. Keys step through the runs: s moves B on.
    await page.selectOption(`.qb-compare select[data-side="b"]`, {label: "small-only"});
    expect(await page.locator(".qb-diff-note").textContent()).toBe(`A and B wrote the same ${a.generated} tokens.`);
    expect(await page.locator(".qb-compare .t.diff").count()).toBe(0);
    await page.locator("h1").click();
    await page.keyboard.press("s");
    expect(await page.locator(`.qb-compare select[data-side="b"] option:checked`).textContent()).toBe("large-only");
  });

  it("shows a token's router score on hover, and [brackets] around marked tokens on m", async () => {
    const q = interesting();
    await page.locator(`.qb-item[data-q]`).nth(questionIndices().indexOf(q)).click();
    await shown(q);
    const row = run(q, "max-prob", 0.99);
    const token = tokensOf(row).find((t) => t.source === "large" && t.piece !== "")!;
    const span = page.locator(`.qb-runs .qb-run[data-router="max-prob"][data-threshold="0.99"] .t[data-step="${token.step}"]`);
    await span.hover();
    const score = String(Number(Math.fround(token.score).toPrecision(6))); // float32 in the page
    expect(await page.locator(".qb-tip").textContent()).toBe(`step ${token.step} · token ${token.tokenId} ${JSON.stringify(token.piece)} · large model · router score ${score} (τ 0.99)`);
    expect(token.score).toBeLessThan(0.99);
    expect(await page.locator(".qb-runs .br").first().isVisible()).toBe(false);
    await page.keyboard.press("m");
    expect(await page.locator("#questions").getAttribute("class")).toContain("qb-brackets");
    expect(await page.locator(".qb-runs .br").first().isVisible()).toBe(true);
    await page.keyboard.press("m");
  });

  it("filters by router, τ and outcome, and searches", async () => {
    await page.selectOption(`select[name="router"]`, "max-prob");
    await page.selectOption(`select[name="threshold"]`, "0.8");
    await page.selectOption(`select[name="outcome"]`, "wrong");
    const wrong = questionIndices().filter((q) => !run(q, "max-prob", 0.8).correct);
    expect(await page.locator(".qb-item").evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-q"))))).toEqual(wrong.map((q) => questionIndices().indexOf(q)));
    expect(await page.locator(".qb-item").first().locator(".qb-strip .c").count()).toBe(wrong.length ? 1 : 0);
    await page.selectOption(`select[name="router"]`, "");
    await page.selectOption(`select[name="threshold"]`, "");
    await page.selectOption(`select[name="outcome"]`, "mixed");
    const mixed = questionIndices().filter((q) => new Set(rowsOf(q).map((r) => r.correct)).size === 2);
    expect(await page.locator(".qb-count").textContent()).toBe(`${mixed.length} of 10 questions`);
    await page.selectOption(`select[name="outcome"]`, "");
    await page.fill(`input[name="search"]`, `#${questionIndices()[3]}`);
    expect(await page.locator(".qb-item").count()).toBe(1);
    await page.fill(`input[name="search"]`, "");
    expect(await page.locator(".qb-item").count()).toBe(10);
    expect(problems).toEqual([]);
  });

  it("--no-questions leaves the browser and its token rows out", async () => {
    const out = join(root, "plain.html");
    const plain = await tlr(["report", dir, "--no-questions", "--out", out]);
    expect(plain.code, plain.stderr).toBe(0);
    const html = readFileSync(out, "utf8");
    expect(html).not.toContain('id="questions"');
    expect(html.length).toBeLessThan(readFileSync(file, "utf8").length);
  });
});

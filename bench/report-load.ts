// How fast the report opens in Chromium: its size, when its question browser is interactive,
// when every chart is drawn, and how long opening a question takes (decoding its packed tokens).
//
//   npx tsx bench/report-load.ts [RESULTS_DIR] [RUNS]     (default results/quickstart, 5 runs)
//
// Each run is a fresh browser page on the same file (Debian's chromium, headless, no cache
// between pages). Times are from the navigation's start; medians over the runs.
import {mkdtempSync, rmSync} from "node:fs";
import {loadavg, tmpdir} from "node:os";
import {join, resolve} from "node:path";
import {pathToFileURL} from "node:url";
import {chromium} from "playwright-core";
import {questionBrowserData, readResultsFolders, writeReport} from "../src/index.ts";
import {median, record, repoRoot} from "./lib.ts";

const dir = resolve(process.argv[2] ?? join(repoRoot, "results/quickstart"));
const runs = Number(process.argv[3] ?? 5);
const CHROMIUM = process.env.TLR_CHROMIUM ?? "/usr/bin/chromium";

const tmp = mkdtempSync(join(tmpdir(), "tlr-report-load-"));
const file = join(tmp, "report.html");
let t = performance.now();
const results = readResultsFolders([dir]);
const data = questionBrowserData(results);
const bytes = writeReport(results, file, {questions: data});
const writeMs = performance.now() - t;
const plainBytes = writeReport(results, join(tmp, "plain.html"), {});
const tokens = data.questions.reduce((n, q) => n + q.outcomes.reduce((m, o) => m + o.tokens, 0), 0);
process.stderr.write(`${file}: ${(bytes / 1024).toFixed(0)} KiB (${(plainBytes / 1024).toFixed(0)} KiB without questions), ${data.questions.length} questions, ${tokens} tokens, written in ${writeMs.toFixed(0)} ms\n`);

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
// In the page: the marks, then the time to open another question (decode its packed tokens, draw every run).
const OPEN_QUESTION = `(async () => {
  const mark = (name) => performance.getEntriesByName(name)[0]?.startTime ?? NaN;
  const nav = performance.getEntriesByType("navigation")[0];
  const item = document.querySelectorAll(".qb-item")[1];
  const detail = document.querySelector(".qb-detail");
  const start = performance.now();
  item.click();
  while (detail.dataset.shown !== item.dataset.q) await new Promise((r) => setTimeout(r, 1));
  return {domContentLoaded: nav.domContentLoadedEventEnd, questionsScript: mark("tlr-questions-ready") - mark("tlr-questions-start"), questionsReady: mark("tlr-questions-ready"), chartsRendered: mark("tlr-charts-rendered"), openQuestion: performance.now() - start};
})()`;
const samples: {domContentLoaded: number; questionsScript: number; questionsReady: number; chartsRendered: number; openQuestion: number}[] = [];
try {
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({viewport: {width: 1280, height: 900}});
    const page = await context.newPage();
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector("#questions[data-ready]", {timeout: 120_000});
    await page.waitForSelector("body[data-rendered], body[data-error]", {timeout: 120_000});
    await page.waitForSelector(".qb-detail[data-shown]", {timeout: 120_000});
    // A string, not a function: tsx would wrap a function's inner functions in a helper the page lacks.
    const sample = (await page.evaluate(OPEN_QUESTION)) as (typeof samples)[number];
    samples.push(sample);
    process.stderr.write(`run ${i + 1}/${runs}: ${JSON.stringify(Object.fromEntries(Object.entries(sample).map(([k, v]) => [k, Math.round(v)])))}\n`);
    await context.close();
  }
} finally {
  await browser.close();
  rmSync(tmp, {recursive: true, force: true});
}
const med = (k: keyof (typeof samples)[number]) => Math.round(median(samples.map((s) => s[k])));
const figures = {
  results: dir,
  questions: data.questions.length,
  runs: data.runs.length,
  tokens,
  bytes,
  bytesWithoutQuestions: plainBytes,
  writeMs: Math.round(writeMs),
  // The machine's load while it ran: the figures mean little on a busy machine.
  loadAverage: loadavg().map((x) => Math.round(x * 10) / 10),
  medianMs: {domContentLoaded: med("domContentLoaded"), questionsScript: med("questionsScript"), questionsInteractive: med("questionsReady"), chartsRendered: med("chartsRendered"), openQuestion: med("openQuestion")},
  samples,
};
console.log(JSON.stringify(figures.medianMs));
record("report-load", `npx tsx bench/report-load.ts ${process.argv.slice(2).join(" ")}`.trim(), figures);

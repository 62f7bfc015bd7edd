// The README's screenshots of the report's question browser and of tlr demo, made from real runs:
//
//   npx tsx scripts/screenshots.ts [RESULTS_DIR] [OUT_DIR]    (default results/quickstart, docs)
//
// RESULTS_DIR is a finished sweep (the quickstart's: npx tlr sweep experiments/quickstart.json).
// Writes OUT_DIR/report-questions.png (a question where max-probability at τ 0.9 fixes the small
// model's answer, beside small-only) and OUT_DIR/demo.png (the toy pair answering the README's
// generate example at τ 0.8, streamed on the simulated clock).
import {mkdirSync, mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import {pathToFileURL} from "node:url";
import {chromium} from "playwright-core";
import {PAIR_PRESETS, questionBrowserData, readResultsFolders, startDemo, writeReport} from "../src/index.ts";

const dir = resolve(process.argv[2] ?? "results/quickstart");
const out = resolve(process.argv[3] ?? "docs");
const PROMPT = "Question: What is 47 + 385?\nChoices:\nA. 432\nB. 422\nC. 532\nD. 431\nE. 442\nAnswer:";
mkdirSync(out, {recursive: true});

const browser = await chromium.launch({
  executablePath: process.env.TLR_CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const tmp = mkdtempSync(join(tmpdir(), "tlr-shots-"));
try {
  // The report: the first question small-only gets wrong and max-prob at τ 0.9 right.
  const results = readResultsFolders([dir]);
  const data = questionBrowserData(results);
  const file = join(tmp, "report.html");
  writeReport(results, file, {questions: data});
  const outcome = (q: (typeof data.questions)[number], router: string, tau?: number) =>
    q.outcomes.find((o) => data.runs[o.run]!.router === router && (tau === undefined || data.runs[o.run]!.threshold === tau));
  const question = data.questions.find((q) => outcome(q, "small-only")?.correct === false && outcome(q, "max-prob", 0.9)?.correct === true);
  if (!question) throw new Error(`${dir}: no question where max-prob at τ 0.9 fixes small-only's answer`);
  const page = await browser.newPage({viewport: {width: 1280, height: 900}, deviceScaleFactor: 1});
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector("#questions[data-ready]");
  await page.selectOption(`select[name="router"]`, "max-prob");
  await page.selectOption(`select[name="threshold"]`, "0.9");
  await page.fill(`input[name="search"]`, `#${question.index}`);
  await page.waitForSelector(`.qb-detail[data-shown="${data.questions.indexOf(question)}"]`);
  await page.fill(`input[name="search"]`, "");
  await page.selectOption(`.qb-compare select[data-side="a"]`, {label: "small-only"});
  await page.selectOption(`.qb-compare select[data-side="b"]`, {label: "max-prob τ 0.9"});
  await page.locator(`.qb-side[data-side="b"] .lg .t`).first().hover();
  await page.locator("#questions").screenshot({path: join(out, "report-questions.png")});
  await page.close();

  // The demo: the toy pair on the README's example, paced by the simulated clock.
  const preset = PAIR_PRESETS["toy-arith"]!;
  const demo = await startDemo({small: preset.small, large: preset.large, pairName: "toy-arith", port: 0, dataset: {name: "toy_arith", limit: 20}});
  try {
    const demoPage = await browser.newPage({viewport: {width: 1100, height: 760}, deviceScaleFactor: 1});
    await demoPage.goto(`${demo.url}/`);
    await demoPage.waitForSelector("body[data-ready]");
    await demoPage.fill(`textarea[name="prompt"]`, PROMPT);
    await demoPage.fill(`input[name="maxTokens"]`, "200");
    await demoPage.keyboard.press("Control+Enter");
    await demoPage.waitForSelector("#answer[data-done]", {timeout: 120_000});
    await demoPage.locator("#answer .lg .t").first().hover();
    await demoPage.screenshot({path: join(out, "demo.png"), fullPage: true});
  } finally {
    await demo.close();
  }
} finally {
  await browser.close();
  rmSync(tmp, {recursive: true, force: true});
}
process.stderr.write(`wrote ${join(out, "report-questions.png")} and ${join(out, "demo.png")}\n`);

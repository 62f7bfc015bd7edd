import {cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {pathToFileURL} from "node:url";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {PLOT_NAMES, readResults, type Results, type SummaryRow} from "../../src/index.ts";
import {tlr} from "../support/run.ts";
import {launchChromium} from "./chromium.ts";
import {pixelStats} from "./pixels.ts";

// A real sweep of the toy pair, run as two shards: two real results folders (s1, s2) for the
// price of one, to plot alone and side by side. Nothing here is a fixture file.
const config = {
  name: "plots-test",
  datasets: [{name: "toy_arith", split: "eval", limit: 10, seed: 3}],
  pairs: [{preset: "toy-arith"}],
  routers: [{kind: "max-prob", thresholds: [0.5, 0.9, 0.99]}, {kind: "oracle"}, {kind: "random", seed: 0, thresholds: [0.1]}],
  maxTokens: 200,
};
const root = mkdtempSync(join(tmpdir(), "tlr-plots-"));
const s1 = join(root, "s1");
const s2 = join(root, "s2");
let one: Results;
let two: Results;

beforeAll(async () => {
  writeFileSync(join(root, "exp.json"), JSON.stringify(config));
  const runs = await Promise.all([s1, s2].map((out, i) => tlr(["sweep", join(root, "exp.json"), "--out", out, "--shard", `${i + 1}/2`])));
  for (const run of runs) expect(run.code, run.stderr).toBe(0);
  one = readResults(s1, {tokens: false});
  two = readResults(s2, {tokens: false});
});
afterAll(() => rmSync(root, {recursive: true, force: true}));

const BASELINES = new Set(["always-small", "always-large"]);
const routed = (rows: SummaryRow[]) => rows.filter((r) => !BASELINES.has(r.routerKind) && r.routerKind !== "oracle");
const pct1 = (x: number) => `${(100 * x).toFixed(1)}%`;
const tau = (t: number) => String(Number(t.toPrecision(4)));
/** The aria-labels of the items vega drew in a named mark, in every panel (they carry each point's tooltip fields). */
const markLabels = (svg: string, mark: string): string[] =>
  [...svg.matchAll(new RegExp(`role-mark ${mark}_marks"[^>]*>([\\s\\S]*?)</g>`, "g"))].flatMap((group) => [...group[1]!.matchAll(/<(?:path|line)\b[^>]*aria-label="([^"]*)"/g)].map((m) => m[1]!));
const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
const svgSize = (svg: string) => svg.match(/<svg[^>]* width="(\d+)" height="(\d+)"/)!.slice(1).map(Number);

describe("tlr plot", () => {
  it("writes every chart as SVG; accuracy vs upload draws each summary row: router points with τ, baselines, oracle", async () => {
    const out = join(root, "svg");
    const run = await tlr(["plot", s1, "--out", out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim().split("\n")).toEqual(PLOT_NAMES.map((n) => join(out, `${n}.svg`)));
    const svg = readFileSync(join(out, "accuracy-upload.svg"), "utf8");
    const points = markLabels(svg, "router_points");
    expect(points).toHaveLength(routed(one.summary).length);
    for (const r of routed(one.summary)) {
      expect(points.filter((p) => p.includes(`router: ${r.router};`) && p.includes(`τ: ${tau(r.threshold)};`) && p.includes(`accuracy: ${pct1(r.accuracy)};`)), `${r.router} τ ${r.threshold}`).toHaveLength(1);
      expect(texts(svg)).toContain(tau(r.threshold)); // the point's τ label
    }
    expect(markLabels(svg, "oracle_points")).toHaveLength(one.summary.filter((r) => r.routerKind === "oracle").length);
    expect(markLabels(svg, "baseline_rules")).toHaveLength(2);
    for (const b of one.summary.filter((r) => BASELINES.has(r.routerKind))) expect(texts(svg)).toContain(`${b.router} ${pct1(b.accuracy)}`);
  });

  it("PNG files are valid, sized as their SVG, and not blank: the routers' and baselines' colours are drawn", async () => {
    const out = join(root, "png");
    const run = await tlr(["plot", s1, "--format", "png", "--out", out]);
    expect(run.code, run.stderr).toBe(0);
    for (const name of PLOT_NAMES) {
      const png = readFileSync(join(out, `${name}.png`));
      const [w, h] = svgSize(readFileSync(join(root, "svg", `${name}.svg`), "utf8"));
      const stats = pixelStats(png);
      expect([stats.width, stats.height], name).toEqual([w! * 2, h! * 2]);
      expect(stats.inked, name).toBeGreaterThan(0.02);
      expect(stats.inked, name).toBeLessThan(0.8);
      expect(stats.colours, name).toBeGreaterThan(20);
    }
    // Vega's first two categorical colours are the routers (max-prob, random), #555 the dashed baselines.
    const centre = pixelStats(readFileSync(join(out, "accuracy-upload.png")), ["#4c78a8", "#f58518", "#555555"]);
    expect(centre.near["#4c78a8"]).toBeGreaterThan(200);
    expect(centre.near["#f58518"]).toBeGreaterThan(50);
    expect(centre.near["#555555"]).toBeGreaterThan(200);
  });

  it("several folders make one plot per chart that tells the runs apart; without --out it is a one-line error", async () => {
    const out = join(root, "multi");
    const run = await tlr(["plot", s1, s2, "--format", "vega-lite", "--out", out]);
    expect(run.code, run.stderr).toBe(0);
    const spec = JSON.parse(readFileSync(join(out, "accuracy-upload.vl.json"), "utf8"));
    expect(spec.facet.column.field).toBe("run");
    const values = spec.data.values as {run: string; accuracy: number}[];
    expect(values).toHaveLength(one.summary.length + two.summary.length);
    expect([...new Set(values.map((v) => v.run))]).toEqual(["s1: toy-arith · toy_arith", "s2: toy-arith · toy_arith"]);
    expect(values.filter((v) => v.run.startsWith("s2")).map((v) => v.accuracy)).toEqual(two.summary.map((r) => r.accuracy));
    const svgRun = await tlr(["plot", s1, s2, "--out", join(root, "multi-svg")]);
    expect(svgRun.code, svgRun.stderr).toBe(0);
    const svg = readFileSync(join(root, "multi-svg", "accuracy-upload.svg"), "utf8");
    expect(texts(svg)).toEqual(expect.arrayContaining(["s1: toy-arith · toy_arith", "s2: toy-arith · toy_arith"]));
    const points = markLabels(svg, "router_points"); // one group per panel
    expect(points.filter((p) => p.includes("run: s1: toy-arith · toy_arith;"))).toHaveLength(routed(one.summary).length);
    expect(points.filter((p) => p.includes("run: s2: toy-arith · toy_arith;"))).toHaveLength(routed(two.summary).length);
    const noOut = await tlr(["plot", s1, s2]);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toBe("tlr: error: 2 results folders: say where to write with --out\n");
  });
});

describe("tlr report", () => {
  it("writes one self-contained HTML file that real headless Chromium renders: every chart, the table, no console error, no request", async () => {
    const file = join(root, "report", "report.html");
    const run = await tlr(["report", s1, s2, "--out", file]);
    expect(run.code, run.stderr).toBe(0);
    const html = readFileSync(file, "utf8");
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|@import|url\(\s*["']?https?:/i);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({viewport: {width: 1280, height: 900}});
      const problems: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(`console: ${m.text()}`);
      });
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      const url = pathToFileURL(file).href;
      await page.route("**/*", (route) => {
        if (route.request().url() === url) return route.continue();
        problems.push(`request: ${route.request().url()}`);
        return route.abort();
      });
      await page.goto(url);
      await page.waitForSelector("body[data-rendered], body[data-error]", {timeout: 60_000});
      const body = page.locator("body");
      expect(await body.getAttribute("data-error")).toBeNull();
      expect(await body.getAttribute("data-rendered")).toBe(String(PLOT_NAMES.length));
      for (const name of PLOT_NAMES) {
        const svg = page.locator(`#chart-${name} svg.marks`);
        const box = await svg.boundingBox();
        expect(box?.width, name).toBeGreaterThan(200);
        expect(box?.height, name).toBeGreaterThan(150);
        expect(await svg.locator("g.role-mark > *").count(), name).toBeGreaterThan(5);
      }
      const points = await page.locator("#chart-accuracy-upload g.router_points_marks path").count();
      expect(points).toBe(routed(one.summary).length + routed(two.summary).length);
      expect(await page.locator("section.summary tbody tr").count()).toBe(one.summary.length + two.summary.length);
      const shot = pixelStats(await page.screenshot({fullPage: true}), ["#4c78a8"]);
      expect(shot.inked).toBeGreaterThan(0.03);
      expect(shot.colours).toBeGreaterThan(50);
      expect(shot.near["#4c78a8"]).toBeGreaterThan(200);
      // `tlr plot --format html`: one self-contained page per chart, rendered the same way.
      const single = await tlr(["plot", s1, "--format", "html", "--out", join(root, "html")]);
      expect(single.code, single.stderr).toBe(0);
      const pageUrl = pathToFileURL(join(root, "html", "latency.html")).href;
      await page.unroute("**/*");
      await page.route("**/*", (route) => (route.request().url() === pageUrl ? route.continue() : (problems.push(`request: ${route.request().url()}`), route.abort())));
      await page.goto(pageUrl);
      await page.waitForSelector("body[data-rendered], body[data-error]", {timeout: 60_000});
      expect(await body.getAttribute("data-rendered")).toBe("1");
      expect(await page.locator("#chart-latency svg.marks g.role-mark rect, #chart-latency svg.marks g.role-mark path").count()).toBeGreaterThan(0);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

describe("broken results folders", () => {
  it("a missing file or a truncated Arrow file: one line naming it, exit 2, nothing written", async () => {
    const broken = join(root, "broken");
    cpSync(s1, broken, {recursive: true});
    const truncate = (name: string) => {
      const bytes = readFileSync(join(broken, name));
      writeFileSync(join(broken, name), bytes.subarray(0, bytes.length - 64));
      return bytes;
    };
    const cut = (name: string) => `tlr: error: ${join(broken, name)} is not a complete Arrow IPC file (truncated or another format): re-run or re-merge the sweep that wrote it\n`;

    // tokens.arrow is not read by plots, but a folder that lost part of it is refused all the same.
    const tokens = truncate("tokens.arrow");
    const plot = await tlr(["plot", broken, "--out", join(root, "nothing")]);
    expect([plot.code, plot.stderr]).toEqual([2, cut("tokens.arrow")]);
    expect(existsSync(join(root, "nothing"))).toBe(false);
    writeFileSync(join(broken, "tokens.arrow"), tokens);

    const summary = truncate("summary.arrow");
    const report = await tlr(["report", broken, "--out", join(root, "nothing.html")]);
    expect([report.code, report.stderr]).toEqual([2, cut("summary.arrow")]);
    expect(existsSync(join(root, "nothing.html"))).toBe(false);
    writeFileSync(join(broken, "summary.arrow"), summary);

    rmSync(join(broken, "questions.arrow"));
    for (const command of [["plot", broken, "--out", join(root, "nothing")], ["report", s1, broken, "--out", join(root, "nothing.html")]]) {
      const missing = await tlr(command);
      expect([missing.code, missing.stderr]).toEqual([2, `tlr: error: results file not found: ${join(broken, "questions.arrow")}\n`]);
    }
    const absent = await tlr(["report", join(root, "absent")]);
    expect([absent.code, absent.stderr]).toEqual([2, `tlr: error: results folder not found: ${join(root, "absent")}\n`]);
  });
});

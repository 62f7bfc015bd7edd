import {describe, expect, it} from "vitest";
import {firstDifference, QUESTION_COLUMNS, type QuestionRow} from "../../src/index.ts";
import {buildTable, readTable} from "../../src/results/columns.ts";
import {packBrowserData, unpackBrowserData} from "../../src/report/browserWire.ts";
import type {BrowserData} from "../../src/report/browserTypes.ts";
import {needsWide, packRuns, unpackRuns} from "../../src/report/tokenBlob.ts";

// The page unpacks what the report packs, with the same functions; these pin the formats down
// (the browser tests check the whole path against real results files).
describe("the question browser's packed data", () => {
  it("token blocks round-trip: float32 scores (±∞ included), 16- and 32-bit dictionary indices, sources", () => {
    const runs = [
      {entries: [0, 1, 2, 65535], large: [0, 1, 1, 0], scores: [0.5, 0.999873, Infinity, -Infinity]},
      {entries: [], large: [], scores: []},
      {entries: [7], large: [1], scores: [1e-7]},
    ];
    for (const wide of [false, true]) {
      const bytes = packRuns(runs, wide);
      expect(bytes.length).toBe(5 * (4 + (wide ? 4 : 2) + 1));
      const back = unpackRuns(bytes, [4, 0, 1], wide);
      expect(back.map((r) => Array.from(r.entries))).toEqual(runs.map((r) => r.entries));
      expect(back.map((r) => Array.from(r.large))).toEqual(runs.map((r) => r.large));
      expect(back.map((r) => Array.from(r.scores))).toEqual(runs.map((r) => r.scores.map((s) => Math.fround(s))));
    }
    expect(() => unpackRuns(packRuns(runs, false), [4, 0, 2], false)).toThrow(/does not hold 6 tokens/);
    const wide = packRuns([{entries: [70_000], large: [0], scores: [0]}], true);
    expect(Array.from(unpackRuns(wide, [1], true)[0]!.entries)).toEqual([70_000]);
    expect([needsWide(65_535), needsWide(65_536)]).toEqual([false, true]);
  });

  it("outcomes travel as tuples and come back as they were", () => {
    const data: BrowserData = {
      folders: ["r"],
      runs: [{folder: 0, dataset: "d", split: "s", task: "d:t", pair: "p", router: "max-prob", routerKind: "max-prob", threshold: 0.8, target: null}],
      questions: [
        {
          folder: 0, dataset: "d", pair: "p", index: 3, id: "q3", prompt: "Question: ?", promptTokens: 4, gold: "A", blob: 0,
          outcomes: [
            {run: 0, extracted: "A", rule: "choice-text-after-therefore", correct: true, error: null, tokens: 9, largeTokens: 2, largeCalls: 2, bytesUp: 40, totalMs: 12.34, stopReason: "eos"},
            {run: 0, extracted: null, rule: "none", correct: false, error: "refused", tokens: 0, largeTokens: 0, largeCalls: 0, bytesUp: 0, totalMs: 0, stopReason: "error"},
          ],
        },
      ],
      dictionary: {ids: [1], pieces: ["x"]},
      wide: false,
      blobs: [""],
    };
    const wire = packBrowserData(data);
    expect(wire.strings).toEqual(["choice-text-after-therefore", "eos", "none", "error"]);
    expect(unpackBrowserData(JSON.parse(JSON.stringify(wire)))).toEqual(data);
  });

  it("firstDifference: the first differing id, the first extra token of a longer run, or -1", () => {
    expect(firstDifference([1, 2, 3], [1, 2, 3])).toBe(-1);
    expect(firstDifference([1, 2, 3], [1, 9, 3])).toBe(1);
    expect(firstDifference([1, 2], [1, 2, 3])).toBe(2);
    expect(firstDifference([], [])).toBe(-1);
  });

  it("questions.arrow written before the prompt column stays readable: its prompts read as null", () => {
    const row = {dataset: "d", split: "s", task: "d:t", pair: "p", router: "small-only", routerKind: "always-small", routerRole: "baseline-small", threshold: 0, target: null, questionIndex: 0, questionId: "q0", prompt: "Question: ?", promptTokens: 3, generatedIds: [5, 2], output: "x", extracted: null, extractionRule: "none", gold: "A", correct: false, generated: 2, largeTokens: 0, uploadFraction: 0, largeCalls: 0, probes: 0, bytesUp: 0, bytesDown: 0, ttftMs: 1, tbtMs: 1, smallMs: 2, largeMs: 0, networkMs: 0, routerMs: 0, totalMs: 2, wallMs: 2, smallEvaluated: 4, largeEvaluated: 0, stopReason: "eos", error: null} satisfies QuestionRow;
    const old = buildTable(QUESTION_COLUMNS.filter((c) => c.name !== "prompt"), [row], new Map());
    expect(old.getChild("prompt")).toBeNull();
    expect(readTable(QUESTION_COLUMNS, old, "old.arrow")).toEqual([{...row, prompt: null}]);
    expect(readTable(QUESTION_COLUMNS, buildTable(QUESTION_COLUMNS, [row], new Map()), "new.arrow")).toEqual([row]);
    // A column that is not optional is still required.
    expect(() => readTable(QUESTION_COLUMNS, buildTable(QUESTION_COLUMNS.filter((c) => c.name !== "gold"), [row], new Map()), "bad.arrow")).toThrow("bad.arrow lacks the column(s) gold");
  });
});

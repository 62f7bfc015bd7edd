import {describe, expect, it} from "vitest";
import {planEvaluation} from "../../src/models/schedule.ts";

const seq = (n: number, from = 100) => Array.from({length: n}, (_, i) => from + i);

describe("planEvaluation", () => {
  it("appends: keeps every held batch and evaluates the new tokens as one batch", () => {
    expect(planEvaluation(seq(10), [10], seq(13))).toEqual({keepSegments: 1, keepLength: 10, evaluate: [13]});
    expect(planEvaluation([], [], seq(5))).toEqual({keepSegments: 0, keepLength: 0, evaluate: [5]});
  });

  it("serves a transcript that ends at a held batch end from the state", () => {
    expect(planEvaluation(seq(12), [10, 11, 12], seq(11))).toEqual({keepSegments: 2, keepLength: 11, evaluate: []});
    expect(planEvaluation(seq(12), [10, 11, 12], seq(12))).toEqual({keepSegments: 3, keepLength: 12, evaluate: []});
  });

  it("never keeps part of a batch: a transcript ending inside one re-evaluates it from its start", () => {
    expect(planEvaluation(seq(20), [10, 20], seq(15))).toEqual({keepSegments: 1, keepLength: 10, evaluate: [15]});
    expect(planEvaluation(seq(10), [10], seq(5))).toEqual({keepSegments: 0, keepLength: 0, evaluate: [5]});
  });

  it("rolls back to the last whole batch before a divergence", () => {
    const other = [...seq(12), 999, 998];
    expect(planEvaluation(seq(16), [10, 11, 12, 13, 14, 15, 16], other)).toEqual({keepSegments: 3, keepLength: 12, evaluate: [14]});
    // A new prompt sharing a prefix with the old prompt's single batch starts over.
    expect(planEvaluation(seq(10), [10], [...seq(4), 7, 7, 7])).toEqual({keepSegments: 0, keepLength: 0, evaluate: [7]});
  });

  it("replays the batch history given as cuts, reusing held batches only where boundaries agree", () => {
    const t = seq(25);
    expect(planEvaluation(t, [10, 15, 20], t, [10, 18])).toEqual({keepSegments: 1, keepLength: 10, evaluate: [18, 25]});
    expect(planEvaluation(t, [10, 15, 20], t, [10, 15, 20])).toEqual({keepSegments: 3, keepLength: 20, evaluate: [25]});
    expect(planEvaluation(seq(20), [10, 15, 20], t, [12])).toEqual({keepSegments: 0, keepLength: 0, evaluate: [12, 25]});
    expect(planEvaluation(t, [10, 15, 25], t, [10, 15])).toEqual({keepSegments: 3, keepLength: 25, evaluate: []});
  });

  it("refuses malformed cuts", () => {
    expect(() => planEvaluation([], [], seq(10), [5, 5])).toThrow(/ascend/);
    expect(() => planEvaluation([], [], seq(10), [10])).toThrow(/ascend/);
    expect(() => planEvaluation([], [], seq(10), [0])).toThrow(/ascend/);
  });
});

import {describe, expect, it} from "vitest";
import {formatSummary} from "../../src/results/formatTable.ts";
import {SUMMARY_COLUMNS, type SummaryRow} from "../../src/index.ts";

/** A summary row with every figure set (the values do not matter here, only the layout). */
function row(router: string, threshold: number): SummaryRow {
  const r = Object.fromEntries(SUMMARY_COLUMNS.map((c) => [c.key, c.type === "utf8" ? "x" : 0.5])) as unknown as SummaryRow;
  return {...r, dataset: "toy_arith", split: "eval", task: "toy_arith:toy", pair: "toy-arith", router, routerKind: router, threshold, target: null, questions: 10, errors: 0};
}

describe("terminal tables", () => {
  it("one line per row: no rule between rows (compact), colourless when piped", () => {
    const rows = [row("always-small", 0), row("max-prob", 0.5), row("max-prob", 0.8), row("max-prob", 0.9)];
    const lines = formatSummary(rows).split("\n");
    // title, top border, header, header rule, 4 rows, bottom border
    expect(lines).toHaveLength(1 + 3 + rows.length + 1);
    expect(lines[0]).toBe("toy_arith (eval, toy_arith:toy) · pair toy-arith");
    expect(lines.filter((l) => l.startsWith("├"))).toHaveLength(1);
    expect(lines.slice(4, 8).map((l) => l.split("│")[1]!.trim())).toEqual(["always-small", "max-prob", "max-prob", "max-prob"]);
    expect(lines.join("\n")).not.toContain("\x1b[");
  });
});

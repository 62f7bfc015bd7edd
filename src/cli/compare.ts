import {Command} from "commander";
import {compareAtUpload} from "../results/compareAtUpload.ts";
import {readResults} from "../results/resultsFolder.ts";
import {collect, toJson, type CliIO} from "./io.ts";

const pct = (x: number | null) => (x === null ? "—" : `${(100 * x).toFixed(1)}%`);

export function compareCommand(io: CliIO): Command {
  return new Command("compare")
    .description("compare routers at equal upload fractions: accuracy read off each router's accuracy-vs-upload curve (linear interpolation between measured runs)")
    .argument("<dir>", "a results folder written by tlr sweep (one dataset and pair)")
    .option("--at <fraction>", "upload fraction to compare at (repeatable)", collect, [])
    .option("--router <name>", "a router to compare (repeatable; default: every router but the baselines and the oracle)", collect, [])
    .option("--json", "print the comparison as JSON")
    .action((dir: string, flags: {at: string[]; router: string[]; json?: boolean}) => {
      const fractions = (flags.at.length ? flags.at : ["0.01", "0.02", "0.03"]).map(Number);
      const results = readResults(dir, {tokens: false});
      const rows = compareAtUpload(results.summary, fractions, flags.router.length ? flags.router : undefined);
      if (flags.json) {
        io.stdout.write(`${toJson({fractions, routers: rows}, 2)}\n`);
        return;
      }
      const width = Math.max(6, ...rows.map((r) => r.router.length));
      const lines = [`${"router".padEnd(width)}  ${fractions.map((f) => `acc@${pct(f)}`.padStart(11)).join("")}`];
      for (const r of rows) lines.push(`${r.router.padEnd(width)}  ${r.accuracy.map((a) => pct(a).padStart(11)).join("")}`);
      lines.push("", "measured points (upload → accuracy):");
      for (const r of rows) lines.push(`${r.router}: ${r.points.map((p) => `${pct(p.uploadFraction)} → ${pct(p.accuracy)}`).join(", ")}`);
      io.stdout.write(`${lines.join("\n")}\n`);
    });
}

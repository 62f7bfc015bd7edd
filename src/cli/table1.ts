import {Command} from "commander";
import {formatPaperTable1, paperTable1} from "../results/paperTable1.ts";
import {readResults} from "../results/resultsFolder.ts";
import {toJson, useColor, type CliIO} from "./io.ts";

export function table1Command(io: CliIO): Command {
  return new Command("table1")
    .description("print a results folder in the paper's Table 1 layout (latency per threshold), beside the paper's own figures")
    .argument("<dir>", "a results folder written by tlr sweep (e.g. of experiments/paper-table1.json)")
    .option("--router <name>", "which router's thresholds (default: the first non-baseline router)")
    .option("--json", "print the columns as JSON")
    .action((dir: string, flags: {router?: string; json?: boolean}) => {
      const table = paperTable1(readResults(dir, {tokens: false}).questions, flags.router);
      io.stdout.write(flags.json ? `${toJson(table, 2)}\n` : `${formatPaperTable1(table, {color: useColor(io)})}\n`);
    });
}

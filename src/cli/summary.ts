import {Command} from "commander";
import {formatSummary} from "../results/formatTable.ts";
import {readResults} from "../results/resultsFolder.ts";
import {toJson, useColor, type CliIO} from "./io.ts";

export function summaryCommand(io: CliIO): Command {
  return new Command("summary")
    .description("print a results folder's tables, from its Arrow files alone")
    .argument("<dir>", "a results folder written by tlr sweep or tlr merge")
    .option("--json", "print the summary rows as JSON")
    .action((dir: string, flags: {json?: boolean}) => {
      const results = readResults(dir);
      io.stdout.write(flags.json ? `${toJson(results.summary, 2)}\n` : `${formatSummary(results.summary, {color: useColor(io)})}\n`);
    });
}

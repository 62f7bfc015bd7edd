import {Command} from "commander";
import {formatErrors, formatSummary} from "../results/formatTable.ts";
import {readResults} from "../results/resultsFolder.ts";
import {toJson, useColor, type CliIO} from "./io.ts";

export function summaryCommand(io: CliIO): Command {
  return new Command("summary")
    .description("print a results folder's tables, from its Arrow files alone")
    .argument("<dir>", "a results folder written by tlr sweep or tlr merge")
    .option("--json", "print the summary rows as JSON")
    .action((dir: string, flags: {json?: boolean}) => {
      const results = readResults(dir);
      if (flags.json) return void io.stdout.write(`${toJson(results.summary, 2)}\n`);
      const errors = formatErrors(results.questions);
      io.stdout.write(`${formatSummary(results.summary, {color: useColor(io)})}\n${errors ? `\n${errors}\n` : ""}`);
    });
}

import {Command} from "commander";
import {formatErrors, formatSummary} from "../results/formatTable.ts";
import {readResults} from "../results/resultsFolder.ts";
import {TlrError} from "../util/errors.ts";
import {toJson, useColor, type CliIO} from "./io.ts";

export function summaryCommand(io: CliIO): Command {
  return new Command("summary")
    .description("print a results folder's tables, from its Arrow files alone")
    .argument("<dir>", "a results folder written by tlr sweep or tlr merge")
    .option("--json", "print the summary rows as JSON")
    .option("--profile", "latency on the sweep's device profile (config \"profile\") instead of the measured timeline")
    .action((dir: string, flags: {json?: boolean; profile?: boolean}) => {
      const results = readResults(dir);
      if (flags.profile && !results.summary.some((r) => r.profile !== null)) throw new TlrError(`${dir} has no device-profile latencies: give the sweep's config a "profile" (e.g. "paper") and run it again`);
      if (flags.json) return void io.stdout.write(`${toJson(results.summary, 2)}\n`);
      const errors = formatErrors(results.questions);
      io.stdout.write(`${formatSummary(results.summary, {color: useColor(io), profile: flags.profile})}\n${errors ? `\n${errors}\n` : ""}`);
    });
}

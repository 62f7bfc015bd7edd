import {Command} from "commander";
import {readResultsFolders} from "../plots/readResultsFolders.ts";
import {writeReport} from "../plots/writeReport.ts";
import {defaultOut} from "./plot.ts";
import type {CliIO} from "./io.ts";

export function reportCommand(io: CliIO): Command {
  return new Command("report")
    .description("write one self-contained HTML report (plots, summary tables, provenance) of results folders, from their Arrow files alone")
    .argument("<dirs...>", "results folders written by tlr sweep or tlr merge")
    .option("--out <file>", "the HTML file (default: DIR/report.html for one folder)")
    .option("--title <text>", "the report's title")
    .action((dirs: string[], flags: {out?: string; title?: string}) => {
      const out = flags.out ?? defaultOut(dirs, "report.html");
      const bytes = writeReport(readResultsFolders(dirs), out, {title: flags.title, onWarning: (m) => io.stderr.write(`tlr: warning: ${m}\n`)});
      io.stdout.write(`${out} (${(bytes / 1024).toFixed(0)} KiB)\n`);
    });
}

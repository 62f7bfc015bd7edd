import {Command} from "commander";
import {readResultsFolders} from "../plots/readResultsFolders.ts";
import {writeReport} from "../plots/writeReport.ts";
import {questionBrowserData} from "../report/browserData.ts";
import {defaultOut} from "./plot.ts";
import type {CliIO} from "./io.ts";

export function reportCommand(io: CliIO): Command {
  return new Command("report")
    .description("write one self-contained HTML report (plots, summary tables, provenance, every question's tokens) of results folders, from their Arrow files alone")
    .argument("<dirs...>", "results folders written by tlr sweep or tlr merge")
    .option("--out <file>", "the HTML file (default: DIR/report.html for one folder)")
    .option("--title <text>", "the report's title")
    .option("--no-questions", "leave out the question browser (and the token rows it embeds)")
    .action((dirs: string[], flags: {out?: string; title?: string; questions: boolean}) => {
      const out = flags.out ?? defaultOut(dirs, "report.html");
      const results = readResultsFolders(dirs);
      const questions = flags.questions ? questionBrowserData(results) : undefined;
      const bytes = writeReport(results, out, {title: flags.title, questions, onWarning: (m) => io.stderr.write(`tlr: warning: ${m}\n`)});
      io.stdout.write(`${out} (${(bytes / 1024).toFixed(0)} KiB)\n`);
    });
}

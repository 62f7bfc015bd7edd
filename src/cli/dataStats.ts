import {Command} from "commander";
import {addSourceOptions, loadOptions, type SourceFlags} from "./dataOptions.ts";
import {toJson, type CliIO} from "./io.ts";

export function dataStatsCommand(io: CliIO): Command {
  return addSourceOptions(
    new Command("stats")
      .description("rows per split (and gold answers per label), read and checked from the chosen source")
      .argument("<name>", "a registered dataset (tlr data list) or a JSONL file in CommonsenseQA's format")
      .option("--json", "print the figures as JSON"),
  ).action(async (name: string, flags: SourceFlags & {json?: boolean}) => {
    const {datasetStats} = await import("../data/datasetStats.ts"); // loaders, parquet and the Hub client, only when used
    const stats = await datasetStats(name, loadOptions(flags, io));
    if (flags.json) {
      io.stdout.write(toJson({dataset: name, splits: stats}, 2) + "\n");
      return;
    }
    const source = stats.find((s) => s.source)?.source;
    io.stdout.write(`${name}${source ? ` (source: ${source})` : ""}\n`);
    io.stdout.write(`${"split".padEnd(16)} ${"rows".padStart(7)} ${"labelled".padStart(9)}  gold answers\n`);
    for (const s of stats) {
      if (s.rows === undefined) {
        io.stdout.write(`${s.split.padEnd(16)} ${"—".padStart(7)}  not in this source\n`);
        continue;
      }
      const answers = Object.entries(s.answers ?? {})
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k} ${v}`)
        .join(" · ");
      const skipped = s.skipped ? ` (${s.skipped} bad rows skipped)` : "";
      io.stdout.write(`${s.split.padEnd(16)} ${String(s.rows).padStart(7)} ${String(s.labelled).padStart(9)}  ${answers}${skipped}\n`);
    }
  });
}

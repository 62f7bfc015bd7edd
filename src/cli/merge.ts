import {Command} from "commander";
import {formatSummary} from "../results/formatTable.ts";
import {mergeSweeps} from "../results/mergeSweeps.ts";
import {useColor, type CliIO} from "./io.ts";

export function mergeCommand(io: CliIO): Command {
  return new Command("merge")
    .description("join the folders of one sweep's shards (or machines) into one results folder")
    .argument("<dirs...>", "results folders of the same config")
    .requiredOption("--out <dir>", "the merged folder")
    .action(async (dirs: string[], flags: {out: string}) => {
      const merged = await mergeSweeps(dirs, flags.out);
      if (merged.missing.length > 0) io.stderr.write(`tlr: warning: shards ${merged.missing.join(", ")} are missing; the merged results are partial\n`);
      io.stdout.write(`${formatSummary(merged.summary, {color: useColor(io)})}\n\nmerged ${dirs.length} folders into ${flags.out}\n`);
    });
}

import {Command} from "commander";
import {addHubOptions, type SourceFlags} from "./dataOptions.ts";
import {collect, toJson, type CliIO} from "./io.ts";

export function dataPullCommand(io: CliIO): Command {
  return addHubOptions(
    new Command("pull")
      .description("download a dataset from the Hugging Face Hub into the Hugging Face cache, pinned to the commit its branch resolves to")
      .argument("<name>", "a registered dataset (tlr data list)")
      .option("--split <split>", "only this split (repeatable; default: all the manifest lists)", collect, [])
      .option("--json", "print the result as JSON"),
  ).action(async (name: string, flags: SourceFlags & {split: string[]; json?: boolean}) => {
    const {pullDataset} = await import("../data/pullDataset.ts"); // the Hub client, only when it is used
    const result = await pullDataset(name, {
      splits: flags.split.length ? flags.split : undefined,
      cacheDir: flags.cacheDir,
      hubUrl: flags.hubUrl,
      revision: flags.revision,
      verify: flags.verify,
      env: io.env,
      onSplit: (split) => io.stderr.write(`tlr: pulling ${name} ${split}…\n`),
    });
    if (flags.json) {
      io.stdout.write(toJson(result, 2) + "\n");
      return;
    }
    io.stdout.write(`${result.repo} ${result.revision} → ${result.commit} (pinned in ${result.cacheDir})\n`);
    for (const s of result.splits) io.stdout.write(`  ${s.split.padEnd(16)} ${String(s.rows).padStart(7)} rows  ${s.files.map((f) => f.path).join(", ")}\n`);
  });
}

import {Command} from "commander";
import {subset} from "../data/subset.ts";
import type {Example} from "../data/types.ts";
import {createTask} from "../tasks/createTask.ts";
import {addSourceOptions, describeSource, loadOptions, warnSkipped, type SourceFlags} from "./dataOptions.ts";
import {parseInteger, parsePositiveInt, toJson, type CliIO} from "./io.ts";

interface ShowFlags extends SourceFlags {
  split?: string;
  limit: number;
  seed?: number;
  format?: string;
  json?: boolean;
}

export function dataShowCommand(io: CliIO): Command {
  return addSourceOptions(
    new Command("show")
      .description("the formatted prompts and gold answers of a few examples (CITER's prompt for CommonsenseQA by default)")
      .argument("<name>", "a registered dataset (tlr data list) or a JSONL file in CommonsenseQA's format")
      .option("--split <split>", "the split (default: the dataset's default, e.g. validation)")
      .option("--limit <n>", "how many examples", parsePositiveInt, 3)
      .option("--seed <n>", "a random sample (Python's random.Random(seed).sample) instead of the first ones", parseInteger)
      .option("--format <format>", "prompt format: citer, letter, toy (multiple choice) or qa (GSM8K); default: the dataset's")
      .option("--json", "print the examples, prompts and gold answers as JSON"),
  ).action(async (name: string, flags: ShowFlags) => {
    const {loadDataset} = await import("../data/loadDataset.ts"); // loaders, parquet and the Hub client, only when used
    const task = createTask(flags.format ? `${name}:${flags.format}` : name);
    const d = await loadDataset(name, {...loadOptions(flags, io), split: flags.split});
    warnSkipped(d, io);
    const shown = subset(d.examples, {limit: flags.limit, seed: flags.seed});
    if (flags.json) {
      const examples = shown.map((e) => ({id: e.id, prompt: task.prompt(e), answer: e.answer, answerText: goldText(e), source: e.source}));
      io.stdout.write(toJson({dataset: d.name, split: d.split, task: task.name, total: d.examples.length, provenance: d.provenance, examples}, 2) + "\n");
      return;
    }
    io.stdout.write(`# ${d.name} ${d.split} · task ${task.name} · ${shown.length} of ${d.examples.length} examples · ${describeSource(d)}\n`);
    for (const e of shown) {
      io.stdout.write(`\n## ${e.id}\n${task.prompt(e)}\n-- gold: ${e.answer === null ? "(none: unlabelled split)" : e.answer}${goldText(e) ? ` (${goldText(e)})` : ""}\n`);
    }
  });
}

/** The gold choice's text, for multiple choice. */
function goldText(e: Example): string | undefined {
  return e.choices.find((c) => c.label === e.answer)?.text;
}

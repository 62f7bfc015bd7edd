import {Command} from "commander";
import {formatPaperTable1, paperTable1, policiesOf} from "../results/paperTable1.ts";
import {readResults} from "../results/resultsFolder.ts";
import {TlrError} from "../util/errors.ts";
import {toJson, useColor, type CliIO} from "./io.ts";

export function table1Command(io: CliIO): Command {
  return new Command("table1")
    .description("print a results folder in the paper's Table 1 layout (latency per threshold), beside the paper's own figures; one table per policy")
    .argument("<dir>", "a results folder written by tlr sweep (e.g. of experiments/paper-table1.json)")
    .option("--router <name>", "which router's thresholds (default: the first non-baseline router)")
    .option("--policy <name>", "one policy's runs (default: every policy the router ran with, a table each)")
    .option("--profile", "latency on the sweep's device profile (config \"profile\") instead of the measured timeline")
    .option("--json", "print the columns as JSON")
    .action((dir: string, flags: {router?: string; policy?: string; profile?: boolean; json?: boolean}) => {
      const {questions, summary} = readResults(dir, {tokens: false});
      const profile = flags.profile ? summary.find((r) => r.profile !== null)?.profile : undefined;
      if (flags.profile && !profile) throw new TlrError(`${dir} has no device-profile latencies: give the sweep's config a "profile" (e.g. "paper") and run it again`);
      const first = paperTable1(questions, flags.router, {policy: flags.policy, profile: profile ?? undefined});
      const policies = flags.policy ? [first.policy] : policiesOf(questions, first.router);
      const tables = policies.map((policy) => (policy === first.policy ? first : paperTable1(questions, first.router, {policy, profile: profile ?? undefined})));
      io.stdout.write(flags.json ? `${toJson(tables.length === 1 ? tables[0] : tables, 2)}\n` : `${tables.map((t) => formatPaperTable1(t, {color: useColor(io)})).join("\n\n")}\n`);
    });
}

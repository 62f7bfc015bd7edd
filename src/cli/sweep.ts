import {Command} from "commander";
import {formatSummary} from "../results/formatTable.ts";
import {loadExperiment} from "../sweep/config.ts";
import {planSweep} from "../sweep/plan.ts";
import {runSweep} from "../sweep/runSweep.ts";
import {shardFromScheduler} from "../sweep/schedulerShard.ts";
import type {Shard} from "../results/sweepState.ts";
import {parseShard} from "../sweep/shard.ts";
import {interruptOnSignals} from "../util/interrupt.ts";
import {parsePositiveInt, useColor, type CliIO} from "./io.ts";
import {progressPrinter} from "./progress.ts";

export function sweepCommand(io: CliIO): Command {
  return new Command("sweep")
    .description("run an experiment config (datasets × pairs × routers × thresholds), write Arrow results, print the tables")
    .argument("<config>", "an experiment config (JSON, see experiments/schema.json)")
    .option("--out <dir>", "output folder (default: the config's out, else results/<name>)")
    .option("--shard <i/n|auto>", "run only shard i of n of the questions (merge the folders with tlr merge); auto: from a Slurm job array or a Kubernetes Indexed Job")
    .option("--flush-every <n>", "write finished questions to disk every n questions (default 20, or every 30 s)", parsePositiveInt)
    .option("--workers <n>", "worker processes (default: the config's workers, else sized from the physical cores and the models)", parsePositiveInt)
    .action(async (configFile: string, flags: {out?: string; shard?: string; flushEvery?: number; workers?: number}) => {
      const config = loadExperiment(configFile);
      const shard = flags.shard === undefined ? undefined : resolveShard(flags.shard, io);
      const plan = await planSweep(config, configFile); // every check happens here, before a model loads
      const progress = progressPrinter(io);
      // Ctrl-C: the questions in hand finish and are written; a second Ctrl-C quits at once.
      const interrupt = interruptOnSignals(() => {
        progress.end();
        io.stderr.write("tlr: stopping after the questions in hand (Ctrl-C again to quit at once)…\n");
      });
      let outcome;
      try {
        outcome = await runSweep(plan, {
          signal: interrupt.signal,
          out: flags.out,
          shard,
          flushQuestions: flags.flushEvery,
          workers: flags.workers,
          onProgress: (p) => progress.update(p),
          onInfo: (m) => {
            progress.end();
            io.stderr.write(`tlr: ${m}\n`);
          },
        });
      } finally {
        interrupt.dispose();
        progress.end();
      }
      io.stdout.write(`${formatSummary(outcome.summary, {color: useColor(io)})}\n\nresults: ${outcome.out} (${outcome.ran} questions run${outcome.resumed ? `, ${outcome.resumed} resumed` : ""})\n`);
    });
}

/** `--shard i/n`, or `--shard auto` read from the scheduler's environment (said on stderr). */
function resolveShard(text: string, io: CliIO): Shard {
  if (text.trim() !== "auto") return parseShard(text);
  const {index, count, from} = shardFromScheduler();
  io.stderr.write(`tlr: shard ${index}/${count} (${from})\n`);
  return {index, count};
}

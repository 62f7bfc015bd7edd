import {Command} from "commander";
import {formatErrors, formatSummary} from "../results/formatTable.ts";
import {readResults} from "../results/resultsFolder.ts";
import {loadExperiment} from "../sweep/config.ts";
import {describePlan, formatPlan} from "../sweep/describePlan.ts";
import {planSweep} from "../sweep/plan.ts";
import {runSweep, sweepOut} from "../sweep/runSweep.ts";
import {shardFromScheduler} from "../sweep/schedulerShard.ts";
import type {Shard} from "../results/sweepState.ts";
import {parseShard} from "../sweep/shard.ts";
import {ensureFolder} from "../util/ensureFolder.ts";
import {InterruptedError, interruptOnSignals} from "../util/interrupt.ts";
import {parsePositiveInt, useColor, type CliIO} from "./io.ts";
import {progressPrinter} from "./progress.ts";

interface SweepFlags {
  out?: string;
  shard?: string;
  flushEvery?: number;
  workers?: number;
  plan?: boolean;
  retryErrors?: boolean;
}

export function sweepCommand(io: CliIO): Command {
  return new Command("sweep")
    .description("run an experiment config (datasets × pairs × routers × thresholds), write Arrow results, print the tables")
    .argument("<config>", "an experiment config (JSON, see experiments/schema.json)")
    .option("--out <dir>", "output folder (default: the config's out, else results/<name>)")
    .option("--shard <i/n|auto>", "run only shard i of n of the questions (merge the folders with tlr merge); auto: from a Slurm job array or a Kubernetes Indexed Job")
    .option("--flush-every <n>", "write finished questions to disk every n questions (default 20, or every 30 s)", parsePositiveInt)
    .option("--workers <n>", "worker processes (default: the config's workers, else sized from the physical cores and the models)", parsePositiveInt)
    .option("--plan", "check everything and print what would run (questions, runs, models, tokens, time), loading no weights")
    .option("--retry-errors", "run again the questions recorded with an error (their rows are replaced; nothing else is recomputed)")
    .action(async (configFile: string, flags: SweepFlags) => {
      const config = loadExperiment(configFile);
      const shard = flags.shard === undefined ? undefined : resolveShard(flags.shard, io);
      const plan = await planSweep(config, configFile); // every check happens here, before a model loads
      const out = sweepOut(plan, {out: flags.out, shard});
      if (flags.plan) return void io.stdout.write(`${formatPlan(describePlan(plan, shard), configFile, out)}\n`);
      ensureFolder(out, flags.out ? "--out" : config.out ? `${configFile}: out` : "results folder");
      const progress = progressPrinter(io);
      // Ctrl-C (or SIGTERM): the questions in flight finish and are written; a second one quits at once.
      const interrupt = interruptOnSignals(() => {
        progress.end();
        io.stderr.write("tlr: stopping after the questions in flight, keeping every finished one (Ctrl-C again to quit at once)…\n");
      });
      let outcome;
      try {
        outcome = await runSweep(plan, {
          out: flags.out,
          shard,
          flushQuestions: flags.flushEvery,
          retryErrors: flags.retryErrors,
          workers: flags.workers,
          signal: interrupt.signal,
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
      if (outcome.interrupted) {
        const again = `tlr sweep ${configFile}${flags.out ? ` --out ${flags.out}` : ""}${flags.shard ? ` --shard ${flags.shard}` : ""}${flags.flushEvery ? ` --flush-every ${flags.flushEvery}` : ""}${flags.workers ? ` --workers ${flags.workers}` : ""}${flags.retryErrors ? " --retry-errors" : ""}`;
        throw new InterruptedError(`stopped after ${outcome.ran} of ${outcome.total} questions, all finished ones kept in ${out}/parts; ${again} resumes from there`);
      }
      const errors = outcome.summary.some((s) => s.errors > 0) ? formatErrors(readResults(outcome.out).questions) : "";
      const kept = outcome.erroredKept > 0 ? `, ${outcome.erroredKept} with errors kept (--retry-errors runs them again)` : "";
      io.stdout.write(`${formatSummary(outcome.summary, {color: useColor(io)})}\n${errors ? `\n${errors}\n` : ""}\nresults: ${outcome.out} (${outcome.ran} questions run${outcome.resumed ? `, ${outcome.resumed} resumed` : ""}${kept})\n`);
    });
}

/** `--shard i/n`, or `--shard auto` read from the scheduler's environment (said on stderr). */
function resolveShard(text: string, io: CliIO): Shard {
  if (text.trim() !== "auto") return parseShard(text);
  const {index, count, from} = shardFromScheduler();
  io.stderr.write(`tlr: shard ${index}/${count} (${from})\n`);
  return {index, count};
}

/**
 * A sweep's worker process (forked by `ChildQuestionWorker`): it plans the sweep again from the
 * same config (the same checks, the same datasets in the same order), opens one pair with its own
 * contexts and threads, and runs the questions it is sent, answering each with its rows.
 *
 * Processes rather than worker threads: node-llama-cpp 3.22.1's addon keeps process-wide state
 * (one llama.cpp log callback, and a backend that the first worker thread to exit frees for every
 * other: `addonFreeLlamaBackend` runs as each environment's cleanup hook), and a native crash in a
 * thread would take the whole sweep down; a process that dies fails only its questions.
 */
import {isTlrError} from "../util/errors.ts";
import {planSweep} from "./plan.ts";
import {openQuestionWorker, type QuestionWorker} from "./questionWorker.ts";
import type {FromWorker, ToWorker, WireError} from "./workerMessages.ts";

const send = (message: FromWorker) => process.send!(message);

const wire = (error: unknown): WireError => ({
  message: error instanceof Error ? error.message : String(error),
  tlr: isTlrError(error),
  stack: error instanceof Error ? error.stack : undefined,
});

let worker: QuestionWorker | undefined;

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case "open": {
      const plan = await planSweep(message.config, message.configFile);
      worker = await openQuestionWorker(plan, message.pair, {...message.options, onInfo: (m) => send({type: "info", message: m})});
      send({type: "opened", metadata: worker.metadata});
      return;
    }
    case "prepare":
      send({type: "prepared", dataset: message.dataset, prepared: await worker!.prepare(message.dataset, message.calibration)});
      return;
    case "run": {
      const {id} = message;
      try {
        const rows = await worker!.run(message.dataset, message.question, (promptTokens) => send({type: "started", id, promptTokens}));
        send({type: "rows", id, rows});
      } catch (error) {
        send({type: "failed", id, error: wire(error)});
      }
      return;
    }
    case "close":
      await worker?.dispose();
      worker = undefined;
      send({type: "closed"});
      process.disconnect();
  }
}

if (!process.send) throw new Error("sweepWorker.ts runs as a worker process of tlr sweep (forked with an IPC channel)");
// Ctrl-C reaches the whole process group: the sweep decides what stops, and ends its workers.
process.on("SIGINT", () => undefined);
process.on("SIGTERM", () => process.exit(143));
// The sweep is gone (finished, killed, crashed): nothing is left to answer to.
process.on("disconnect", () => process.exit(0));
process.on("message", (message: ToWorker) => {
  handle(message).catch((error) => send({type: "failed", error: wire(error)}));
});

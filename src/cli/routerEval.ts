import {Command} from "commander";
import {evaluateRouter} from "../learn/evaluateRouter.ts";
import {collect, toJson, type CliIO} from "./io.ts";

const pct = (x: number) => (Number.isNaN(x) ? "—" : `${(100 * x).toFixed(1)}%`);

export function routerEvalCommand(io: CliIO): Command {
  return new Command("eval")
    .description("score labels files with a router file: AUC, and precision/recall of routing its lowest-scoring tokens, beside max-probability")
    .argument("<router>", "a router file (tlr router train, or an onnx descriptor)")
    .requiredOption("--data <file>", "a labels file from tlr router collect, for the router's small model (repeatable)", collect, [])
    .option("--json", "print the evaluation as JSON")
    .action(async (routerFile: string, flags: {data: string[]; json?: boolean}) => {
      const e = await evaluateRouter(routerFile, flags.data);
      if (flags.json) {
        io.stdout.write(`${toJson(e, 2)}\n`);
        return;
      }
      const lines = [
        `${e.router}: ${e.tokens} tokens of ${e.questions} questions, ${pct(e.needLarge)} need the large model (label 0)`,
        `AUC ${e.auc.toFixed(4)} (max-prob ${e.maxProbAuc.toFixed(4)})`,
        "",
        "routed   precision  recall   | max-prob precision  recall",
        ...e.quality.map((q) => `${pct(q.router.routed).padStart(6)}   ${pct(q.router.precision).padStart(9)}  ${pct(q.router.recall).padStart(6)}   | ${pct(q.maxProb.routed).padStart(6)} ${pct(q.maxProb.precision).padStart(9)}  ${pct(q.maxProb.recall).padStart(6)}`),
      ];
      io.stdout.write(`${lines.join("\n")}\n`);
    });
}

import {Command} from "commander";
import type {CliIO} from "./io.ts";
import {routerCollectCommand} from "./routerCollect.ts";
import {routerEvalCommand} from "./routerEval.ts";
import {routerTrainCommand} from "./routerTrain.ts";

/** `tlr router collect | train | eval`: learned routers. */
export function routerCommand(io: CliIO): Command {
  const router = new Command("router").description("learned routers: collect labels, train an MLP or logistic regression, evaluate a router file");
  for (const sub of [routerCollectCommand(io), routerTrainCommand(io), routerEvalCommand(io)]) router.addCommand(sub);
  return router;
}

import {mkdirSync, rmSync} from "node:fs";
import {dirname, resolve} from "node:path";
import {Command, Option} from "commander";
import {parseFeatureSpec} from "../routing/learned/featureSpec.ts";
import {writeRouterFile} from "../routing/learned/routerFile.ts";
import {trainRouter} from "../learn/trainRouter.ts";
import {prepareOutputFile} from "../util/ensureFolder.ts";
import {collect, parseInteger, parseNumber, parsePositiveInt, type CliIO} from "./io.ts";

interface TrainFlags {
  data: string[];
  kind: "mlp" | "logreg";
  features: string;
  out: string;
  seed: number;
  validation: number;
  epochs: number;
  patience: number;
  batchSize: number;
  lr?: number;
  weightDecay?: number;
  dropout: number;
  negativeWeight: number;
}

export function routerTrainCommand(io: CliIO): Command {
  return new Command("train")
    .description("train a router (CITER's MLP or a logistic regression) on labels files; writes a router file")
    .requiredOption("--data <file>", "a labels file from tlr router collect (repeatable)", collect, [])
    .addOption(new Option("--kind <kind>", "mlp: h → 2h → h → 1 with BatchNorm, ReLU, dropout (CITER); logreg: one linear layer").choices(["mlp", "logreg"]).default("mlp"))
    .option("--features <list>", "comma-separated: hidden, topK (e.g. top10), entropy, margin; logits = top10,entropy,margin", "hidden,top10,entropy,margin")
    .requiredOption("--out <file>", "the router file to write (.json)")
    .option("--seed <n>", "seed of the question split, initialisation and shuffles", parseInteger, 0)
    .option("--validation <fraction>", "fraction of the questions held out for early stopping", parseNumber, 0.15)
    .option("--epochs <n>", "most epochs", parsePositiveInt, 50)
    .option("--patience <n>", "stop after this many epochs without a lower validation loss", parsePositiveInt, 5)
    .option("--batch-size <n>", "minibatch size", parsePositiveInt, 256)
    .option("--lr <rate>", "Adam learning rate (default: 1e-3 mlp, 1e-2 logreg)", parseNumber)
    .option("--weight-decay <w>", "decoupled weight decay (default: 0 mlp, 1e-4 logreg)", parseNumber)
    .option("--dropout <p>", "MLP dropout", parseNumber, 0.1)
    .option("--negative-weight <w>", "loss weight of label-0 tokens (1: plain BCE)", parseNumber, 1)
    .action((flags: TrainFlags) => {
      prepareOutputFile(flags.out, "--out"); // before the training, not after
      const start = performance.now();
      mkdirSync(dirname(resolve(flags.out)), {recursive: true}); // the checkpoint is written beside it from the first epoch
      const trained = trainRouter({
        data: flags.data,
        kind: flags.kind,
        features: parseFeatureSpec(flags.features),
        seed: flags.seed,
        validationFraction: flags.validation,
        maxEpochs: flags.epochs,
        patience: flags.patience,
        batchSize: flags.batchSize,
        learningRate: flags.lr,
        weightDecay: flags.weightDecay,
        dropout: flags.dropout,
        negativeWeight: flags.negativeWeight,
        // Every epoch's state: a killed training (even Ctrl-C, which stops it at once) resumes at the last epoch.
        checkpoint: `${flags.out}.checkpoint`,
        onInfo: (m) => io.stderr.write(`tlr: ${m}\n`),
        onEpoch: (e) => io.stderr.write(`tlr: epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(4)}, validation loss ${e.validationLoss.toFixed(4)}${e.best ? " (best)" : ""}\n`),
      });
      writeRouterFile(flags.out, trained.file);
      rmSync(`${flags.out}.checkpoint`, {force: true});
      io.stdout.write(
        `${flags.out}: ${flags.kind} over ${flags.features}; ${trained.trainQuestions} training questions (${trained.trainTokens} tokens), ${trained.validationQuestions} validation (${trained.validationTokens}); best epoch ${trained.bestEpoch} of ${trained.epochs}; validation AUC ${trained.validationAuc.toFixed(4)} (max-prob ${trained.validationMaxProbAuc.toFixed(4)}); ${((performance.now() - start) / 1000).toFixed(0)} s\n`,
      );
    });
}

import {Command, CommanderError} from "commander";
import {setNativeLogEcho} from "../models/runtime.ts";
import {isTlrError} from "../util/errors.ts";
import {dataCommand} from "./data.ts";
import {generateCommand} from "./generate.ts";
import {mergeCommand} from "./merge.ts";
import {plotCommand} from "./plot.ts";
import {reportCommand} from "./report.ts";
import {summaryCommand} from "./summary.ts";
import {sweepCommand} from "./sweep.ts";
import {processIO, type CliIO} from "./io.ts";
import {serveCommand} from "./serve.ts";
import {routerCommand} from "./router.ts";
import {modelsCommand} from "./models.ts";
import {table1Command} from "./table1.ts";
import {compareCommand} from "./compare.ts";
import {demoCommand} from "./demo.ts";

/** Usage errors and TlrErrors (bad input the user can fix) exit with this code. */
export const EXIT_USAGE = 2;

export function buildProgram(io: CliIO): Command {
  const program = new Command("tlr")
    .description("token-level routing between a small and a large language model")
    .option("--verbose", "print stack traces and llama.cpp's log")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput(output(io))
    .exitOverride()
    .hook("preAction", (cmd) => setNativeLogEcho(Boolean(cmd.opts().verbose)));
  // Subcommands (data list, data show…) need the same settings: commander does not pass them down.
  const configure = (command: Command): void => {
    command.exitOverride().configureOutput(output(io));
    command.commands.forEach(configure);
  };
  for (const command of [generateCommand(io), dataCommand(io), sweepCommand(io), summaryCommand(io), mergeCommand(io), plotCommand(io), reportCommand(io), serveCommand(io), routerCommand(io), modelsCommand(io), table1Command(io), compareCommand(io), demoCommand(io)]) {
    configure(command);
    program.addCommand(command);
  }
  return program;
}

/** Commander's own messages ("error: option … is invalid") get the same "tlr: " prefix as ours. */
function output(io: CliIO) {
  return {
    writeOut: (s: string) => io.stdout.write(s),
    writeErr: (s: string) => io.stderr.write(s),
    outputError: (s: string, write: (s: string) => void) => write(`tlr: ${s}`),
  };
}

/** Runs the CLI; returns the exit code (0 ok, 2 bad input, 1 a bug). */
export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const program = buildProgram(io);
  const verbose = argv.includes("--verbose");
  try {
    await program.parseAsync(argv, {from: "user"});
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has already printed its message; help and version exit 0.
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (isTlrError(error)) {
      io.stderr.write(`tlr: error: ${error.message}\n`);
      if (verbose && error.stack) io.stderr.write(`${error.stack}\n`);
      return error.exitCode;
    }
    const e = error instanceof Error ? error : new Error(String(error));
    io.stderr.write(`tlr: internal error: ${e.message}${verbose ? "" : " (rerun with --verbose for the stack trace)"}\n`);
    if (verbose && e.stack) io.stderr.write(`${e.stack}\n`);
    return 1;
  }
}

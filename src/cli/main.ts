import {Command, CommanderError} from "commander";
import {setNativeLogEcho} from "../models/runtime.ts";
import {Interrupted, isTlrError, TlrError} from "../util/errors.ts";
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

/** Usage errors and TlrErrors (bad input the user can fix) exit with this code. */
export const EXIT_USAGE = 2;

export function buildProgram(io: CliIO): Command {
  const program = new Command("tlr")
    .description("token-level routing between a small and a large language model")
    .option("--verbose", "print stack traces and llama.cpp's log")
    .configureOutput(output(io, "tlr"))
    .exitOverride()
    .hook("preAction", (cmd) => setNativeLogEcho(Boolean(cmd.opts().verbose)));
  // Subcommands (data list, data show…) need the same settings: commander does not pass them down.
  const configure = (command: Command, parent: string): void => {
    const name = `${parent} ${command.name()}`;
    command.exitOverride().configureOutput(output(io, name));
    command.commands.forEach((c) => configure(c, name));
    if (command.commands.length > 0) needsSubcommand(command, name);
  };
  for (const command of [generateCommand(io), dataCommand(io), sweepCommand(io), summaryCommand(io), mergeCommand(io), plotCommand(io), reportCommand(io), serveCommand(io), routerCommand(io), modelsCommand(io), table1Command(io), compareCommand(io)]) {
    configure(command, "tlr");
    program.addCommand(command);
  }
  needsSubcommand(program, "tlr");
  return program;
}

/**
 * A command group (tlr, tlr data, tlr router, tlr models) without a known command: one line listing
 * its commands, instead of commander's whole help on stderr ("too many arguments" for an unknown one).
 */
function needsSubcommand(group: Command, name: string): void {
  const names = group.commands.map((c) => c.name());
  group
    .helpCommand(true) // an action on the group would otherwise drop commander's `help [command]`
    .argument("[command]")
    .allowExcessArguments(true) // "tlr data nope x y" is an unknown command, not "too many arguments"
    .usage("[options] [command]")
    .action((given?: string) => {
      throw new TlrError(`${given === undefined ? `${name} needs a command` : `unknown command "${given}"`}: use one of ${names.join(", ")} (see ${name} --help)`);
    });
}

/**
 * Commander's own messages ("error: option … is invalid") get the same "tlr: " prefix as ours,
 * and where to read the usage on the same line: a usage error is one line, like every other.
 */
function output(io: CliIO, command: string) {
  return {
    writeOut: (s: string) => io.stdout.write(s),
    writeErr: (s: string) => io.stderr.write(s),
    outputError: (s: string, write: (s: string) => void) => write(`tlr: ${s.trimEnd()} (see ${command} --help)\n`),
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
      io.stderr.write(`tlr: ${error instanceof Interrupted ? "" : "error: "}${oneLine(error.message)}\n`);
      if (verbose && error.stack) io.stderr.write(`${error.stack}\n`);
      return error.exitCode;
    }
    const e = error instanceof Error ? error : new Error(String(error));
    io.stderr.write(`tlr: internal error: ${oneLine(e.message)}${verbose ? "" : " (rerun with --verbose for the stack trace)"}\n`);
    if (verbose && e.stack) io.stderr.write(`${e.stack}\n`);
    return 1;
  }
}

/** A message as one line: messages may quote foreign text (a parser's excerpt of a bad file) that holds line breaks. */
function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, " ").trim();
}

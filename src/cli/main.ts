import {Command, CommanderError} from "commander";
import {InterruptedError, isTlrError, TlrError} from "../util/errors.ts";
import {processIO, type CliIO} from "./io.ts";

/** Usage errors and TlrErrors (bad input the user can fix) exit with this code. */
export const EXIT_USAGE = 2;

/**
 * The commands, each loaded only when it runs: a command's module pulls in what it needs
 * (node-llama-cpp ~0.7 s, onnxruntime, vega), so `tlr --help`, `tlr summary` or `tlr data list`
 * load none of that (test/cli/startup.test.ts checks the import graphs). The descriptions are
 * repeated here for the top-level help; a test keeps them equal to the commands' own.
 */
export const COMMANDS: {name: string; description: string; load: () => Promise<(io: CliIO) => Command>}[] = [
  {name: "generate", description: "decode one prompt collaboratively and print the text with the large model's tokens marked", load: async () => (await import("./generate.ts")).generateCommand},
  {name: "data", description: "benchmark datasets: list them, pull them from the Hugging Face Hub, count their rows, show their prompts", load: async () => (await import("./data.ts")).dataCommand},
  {name: "sweep", description: "run an experiment config (datasets × pairs × routers × thresholds), write Arrow results, print the tables", load: async () => (await import("./sweep.ts")).sweepCommand},
  {name: "summary", description: "print a results folder's tables, from its Arrow files alone", load: async () => (await import("./summary.ts")).summaryCommand},
  {name: "merge", description: "join the folders of one sweep's shards (or machines) into one results folder", load: async () => (await import("./merge.ts")).mergeCommand},
  {name: "plot", description: "render a results folder's plots (several folders: one plot comparing them), from its Arrow files alone", load: async () => (await import("./plot.ts")).plotCommand},
  {name: "report", description: "write one self-contained HTML report (plots, summary tables, provenance, every question's tokens) of results folders, from their Arrow files alone", load: async () => (await import("./report.ts")).reportCommand},
  {name: "serve", description: "serve the large model over HTTP: incremental sessions (POST /session/next) and OpenAI-compatible /v1/completions", load: async () => (await import("./serve.ts")).serveCommand},
  {name: "router", description: "learned routers: collect labels, train an MLP or logistic regression, evaluate a router file", load: async () => (await import("./router.ts")).routerCommand},
  {name: "models", description: "named GGUF models on the Hugging Face Hub: list them, pull them into the Hugging Face cache (sha256 checked)", load: async () => (await import("./models.ts")).modelsCommand},
  {name: "table1", description: "print a results folder in the paper's Table 1 layout (latency per threshold), beside the paper's own figures; one table per policy", load: async () => (await import("./table1.ts")).table1Command},
  {name: "compare", description: "compare routers at equal upload fractions: accuracy read off each router's accuracy-vs-upload curve (linear interpolation between measured runs)", load: async () => (await import("./compare.ts")).compareCommand},
  {name: "demo", description: "a local web page on a pair: ask a question, stream the answer with the large model's tokens marked beside live latency and upload figures", load: async () => (await import("./demo.ts")).demoCommand},
  {name: "slowlink", description: "a slow network on loopback: a TCP proxy to --target that delays each direction by RTT/2 and limits its bandwidth", load: async () => (await import("./slowlink.ts")).slowlinkCommand},
];

/**
 * The program: the commands named in `load` in full (all of them by default), the others as a
 * name and a description, enough for the top-level help and for commander's "unknown command".
 */
export async function buildProgram(io: CliIO, load: (name: string) => boolean = () => true): Promise<Command> {
  const program = new Command("tlr")
    .description("token-level routing between a small and a large language model")
    .option("--verbose", "print stack traces and llama.cpp's log")
    .configureOutput(output(io, "tlr"))
    .exitOverride()
    // Read by models/runtime.ts when it loads (and inherited by sweep worker processes).
    .hook("preAction", (cmd) => {
      if (cmd.opts().verbose) process.env.TLR_VERBOSE = "1";
    });
  // Subcommands (data list, data show…) need the same settings: commander does not pass them down.
  const configure = (command: Command, parent: string): void => {
    const name = `${parent} ${command.name()}`;
    command.exitOverride().configureOutput(output(io, name));
    command.commands.forEach((c) => configure(c, name));
    if (command.commands.length > 0) needsSubcommand(command, name);
  };
  for (const entry of COMMANDS) {
    const command = load(entry.name) ? (await entry.load())(io) : new Command(entry.name).description(entry.description);
    configure(command, "tlr");
    program.addCommand(command);
  }
  needsSubcommand(program, "tlr");
  return program;
}

/** The command an argument list runs (`tlr --verbose sweep x.json` → sweep; `tlr help sweep` → sweep). */
function invoked(argv: readonly string[]): string | undefined {
  const words = argv.filter((a) => !a.startsWith("-"));
  return words[0] === "help" ? words[1] : words[0];
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
  const name = invoked(argv);
  const program = await buildProgram(io, (n) => n === name);
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
      io.stderr.write(`tlr: ${error instanceof InterruptedError ? "" : "error: "}${oneLine(error.message)}\n`);
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

import {fork, type ChildProcess} from "node:child_process";
import {existsSync} from "node:fs";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {TlrError} from "../util/errors.ts";
import type {Calibrated} from "./calibrate.ts";
import type {SweepPlan} from "./plan.ts";
import type {PreparedDataset, QuestionRows, QuestionWorker, QuestionWorkerOptions} from "./questionWorker.ts";
import type {FromWorker, ToWorker, WireError} from "./workerMessages.ts";

/**
 * A question that was running in a worker process when the process died (a native crash, the
 * out-of-memory killer): the sweep records the question with this error, counted wrong, and goes
 * on with a new process.
 */
export class WorkerCrashError extends Error {
  override readonly name = "WorkerCrashError";
  constructor(
    message: string,
    /** The question's prompt length, if the worker had started it. */
    readonly promptTokens: number,
  ) {
    super(message);
  }
}

/** How many times in a row a worker may die without finishing a question before the sweep stops. */
const CRASHES_IN_A_ROW = 3;
/** The last lines of a worker's stderr kept for the message when it dies (a native assert says why there). */
const STDERR_LINES = 5;

interface Pending {
  resolve: (rows: QuestionRows) => void;
  reject: (error: Error) => void;
  onStart?: (promptTokens: number) => void;
  promptTokens: number;
}

/**
 * A `QuestionWorker` in a child process (src/sweep/sweepWorker.ts), driven over its IPC channel.
 * If the process dies, the questions it held fail with a `WorkerCrashError` and the next question
 * starts a new process (which opens the pair and prepares the datasets again, calibration passed
 * on, so it runs exactly what the old one would have); after `CRASHES_IN_A_ROW` deaths without a
 * finished question, or a death while opening, the sweep stops with one line.
 */
export class ChildQuestionWorker implements QuestionWorker {
  readonly slots: number;
  metadata: unknown;
  private child: ChildProcess | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private waiting: {type: FromWorker["type"]; resolve: (m: FromWorker) => void; reject: (e: Error) => void} | undefined;
  private readonly prepared = new Map<number, Calibrated[]>();
  private crashes = 0;
  private restarting: Promise<void> | undefined;
  private stderrTail: string[] = [];
  private closing = false;

  private constructor(
    private readonly plan: SweepPlan,
    private readonly pair: number,
    private readonly options: QuestionWorkerOptions,
    readonly label: string,
  ) {
    this.slots = options.slots;
  }

  static async open(plan: SweepPlan, pair: number, options: QuestionWorkerOptions, label: string): Promise<ChildQuestionWorker> {
    const worker = new ChildQuestionWorker(plan, pair, options, label);
    await worker.start();
    return worker;
  }

  private async start(): Promise<void> {
    // The worker runs what this process runs: the compiled CLI's sweepWorker.js when bin/tlr.js runs
    // that build (bin/compiledCli.js names its folder), else the TypeScript sources through tsx
    // (resolved from here, not from the cwd).
    const compiled = process.env.TLR_COMPILED_DIR === undefined ? undefined : join(process.env.TLR_COMPILED_DIR, "sweepWorker.js");
    const useCompiled = compiled !== undefined && existsSync(compiled);
    const child = fork(useCompiled ? compiled : fileURLToPath(new URL("./sweepWorker.ts", import.meta.url)), [], {
      execArgv: useCompiled ? [] : ["--import", import.meta.resolve("tsx")],
      serialization: "advanced",
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    this.child = child;
    this.stderrTail = [];
    child.stderr!.setEncoding("utf8").on("data", (text: string) => {
      if (process.env.TLR_VERBOSE === "1") process.stderr.write(text);
      this.stderrTail.push(...text.split("\n").filter((l) => l.trim()));
      this.stderrTail.splice(0, Math.max(0, this.stderrTail.length - STDERR_LINES));
    });
    child.on("message", (m: FromWorker) => this.receive(m));
    child.on("exit", (code, signal) => this.exited(child, code, signal));
    const {options} = this;
    const opened = await this.request({type: "open", config: this.plan.config, configFile: this.plan.configFile, pair: this.pair, options: {slots: options.slots, lanes: options.lanes, threads: options.threads}}, "opened");
    this.metadata = (opened as Extract<FromWorker, {type: "opened"}>).metadata;
    for (const [dataset, calibration] of this.prepared) await this.request({type: "prepare", dataset, calibration}, "prepared");
  }

  async prepare(dataset: number, calibration?: Calibrated[]): Promise<PreparedDataset> {
    await this.restarting;
    const answer = (await this.request({type: "prepare", dataset, calibration}, "prepared")) as Extract<FromWorker, {type: "prepared"}>;
    this.prepared.set(dataset, answer.prepared.calibration);
    return answer.prepared;
  }

  async run(dataset: number, question: number, onStart?: (promptTokens: number) => void): Promise<QuestionRows> {
    if (!this.child) {
      this.restarting ??= this.start().finally(() => (this.restarting = undefined));
    }
    await this.restarting;
    const id = this.nextId++;
    const rows = await new Promise<QuestionRows>((resolve, reject) => {
      this.pending.set(id, {resolve, reject, onStart, promptTokens: 0});
      this.send({type: "run", id, dataset, question});
    }).finally(() => this.pending.delete(id));
    this.crashes = 0;
    return rows;
  }

  async dispose(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.closing = true;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    try {
      this.send({type: "close"});
    } catch {
      // already gone
    }
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    await exited;
    clearTimeout(timer);
  }

  /** Ends the process now (Ctrl-C): its questions are not recorded, and run again on resume. */
  kill(): void {
    this.closing = true;
    this.child?.kill("SIGKILL");
  }

  private send(message: ToWorker): void {
    this.child!.send(message);
  }

  private request(message: ToWorker, answer: FromWorker["type"]): Promise<FromWorker> {
    return new Promise((resolve, reject) => {
      this.waiting = {type: answer, resolve, reject};
      this.send(message);
    });
  }

  private receive(m: FromWorker): void {
    switch (m.type) {
      case "started": {
        const p = this.pending.get(m.id);
        if (!p) return;
        p.promptTokens = m.promptTokens;
        p.onStart?.(m.promptTokens);
        return;
      }
      case "rows":
        this.pending.get(m.id)?.resolve(m.rows);
        return;
      case "info":
        this.options.onInfo?.(m.message);
        return;
      case "failed": {
        const error = fromWire(m.error);
        if (m.id !== undefined) this.pending.get(m.id)?.reject(error);
        else this.answerWith(undefined, error);
        return;
      }
      default:
        if (this.waiting?.type === m.type) this.answerWith(m);
    }
  }

  private answerWith(message: FromWorker | undefined, error?: Error): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    if (!waiting) return;
    if (error) waiting.reject(error);
    else waiting.resolve(message!);
  }

  private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = undefined;
    if (this.closing) return;
    const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
    const tail = this.stderrTail.length > 0 ? `: ${this.stderrTail.join(" | ")}` : "";
    // While opening or preparing, nothing can be recorded: the sweep stops.
    this.answerWith(undefined, new TlrError(`${this.label} (process ${child.pid}) ${how} while opening the pair${tail}`));
    this.crashes++;
    const fatal = this.crashes >= CRASHES_IN_A_ROW;
    for (const p of this.pending.values()) {
      p.reject(
        fatal
          ? new TlrError(`${this.label} died ${this.crashes} times in a row without finishing a question (last: ${how}${tail}); the sweep stops (finished questions are kept: run it again to resume)`)
          : new WorkerCrashError(`worker process ${how} while running this question${tail}`, p.promptTokens),
      );
    }
    this.pending.clear();
  }
}

function fromWire(e: WireError): Error {
  const error = e.tlr ? new TlrError(e.message) : new Error(e.message);
  if (e.stack) error.stack = e.stack;
  return error;
}

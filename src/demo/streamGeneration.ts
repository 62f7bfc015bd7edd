import type {ServerResponse} from "node:http";
import type {Example} from "../data/types.ts";
import {checkDecodeOptions, decode, type DecodeOptions} from "../decoding/decode.ts";
import {parsePolicy, policyName, type PolicySpec} from "../decoding/policy.ts";
import type {TokenRecord} from "../decoding/types.ts";
import {encodePrompt} from "../core/Tokenizer.ts";
import {HttpError} from "../server/httpUtil.ts";
import type {Task} from "../tasks/Task.ts";
import {errorMessage, isTlrError} from "../util/errors.ts";
import type {DemoEvents, DemoRequest} from "./demoTypes.ts";
import type {DemoPair} from "./openDemoPair.ts";
import type {DemoRouters} from "./demoRouters.ts";

/** What one generation needs from the running demo. */
export interface GenerationContext {
  pair: DemoPair;
  routers: DemoRouters;
  dataset: {task: Task; examples: Example[]} | null;
  features: "full" | "max-prob";
  maxTokensLimit: number;
}

/** One server-sent event; ±Infinity as strings (JSON has none), hidden states left out (the page never shows them). */
function event<K extends keyof DemoEvents>(name: K, data: DemoEvents[K]): string {
  const json = JSON.stringify(data, (key, v) => (key === "hidden" ? undefined : typeof v === "number" && !Number.isFinite(v) ? String(v) : v));
  return `event: ${name}\ndata: ${json}\n\n`;
}

class Aborted extends Error {}

/**
 * Runs one generation and streams it as server-sent events: `start`, a `token` per record as
 * `decode({onToken})` produces it, then `done` with the run's figures (or `error`). With pace
 * "clock" each token is sent when the simulated clock reaches it (`record.tMs` after the start),
 * so the page shows the network's cost as a user would feel it; "compute" sends each at once.
 * A request the demo cannot run is an HttpError, raised before anything is streamed. A client
 * that goes away stops the generation at its next token.
 */
export async function streamGeneration(ctx: GenerationContext, request: DemoRequest, res: ServerResponse): Promise<void> {
  const bad = (message: string) => new HttpError(400, "bad-request", message);
  let policy: PolicySpec;
  try {
    policy = parsePolicy(request.policy);
  } catch (error) {
    throw bad(`policy: ${errorMessage(error)}`);
  }
  // decode() takes no policy in this tree: only the token policy runs. Once decode takes one (the
  // policies work), pass `policy` to it below and drop this check.
  if (policyName(policy) !== "token") throw bad(`policy: ${policyName(policy)} cannot run in this demo yet: use token`);
  if (request.maxTokens > ctx.maxTokensLimit) throw bad(`maxTokens: at most ${ctx.maxTokensLimit} (tlr demo --max-tokens-limit)`);
  let example: Example | undefined;
  let text: string;
  if (request.question !== undefined) {
    if (!ctx.dataset) throw bad("question: this demo has no dataset (tlr demo --dataset NAME)");
    example = ctx.dataset.examples[request.question];
    if (!example) throw bad(`question: no question ${request.question}: the dataset has ${ctx.dataset.examples.length}`);
    text = ctx.dataset.task.prompt(example);
  } else text = request.prompt ?? "";
  let options: DecodeOptions;
  try {
    const router = await ctx.routers.get(request.router);
    if (ctx.features === "max-prob" && router.needsDistribution) throw bad(`router: ${router.name} reads the small model's top-K, margin or entropy, which this demo does not compute (tlr demo --features full)`);
    const {small, large} = ctx.pair;
    options = {
      prompt: encodePrompt(small.tokenizer, text),
      small,
      large,
      tokenizer: small.tokenizer,
      router,
      threshold: request.threshold,
      maxTokens: request.maxTokens,
      stop: {strings: ctx.dataset ? [...ctx.dataset.task.stop] : []},
      network: request.network,
      // A picked question is keyed by its id, as in a sweep: the random router draws the same numbers.
      key: example?.id ?? "",
      sharedVocabSize: ctx.pair.sharedVocabSize,
    };
    checkDecodeOptions(options);
  } catch (error) {
    if (isTlrError(error)) throw bad(error.message);
    throw error;
  }

  res.writeHead(200, {"content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", connection: "keep-alive"});
  const pump = new Pump((chunk) => res.write(chunk), request.pace === "clock");
  res.on("close", () => {
    if (!res.writableEnded) pump.abort();
  });
  pump.push(0, event("start", {promptTokens: options.prompt.length, router: options.router.name, threshold: request.threshold, policy: policyName(policy), key: options.key!}));
  let last = 0;
  try {
    const result = await decode({
      ...options,
      onToken: (record: TokenRecord) => {
        if (pump.aborted) throw new Aborted();
        last = record.tMs;
        pump.push(record.tMs, event("token", record));
      },
    });
    const answer = example && ctx.dataset ? ctx.dataset.task.extract(result.text, example) : undefined;
    pump.push(last, event("done", {stats: result.stats, text: result.text, answer: answer && example ? {extracted: answer.answer, rule: answer.rule, gold: example.answer, correct: ctx.dataset!.task.score(answer.answer, example)} : null}));
  } catch (error) {
    if (!(error instanceof Aborted)) pump.push(last, event("error", {message: errorMessage(error)}));
  }
  await pump.finish();
  if (!pump.aborted) res.end();
}

/**
 * Writes chunks in order, each no earlier than its time (ms after the start) when paced. Decoding
 * runs ahead of the simulated clock (the clock adds network time to the measured compute), so
 * the pump, not the decoder, waits.
 */
class Pump {
  aborted = false;
  private readonly queue: {at: number; chunk: string}[] = [];
  private readonly start = performance.now();
  /** Resolves the wait for a chunk (or for the end) when the queue is empty. */
  private wakeIdle: (() => void) | undefined;
  /** Cuts a paced wait short on abort. */
  private wakeAbort: (() => void) | undefined;
  private done = false;
  private readonly running: Promise<void>;

  constructor(private readonly write: (chunk: string) => void, private readonly paced: boolean) {
    this.running = this.run();
  }

  push(at: number, chunk: string): void {
    this.queue.push({at, chunk});
    this.wakeIdle?.();
  }

  abort(): void {
    this.aborted = true;
    this.wakeIdle?.();
    this.wakeAbort?.();
  }

  async finish(): Promise<void> {
    this.done = true;
    this.wakeIdle?.();
    await this.running;
  }

  private async run(): Promise<void> {
    while (!this.aborted) {
      const next = this.queue.shift();
      if (!next) {
        if (this.done) return;
        await new Promise<void>((resolve) => (this.wakeIdle = resolve));
        this.wakeIdle = undefined;
        continue;
      }
      const wait = this.start + next.at - performance.now();
      if (this.paced && wait > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          this.wakeAbort = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wakeAbort = undefined;
        if (this.aborted) return;
      }
      this.write(next.chunk);
    }
  }
}

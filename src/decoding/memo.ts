import type {NextOptions, NextResult, TokenModel} from "../models/TokenModel.ts";
import type {Token} from "../core/Prediction.ts";
import {generateTurn} from "../models/generateTurn.ts";

/** Model work actually done (memo misses), for benchmarks and progress. */
export interface ModelWork {
  calls: number;
  /** Tokens evaluated in final batches. */
  evaluated: number;
  /** Tokens re-evaluated to restore another run's batch history. */
  replayed: number;
}

/**
 * How a memo shares model calls between the runs of one question:
 * - "exact" (default): keyed by tokens *and* the run's batch history (`cuts`), which every call
 *   passes to the model, so each run equals an independent run (sweep rows are exact).
 * - "tokens": keyed by kind, generated ids and arguments alone; a miss is asked without `cuts`,
 *   so the model catches up from whatever its KV state holds along the longest valid prefix (as
 *   append-only decoding does), and a run that reaches a prefix another run computed with another
 *   batch history takes that run's numbers. Cheaper, but not exact: logits depend on batching
 *   (models/schedule.ts), so a run may drift from its independent self (bench/share-drift.ts).
 */
export type ShareMode = "exact" | "tokens";

export const SHARE_MODES: readonly ShareMode[] = ["exact", "tokens"];

/**
 * A model whose calls are memoised for one question: each call is keyed by its kind, the
 * generated part of its transcript, the batch history it asks for (`cuts`) and its arguments, so
 * that runs reaching the same state with the same history share one evaluation. Every run's
 * `RunModel` passes its own cuts on every call, so a run over a memo is, call for call, an
 * independent run: the memo only saves the work. A turn (span, stitch) of a model that has no
 * turn request of its own is made of memoised `next` calls, so its steps are shared with the
 * token policy's where their histories agree. A memo belongs to one prompt and one model.
 * With `share` "tokens" the history is left out of the key and of the call (see `ShareMode`).
 */
export class MemoModel implements TokenModel {
  readonly info: TokenModel["info"];
  readonly work: ModelWork = {calls: 0, evaluated: 0, replayed: 0};
  private readonly results = new Map<string, Promise<unknown>>();
  readonly generate?: TokenModel["generate"];
  readonly verify?: TokenModel["verify"];

  constructor(
    readonly model: TokenModel,
    private readonly promptLength: number,
    readonly share: ShareMode = "exact",
  ) {
    this.info = model.info;
    // A turn is one request where the backend can make it one (a server); else memoised steps.
    this.generate = (transcript, given) => {
      const options = this.asked(transcript, given);
      const {first: _first, ...args} = options;
      return this.memo(`g|${this.key(transcript, options.cuts)}|${args.max}|${args.confident ?? ""}|${(args.stopIds ?? []).join(",")}`, async () => {
        const turn = model.generate ? await model.generate(transcript, options) : await generateTurn(this, transcript, options);
        if (model.generate) this.count(1, turn.evaluated, 0); // one request
        return turn;
      });
    };
    if (model.verify) {
      // Looked up at each call, not bound once: a wrapper may change what the model does (a large model known to be down).
      const verify: NonNullable<TokenModel["verify"]> = (...args) => model.verify!(...args);
      this.verify = (transcript, drafts, given) => {
        const options = this.asked(transcript, given);
        return this.memo(`v|${this.key(transcript, options?.cuts)}|${drafts.join(",")}`, async () => {
          const v = await verify(transcript, drafts, options);
          this.count(1, v.evaluated, 0);
          return v;
        });
      };
    }
  }

  next(transcript: readonly Token[], given?: NextOptions): Promise<NextResult> {
    const options = this.asked(transcript, given);
    return this.memo(`n|${this.key(transcript, options?.cuts)}`, async () => {
      const result = await this.model.next(transcript, options);
      this.count(1, result.fromState ? 0 : result.evaluated, result.replayed);
      return result;
    });
  }

  /** Forgets nothing: the memo outlives its runs (the model's own state follows each call's cuts). */
  async reset(): Promise<void> {}

  async dispose(): Promise<void> {}

  /**
   * The options a call passes on (and is keyed by): as given in exact mode. With `share` "tokens"
   * without the run's cuts, except that a call after the prompt alone asks for the prompt as one
   * batch (cuts []), as every independent run's first call does: the model may still hold another
   * question whose prompt shares a prefix with this one, and keeping those batches would make even
   * the first run differ from decoding alone.
   */
  private asked<O extends NextOptions | undefined>(transcript: readonly Token[], options: O): O {
    if (this.share === "exact") return options;
    const {cuts: _cuts, ...rest} = (options ?? {}) as NextOptions;
    return (transcript.length <= this.promptLength ? {...rest, cuts: []} : rest) as O;
  }

  private key(transcript: readonly Token[], cuts: readonly number[] | undefined): string {
    return this.share === "tokens" ? transcript.slice(this.promptLength).join(",") : `${transcript.slice(this.promptLength).join(",")}|${cuts ? cuts.join(",") : "-"}`;
  }

  private count(calls: number, evaluated: number, replayed: number): void {
    this.work.calls += calls;
    this.work.evaluated += evaluated;
    this.work.replayed += replayed;
  }

  private memo<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const hit = this.results.get(key);
    if (hit) return hit as Promise<T>;
    const pending = compute();
    this.results.set(key, pending);
    pending.catch(() => this.results.delete(key)); // a failure is not remembered: the next run asks again
    return pending;
  }
}

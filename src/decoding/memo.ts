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
 * A model whose calls are memoised for one question: each call is keyed by its kind, the
 * generated part of its transcript, the batch history it asks for (`cuts`) and its arguments, so
 * that runs reaching the same state with the same history share one evaluation. Every run's
 * `RunModel` passes its own cuts on every call, so a run over a memo is, call for call, an
 * independent run: the memo only saves the work. A turn (span, stitch) of a model that has no
 * turn request of its own is made of memoised `next` calls, so its steps are shared with the
 * token policy's where their histories agree. A memo belongs to one prompt and one model.
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
  ) {
    this.info = model.info;
    // A turn is one request where the backend can make it one (a server); else memoised steps.
    this.generate = (transcript, options) => {
      const {first: _first, ...args} = options;
      return this.memo(`g|${this.key(transcript, options.cuts)}|${args.max}|${args.confident ?? ""}|${(args.stopIds ?? []).join(",")}`, async () => {
        const turn = model.generate ? await model.generate(transcript, options) : await generateTurn(this, transcript, options);
        if (model.generate) this.count(1, turn.evaluated, 0); // one request
        return turn;
      });
    };
    if (model.verify) {
      const verify = model.verify.bind(model);
      this.verify = (transcript, drafts, options) =>
        this.memo(`v|${this.key(transcript, options?.cuts)}|${drafts.join(",")}`, async () => {
          const v = await verify(transcript, drafts, options);
          this.count(1, v.evaluated, 0);
          return v;
        });
    }
  }

  next(transcript: readonly Token[], options?: NextOptions): Promise<NextResult> {
    return this.memo(`n|${this.key(transcript, options?.cuts)}`, async () => {
      const result = await this.model.next(transcript, options);
      this.count(1, result.fromState ? 0 : result.evaluated, result.replayed);
      return result;
    });
  }

  /** Forgets nothing: the memo outlives its runs (the model's own state follows each call's cuts). */
  async reset(): Promise<void> {}

  async dispose(): Promise<void> {}

  private key(transcript: readonly Token[], cuts: readonly number[] | undefined): string {
    return `${transcript.slice(this.promptLength).join(",")}|${cuts ? cuts.join(",") : "-"}`;
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

import {commonPrefixLength} from "../models/schedule.ts";
import {generateTurn} from "../models/generateTurn.ts";
import type {Token} from "../core/Prediction.ts";
import type {NextResult, TokenModel, TurnOptions, TurnResult, VerifyResult} from "../models/TokenModel.ts";
import {TlrError} from "../util/errors.ts";

/**
 * The model-call layer of one run: a model as one decoding run sees it, with the run's own batch
 * history. Logits depend on how a transcript was split into evaluation batches
 * (models/schedule.ts), so every call passes `cuts`, the batch ends this run's own calls made
 * (kept where they lie inside the transcript, as a fresh model's state would keep them). A run
 * therefore gets the same numbers whatever the model evaluated for other runs in between: what
 * lets several runs share one model, or one memo of its calls (memo.ts), and still each equal an
 * independent run. Three kinds of call: `next` (one prediction), `generate` (a turn of several
 * tokens: span, stitch) and `verify` (speculative decoding's drafts).
 */
export class RunModel {
  /** The tokens the run's calls have evaluated, through the last batch end. */
  private held: Token[] = [];
  /** The run's batch ends (ascending). */
  private ends: number[] = [];

  constructor(readonly model: TokenModel) {}

  /** The batch ends a call after `transcript` reproduces: this run's, inside the part of the transcript it shares with them. */
  cutsFor(transcript: readonly Token[]): number[] {
    const common = commonPrefixLength(this.held, transcript);
    const n = transcript.length;
    const cuts: number[] = [];
    for (const e of this.ends) {
      if (e > common || e >= n) break;
      cuts.push(e);
    }
    return cuts;
  }

  /** The run's batch history as it stands (for tests and a tree's bookkeeping). */
  get history(): readonly number[] {
    return this.ends;
  }

  async next(transcript: readonly Token[]): Promise<NextResult> {
    const cuts = this.cutsFor(transcript);
    const result = await this.model.next(transcript, {cuts});
    this.commit(transcript, cuts, [transcript.length]);
    return result;
  }

  /** A turn of up to `options.max` tokens (see `TokenModel.generate`). */
  async generate(transcript: readonly Token[], options: Omit<TurnOptions, "cuts">): Promise<TurnResult> {
    const cuts = this.cutsFor(transcript);
    const turn = this.model.generate ? await this.model.generate(transcript, {...options, cuts}) : await generateTurn(this.model, transcript, {...options, cuts});
    this.commitTurn(transcript, cuts, turn.steps.map((s) => s.prediction.token));
    return turn;
  }

  async verify(transcript: readonly Token[], drafts: readonly Token[]): Promise<VerifyResult> {
    if (!this.model.verify) throw new TlrError(`${this.model.info.name}: this backend cannot verify drafts (speculative decoding needs tlr serve's session protocol or a local model)`);
    const cuts = this.cutsFor(transcript);
    const result = await this.model.verify(transcript, drafts, {cuts});
    const n = transcript.length;
    this.commit([...transcript, ...drafts], cuts, drafts.length > 0 ? [n, n + drafts.length] : [n]);
    return result;
  }

  /** The history as it stands, to return to (a request in flight whose guess fails). */
  snapshot(): {held: Token[]; ends: number[]} {
    return {held: [...this.held], ends: [...this.ends]};
  }

  restore(state: {held: Token[]; ends: number[]}): void {
    this.held = [...state.held];
    this.ends = [...state.ends];
  }

  /** Records a turn made outside `generate` (a request in flight): its first step after `transcript` with `cuts`, each written token but the last its own batch. */
  commitTurn(transcript: readonly Token[], cuts: readonly number[], written: readonly Token[]): void {
    const ends = [transcript.length];
    for (let i = 1; i < written.length; i++) ends.push(transcript.length + i);
    this.commit([...transcript, ...written.slice(0, -1)], cuts, ends);
  }

  /**
   * A prediction outside the run's history: after `transcript` with exactly `cuts`, leaving the
   * history as it was (what an optimistic device computes only to guess).
   */
  peek(transcript: readonly Token[], cuts: readonly number[]): Promise<NextResult> {
    return this.model.next(transcript, {cuts});
  }

  private commit(evaluated: readonly Token[], cuts: readonly number[], ends: readonly number[]): void {
    this.held = [...evaluated];
    this.ends = [...cuts, ...ends];
  }
}

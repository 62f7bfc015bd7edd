import type {NextResult} from "../models/TokenModel.ts";
import type {Token} from "../core/Prediction.ts";
import type {Tokenizer} from "../core/Tokenizer.ts";
import {TlrError} from "../util/errors.ts";
import {jitterMs, transferMs, type NetworkModel} from "./networkModel.ts";
import {type WireProtocol} from "../wire/WireProtocol.ts";
import type {TokenRecord} from "./types.ts";

/** One step of one run, as the decoder saw it. */
export interface StepOutcome {
  step: number;
  /** The transcript before this step's token. */
  transcript: readonly Token[];
  small: NextResult;
  /** The large model's result where it was asked at this step (routed or peeked), else undefined. */
  large: NextResult | undefined;
  routed: boolean;
  score: number;
  routerMs: number;
}

/**
 * The bookkeeping of one run's path: which ids the large side has seen (for bytes), the
 * simulated clock, and the per-token record. Shared by the plain decoder and the trajectory tree
 * so a swept threshold is accounted exactly like an independent run.
 */
export class PathAccount {
  /** Transcript ids the large side has received or produced. */
  private largeKnows = 0;
  private clock = 0;

  constructor(
    private readonly network: NetworkModel,
    private readonly protocol: WireProtocol,
    private readonly vocabBound: number,
    /** For byte models of protocols that send text. */
    private readonly tokenizer?: Tokenizer,
    /** The question key: the network jitter is drawn from (seed, key, step). */
    private readonly key = "",
  ) {}

  record(o: StepOutcome): TokenRecord {
    const {small: s, large: l, routed} = o;
    if (routed && !l) throw new Error("a routed step needs the large model's result");
    const id = routed ? l!.prediction.token : s.prediction.token;
    if (!Number.isInteger(id) || id < 0 || id >= this.vocabBound) {
      throw new TlrError(`${routed ? "large" : "small"} model produced token id ${id}, outside the shared vocabulary of ${this.vocabBound} ids`);
    }
    let netMs = 0, bytesUp = 0, bytesDown = 0;
    if (routed) {
      const wire = {transcript: o.transcript, known: this.largeKnows, tokenizer: this.tokenizer};
      bytesUp = this.protocol.requestBytes(o.transcript.slice(this.largeKnows), wire);
      bytesDown = this.protocol.replyBytes(l!.prediction, wire);
      netMs = transferMs(this.network, bytesUp, bytesDown) + jitterMs(this.network, this.key, o.step);
      this.largeKnows = o.transcript.length + 1; // the server knows the token it produced
    }
    const largeMs = routed ? l!.ms : 0;
    this.clock += s.ms + o.routerMs + largeMs + netMs;
    const record: TokenRecord = {
      step: o.step,
      id,
      piece: "",
      source: routed ? "large" : "small",
      score: o.score,
      small: s.prediction,
      large: l?.prediction ?? null,
      smallEvaluated: s.evaluated,
      largeEvaluated: l?.evaluated ?? 0,
      smallMs: s.ms,
      largeMs,
      probeMs: l && !routed ? l.ms : 0,
      routerMs: o.routerMs,
      netMs,
      bytesUp,
      bytesDown,
      tMs: this.clock,
    };
    if (routed && l!.wire) record.wire = l!.wire; // measured, where the large model is remote
    return record;
  }
}

import pLimit, {type LimitFunction} from "p-limit";
import type {LocalModel, LocalModelOptions, LocalWeights} from "../models/LocalModel.ts";
import {commonPrefixLength} from "../models/schedule.ts";
import type {NextResult} from "../models/TokenModel.ts";
import type {Prediction, Token} from "../core/Prediction.ts";
import {generateTurn} from "../models/generateTurn.ts";
import {HttpError} from "./httpUtil.ts";

export interface SessionPoolOptions {
  /** Most sessions (each with its own context and KV cache) held at once; the least recently used is evicted. */
  maxSessions: number;
  /** A session unused this long is dropped and its memory freed. */
  idleMs: number;
  /** Evaluations run at once across all sessions. */
  parallel: number;
  /** Options of every session's model (threads, context size, batch size, top-K, entropy). */
  model: Omit<LocalModelOptions, "path" | "gpu">;
}

export interface Session {
  id: string;
  model: LocalModel;
  /** What the session holds, as clients see it: the evaluated tokens plus the last produced one. */
  tokens: Token[];
  lastUsed: number;
  busy: boolean;
  /** Made for a stateless /v1/completions request (reusable by any such request). */
  anonymous: boolean;
}

export interface StepResult {
  prediction: Readonly<Prediction>;
  /** Tokens evaluated (the catch-up, or the whole replay). */
  evaluated: number;
  /** Compute time of the evaluations, queueing excluded. */
  ms: number;
}

/**
 * The server's sessions. Each has its own context over the shared weights: sessions never share
 * a KV cache or an evaluation batch, so one session's numbers cannot depend on another's (in one
 * context, node-llama-cpp would batch concurrent sequences into one decode and change the batch
 * shape, and with it the logits). Evaluations go through one queue of `parallel` slots so that
 * concurrent sessions do not oversubscribe the CPU (ggml threads busy-wait). Memory is bounded
 * by `maxSessions` contexts: a new session takes a closed session's context, else evicts the
 * least recently used idle session and takes its context; sessions idle longer than `idleMs`
 * are freed, and with them the spare contexts once no session is left.
 */
export class SessionPool {
  private readonly sessions = new Map<string, Session>(); // in least-recently-used order
  private readonly creating = new Map<string, Promise<Session>>();
  /** Contexts of closed sessions, cleared and ready for new ones (sessions + spares ≤ maxSessions). */
  private readonly spare: Promise<LocalModel>[] = [];
  private readonly queue: LimitFunction;
  private readonly timer: NodeJS.Timeout;
  private anonymousCount = 0;
  /** Per session id: the last numbered request answered, and who waits for it (kept apart from sessions, which may be evicted). */
  private readonly order = new Map<string, {done: number; waiters: (() => void)[]}>();
  evictions = 0;

  constructor(
    private readonly weights: LocalWeights,
    private readonly options: SessionPoolOptions,
  ) {
    this.queue = pLimit(options.parallel);
    this.timer = setInterval(() => void this.dropIdle(), Math.max(50, Math.min(options.idleMs / 2, 30_000)));
    this.timer.unref();
  }

  get size(): number {
    return this.sessions.size;
  }

  get(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  /**
   * The session `id`, reserved for the caller until `release()`; made (evicting the least
   * recently used idle session when full) if absent. One request at a time per session.
   */
  async acquire(id: string, anonymous = false): Promise<Session> {
    const held = this.sessions.get(id);
    if (held) return this.reserve(held);
    if (this.creating.has(id)) throw busySession(id);
    const pending = this.make(id, anonymous).finally(() => this.creating.delete(id));
    this.creating.set(id, pending);
    return pending;
  }

  /** For a stateless request: the idle anonymous session sharing the longest prefix with `prompt`, else a new one; reserved. */
  async acquireAnonymous(prompt: readonly Token[]): Promise<Session> {
    let best: Session | undefined;
    let bestLength = 0;
    for (const s of this.sessions.values()) {
      if (!s.anonymous || s.busy) continue;
      const n = commonPrefixLength(s.tokens, prompt);
      if (n > bestLength) [best, bestLength] = [s, n];
    }
    return best ? this.reserve(best) : this.acquire(`anonymous-${++this.anonymousCount}`, true);
  }

  release(session: Session): void {
    session.busy = false;
    session.lastUsed = Date.now();
  }

  private reserve(session: Session): Session {
    if (session.busy) throw busySession(session.id);
    session.busy = true;
    this.sessions.delete(session.id); // re-inserted last: most recently used
    this.sessions.set(session.id, session);
    return session;
  }

  private async make(id: string, anonymous: boolean): Promise<Session> {
    let model: LocalModel;
    const spare = this.spare.pop();
    if (spare) {
      model = await spare;
    } else if (this.sessions.size + this.creating.size >= this.options.maxSessions) {
      const victim = [...this.sessions.values()].find((s) => !s.busy);
      if (!victim) {
        throw new HttpError(503, "busy", `all ${this.options.maxSessions} sessions are in use; retry shortly (tlr serve --max-sessions)`, {"retry-after": "1"});
      }
      this.sessions.delete(victim.id); // synchronously, so no other request can pick it
      this.evictions++;
      await victim.model.reset();
      model = victim.model;
    } else {
      model = await this.weights.createModel(this.options.model);
    }
    const session: Session = {id, model, tokens: [], lastUsed: Date.now(), busy: true, anonymous};
    this.sessions.set(id, session);
    return session;
  }

  /**
   * Runs `transcript` through a reserved session's model in the evaluation queue: the catch-up
   * in one batch, or, with `batches`, in exactly those batches after the first `keep` tokens
   * (a tree sweep's schedule, or a lost session's replay), which reproduces the numbers: logits
   * depend on how a prefix was batched (models/schedule.ts). `top` asks for more top
   * log-probabilities than the model keeps (LocalModel's `NextOptions.top`).
   */
  evaluate(session: Session, transcript: readonly Token[], schedule?: Schedule, top?: number): Promise<StepResult> {
    return this.inQueue(session, async () => {
      const r = await session.model.next(transcript, {cuts: cutsOf(session, schedule), top});
      session.tokens = [...transcript, r.prediction.token];
      return stepOf(r);
    });
  }

  /**
   * A turn (span, stitch): the catch-up as `evaluate` makes it, then each written token fed back
   * as its own batch, until `max` tokens, a stop id, or (stitch) a token whose max-probability is
   * ≥ `confident`, which is kept. One queue slot for the whole turn.
   */
  turn(session: Session, transcript: readonly Token[], schedule: Schedule | undefined, call: {max: number; confident?: number; stopIds: readonly Token[]}): Promise<TurnStepResult> {
    return this.inQueue(session, async () => {
      const cuts = cutsOf(session, schedule);
      const turn = await generateTurn(session.model, transcript, {...call, ...(cuts ? {cuts} : {})});
      session.tokens = [...transcript, ...turn.steps.map((x) => x.prediction.token)];
      const steps = turn.steps.map(stepOf);
      return {steps, ms: steps.reduce((a, x) => a + x.ms, 0), evaluated: steps.reduce((a, x) => a + x.evaluated, 0)};
    });
  }

  /** Speculative decoding's verification (LocalModel.verify): predictions up to the first rejected draft. */
  verify(session: Session, committed: readonly Token[], drafts: readonly Token[], schedule: Schedule | undefined): Promise<{predictions: Prediction[]; accepted: number; ms: number; evaluated: number}> {
    return this.inQueue(session, async () => {
      const start = performance.now();
      // A schedule's last batch is the drafts: the committed part's cuts end before them.
      const cuts = cutsOf(session, schedule)?.filter((e) => e < committed.length);
      const v = await session.model.verify(committed, drafts, {cuts});
      const own = v.predictions[v.accepted]!.token;
      session.tokens = [...committed, ...drafts.slice(0, v.accepted), own];
      return {predictions: v.predictions, accepted: v.accepted, ms: performance.now() - start, evaluated: v.evaluated};
    });
  }

  private inQueue<T>(session: Session, work: () => Promise<T>): Promise<T> {
    return this.queue(async () => {
      try {
        return await work();
      } catch (error) {
        this.drop(session); // its state is unknown now; the client resends
        throw error;
      }
    });
  }

  /**
   * Waits until this session's request `seq − 1` has been answered, so that a client with several
   * requests in flight (optimistic continuation) has them answered in the order it sent them,
   * whatever order their connections delivered them in. Gives up after `timeoutMs` (the earlier
   * request may never come) and lets the request go on.
   */
  async inOrder(id: string, seq: number, timeoutMs = 10_000): Promise<void> {
    let order = this.order.get(id);
    if (!order) {
      order = {done: seq === 1 ? 0 : -1, waiters: []};
      this.order.set(id, order);
      if (this.order.size > 4 * this.options.maxSessions) this.order.delete(this.order.keys().next().value!);
    }
    const deadline = Date.now() + timeoutMs;
    while (order.done >= 0 && order.done < seq - 1 && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        order.waiters.push(resolve);
        setTimeout(resolve, Math.max(1, deadline - Date.now())).unref();
      });
    }
  }

  /** Marks request `seq` of a session answered (or failed) and wakes the requests waiting for it. */
  answered(id: string, seq: number): void {
    const order = this.order.get(id);
    if (!order) return;
    order.done = Math.max(order.done, seq);
    for (const wake of order.waiters.splice(0)) wake();
  }

  /**
   * Ends a session. A closed session's context is kept (cleared) for the next session, so a busy
   * server does not churn allocations; a failed one's state is unknown, so its context is freed.
   */
  drop(session: Session, keepContext = false): void {
    if (this.sessions.get(session.id) !== session) return;
    this.sessions.delete(session.id);
    if (keepContext) this.spare.push(session.model.reset().then(() => session.model));
    else void session.model.dispose();
  }

  /** Frees idle sessions and spare contexts: an idle server gives its memory back. */
  private dropIdle(): void {
    const cutoff = Date.now() - this.options.idleMs;
    for (const s of [...this.sessions.values()]) if (!s.busy && s.lastUsed < cutoff) this.drop(s);
    if (this.sessions.size === 0) for (const m of this.spare.splice(0)) void m.then((model) => model.dispose());
  }

  async dispose(): Promise<void> {
    clearInterval(this.timer);
    const all = [...this.sessions.values()].map((s) => s.model);
    this.sessions.clear();
    all.push(...(await Promise.all(this.spare.splice(0))));
    await Promise.all(all.map((m) => m.dispose()));
  }
}

/** A client-chosen batch schedule: the batch sizes after the first `keep` tokens. */
export interface Schedule {
  keep: number;
  batches: readonly number[];
}

export interface TurnStepResult {
  steps: StepResult[];
  ms: number;
  evaluated: number;
}

/** The cuts that reproduce a client's schedule on this session's model, or undefined for the model's own append-only plan. */
function cutsOf(session: Session, schedule: Schedule | undefined): number[] | undefined {
  if (!schedule) return undefined;
  const {keep, batches} = schedule;
  const cuts = session.model.batchEnds.filter((e) => e < keep);
  if (keep > 0) cuts.push(keep);
  let end = keep;
  for (const size of batches.slice(0, -1)) cuts.push((end += size));
  return cuts;
}

function stepOf(r: NextResult): StepResult {
  return {prediction: r.prediction, evaluated: (r.fromState ? 0 : r.evaluated) + r.replayed, ms: r.ms + (r.replayMs ?? 0)};
}

function busySession(id: string): HttpError {
  return new HttpError(409, "session-busy", `session ${id} is already answering a request: send one request at a time per session`);
}

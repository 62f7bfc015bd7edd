/**
 * Lockstep for lanes (`LocalWeights.createLanes`): when the evaluations of several lanes are
 * handed to node-llama-cpp, so that they meet in one native decode.
 *
 * node-llama-cpp batches what is queued on a context when it dispatches, and while a batch runs it
 * takes whatever queues meanwhile as the next batch at once. Lanes come back from a step at
 * different times (each samples its own row, then scores, routes, may call the large model), so
 * left to it, lanes drift out of phase: on the 0.5B shape half the decodes of 4 lanes held one
 * lane (bench/README.md, "Lanes"), and a decode of the small model overlapped the large model's
 * and the other lanes' sampling on the same cores.
 *
 * A clock holds back each lane's evaluation at its context's gate and releases a gate's lanes
 * together (in one event-loop turn, so node-llama-cpp queues them into one batch) when
 *   - no evaluation of any gate of the clock is in flight (the contexts of a pair take turns: a
 *     batch never shares the cores with another context's batch, nor starts before every lane of
 *     the last one has its result), and
 *   - every lane of the clock is waiting at a gate, or is known to be away: it did not come within
 *     `waitMs` of a gate wanting to release (a lane between questions, or one whose large model is
 *     remote). A lane away is waited for again once it comes back to a gate.
 * Where several gates could release, the one with the most lanes waiting goes first.
 *
 * Lane i of every gate of a clock is the same slot (the same question): `openPair` zips the small
 * and the large model's lanes in order.
 */
export class LaneClock {
  private readonly gates: LaneGate[] = [];
  /** Per slot: the gate it waits at, the gate running its evaluation, or neither (its own code runs). */
  private readonly waitingAt: (LaneGate | undefined)[];
  private readonly runningAt: (LaneGate | undefined)[];
  private readonly away: boolean[];
  private readonly queued: (() => void)[][];
  private running = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastBatchMs: number | undefined;

  /** `maxWaitMs` caps how long a gate waits for a lane still running its own code (at most one batch's time). */
  constructor(
    readonly slots: number,
    private readonly maxWaitMs = 20,
  ) {
    this.waitingAt = new Array(slots).fill(undefined);
    this.runningAt = new Array(slots).fill(undefined);
    this.away = new Array(slots).fill(false);
    this.queued = Array.from({length: slots}, () => []);
  }

  /** A gate for one context (one per context, created in the order of preference when tied). */
  gate(name: string): LaneGate {
    const gate = new LaneGate(this, name);
    this.gates.push(gate);
    return gate;
  }

  /** How long a gate waits for lanes running their own code: about the last batch's time, within [1, maxWaitMs] ms. */
  get waitMs(): number {
    return this.lastBatchMs === undefined ? this.maxWaitMs : Math.min(this.maxWaitMs, Math.max(1, this.lastBatchMs));
  }

  /** @internal Runs `evaluate` for lane `slot` at `gate` once the gate releases it. */
  async run<T>(gate: LaneGate, slot: number, evaluate: () => Promise<T>): Promise<T> {
    if (!Number.isInteger(slot) || slot < 0 || slot >= this.slots) throw new Error(`lane ${slot} outside 0…${this.slots - 1}`);
    if (this.waitingAt[slot] || this.runningAt[slot]) throw new Error(`lane ${slot} evaluates twice at once`);
    this.away[slot] = false;
    this.waitingAt[slot] = gate;
    await new Promise<void>((release) => {
      this.queued[slot]!.push(release);
      this.schedule();
    });
    const start = performance.now();
    try {
      return await evaluate();
    } finally {
      this.runningAt[slot] = undefined;
      this.running--;
      this.lastBatchMs = Math.max((this.lastBatchMs ?? 0) * 0.5, performance.now() - start);
      this.schedule();
    }
  }

  /** Releases a gate if it may go now; else waits for the lanes still running their own code, at most `waitMs`. */
  private schedule(): void {
    if (this.running > 0) return;
    let best: LaneGate | undefined;
    let bestCount = 0;
    for (const gate of this.gates) {
      const count = this.waitingAt.filter((g) => g === gate).length;
      if (count > bestCount) [best, bestCount] = [gate, count];
    }
    if (!best) return;
    const pending = this.waitingAt.some((g, slot) => !g && !this.runningAt[slot] && !this.away[slot]);
    if (pending) {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        for (let slot = 0; slot < this.slots; slot++) if (!this.waitingAt[slot] && !this.runningAt[slot]) this.away[slot] = true;
        this.schedule();
      }, this.waitMs);
      return;
    }
    this.release(best);
  }

  private release(gate: LaneGate): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    gate.batches++;
    for (let slot = 0; slot < this.slots; slot++) {
      if (this.waitingAt[slot] !== gate) continue;
      this.waitingAt[slot] = undefined;
      this.runningAt[slot] = gate;
      this.running++;
      gate.released++;
      this.queued[slot]!.shift()!();
    }
  }
}

/** One context's gate on a `LaneClock`. */
export class LaneGate {
  /** Releases so far, and lanes released: `released / batches` lanes met per release on average. */
  batches = 0;
  released = 0;

  constructor(
    readonly clock: LaneClock,
    readonly name: string,
  ) {}

  /** Runs lane `slot`'s `evaluate` when the clock releases this gate's lanes together. */
  run<T>(slot: number, evaluate: () => Promise<T>): Promise<T> {
    return this.clock.run(this, slot, evaluate);
  }
}

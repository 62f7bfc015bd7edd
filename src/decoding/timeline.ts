import type {DecodeEvent} from "./events.ts";
import type {NetworkModel} from "./networkModel.ts";

/**
 * Declared compute speeds, to replay a run's event log at another machine's speeds (the paper's
 * Table 1 at its own speeds). Network time stays the run's (its RTT, bandwidths and jitter).
 */
export interface DeviceProfile {
  name: string;
  /** The small model: an evaluation of n tokens costs `smallStepMs + (n − 1) × smallTokenMs`. */
  smallStepMs: number;
  smallTokenMs: number;
  /** Router scoring per step; default: the measured time. */
  routerMs?: number;
  /** The large model: a request costs `largeRequestMs + (generated − 1) × largeTokenMs` (a verification writes one token). */
  largeRequestMs: number;
  largeTokenMs: number;
}

/**
 * She et al. (2025): Qwen2.5-0.5B on an M1 CPU at 0.28 s a token (Table 1's TBT at τ 0.4–0.6),
 * TTFT ≈ 0.5 s for CITER's ~110-token prompt (so ≈ 2 ms per extra prompt token), and ≈ 0.73 s of
 * LLM per request (Table 1's comm + LLM per routed token, 0.86–0.96 s, less the 170 ms round trip);
 * a 32B model on a GPU writes further tokens at ~30 ms each (an assumption: the paper sends one
 * token per request).
 */
export const PAPER_PROFILE: DeviceProfile = {name: "paper", smallStepMs: 280, smallTokenMs: 2, routerMs: 0, largeRequestMs: 730, largeTokenMs: 30};

export const DEVICE_PROFILES: Record<string, DeviceProfile> = {paper: PAPER_PROFILE};

export interface TimelineOptions {
  /** The link: its RTT and bandwidths split each request's network time into its up and down legs. */
  network: NetworkModel;
  /** Declared compute speeds; default: the measured times in the log. */
  profile?: DeviceProfile;
  /** Replay with optimistic continuation (the device keeps decoding while a request is in flight). */
  optimistic?: boolean;
  /** Replay as a discrete-event simulation even where the serial sum is exact (for tests). */
  simulate?: boolean;
}

/** A run's latency, from its event log. */
export interface Timeline {
  /** When each emitted token is final, in emission order (ms since decoding began). */
  ready: number[];
  ttftMs: number;
  /** Mean time between tokens after the first (0 for a single token). */
  tbtMs: number;
  /** Small-model compute on the device (an optimistic device's thrown-away steps included). */
  smallMs: number;
  routerMs: number;
  /** Large-model compute of the requests (oracle peeks excluded). */
  largeMs: number;
  networkMs: number;
  /** When the last token is final: the run's overall latency. */
  totalMs: number;
  /** Steps an optimistic device computed and threw away (wrong guesses). */
  speculativeSteps: number;
}

/**
 * Replays an event log on one timeline with three resources:
 *   device  the small model and the router, serial;
 *   link    each request's up leg (RTT/2 + request bytes at the up bandwidth) and down leg
 *           (RTT/2 + reply bytes at the down bandwidth + the seeded jitter); payloads take the
 *           link one at a time, requests in flight do not otherwise wait for each other;
 *   server  the large model, serial per session.
 * A sequential policy's device waits for each reply, so its overall latency is exactly
 * small + router + large + network; it is computed as that sum, in log order, so the token
 * policy's figures are those decoding always reported, to the bit. With `optimistic`, the device
 * does not wait: while a request is in flight it goes on from its own guess of the reply (its own
 * token; for a span, its own next k tokens, which it must first decode), and a token is final
 * only once every earlier reply has arrived. When the reply agrees with the guess, the steps it
 * made are the sequential run's next steps, with their measured times. When it disagrees, those
 * steps were never made by the sequential run: each is charged the run's median single-token
 * small step plus its median router time (or the profile's), the device finishes the step in
 * progress when the reply arrives, throws the steps away and goes on from the reply, as the
 * sequential run did. A thrown-away step is assumed to send no request.
 */
export function replayTimeline(events: readonly DecodeEvent[], options: TimelineOptions): Timeline {
  const {profile} = options;
  const small = (e: {tokens: number; ms: number}) => (profile ? profile.smallStepMs + (e.tokens - 1) * profile.smallTokenMs : e.ms);
  const router = (e: {ms: number}) => (profile?.routerMs ?? e.ms);
  const large = (e: {generated: number; ms: number}) => (profile ? profile.largeRequestMs + Math.max(0, e.generated - 1) * profile.largeTokenMs : e.ms);
  if (!options.optimistic && !options.simulate) return serial(events, small, router, large);
  return simulate(events, options, small, router, large);
}

type Cost<E> = (e: E) => number;
type SmallE = {tokens: number; ms: number};
type RouterE = Extract<DecodeEvent, {type: "router"}>;
type LargeE = Extract<DecodeEvent, {type: "large"}>;

function serial(events: readonly DecodeEvent[], small: Cost<SmallE>, router: Cost<RouterE>, large: Cost<LargeE>): Timeline {
  // Durations are summed per step before the clock moves (clock += small + router + large + network),
  // the order the token policy's accounting always used.
  let clock = 0, block = 0, pendingNet = 0;
  let smallMs = 0, routerMs = 0, largeMs = 0, networkMs = 0;
  const ready: number[] = [];
  for (const e of events) {
    if (e.type === "small") {
      const d = small(e);
      smallMs += d;
      block += d;
    } else if (e.type === "router") {
      const d = router(e);
      routerMs += d;
      block += d;
    } else if (e.type === "request") {
      networkMs += e.netMs;
      pendingNet = e.netMs;
    } else if (e.type === "large") {
      const d = large(e);
      largeMs += d;
      block += d;
    } else if (e.type === "reply") {
      block += pendingNet;
      pendingNet = 0;
    } else if (e.type === "emit") {
      clock += block;
      block = 0;
      for (let i = 0; i < e.count; i++) ready.push(clock);
    }
  }
  return finish(ready, smallMs, routerMs, largeMs, networkMs, smallMs + routerMs + largeMs + networkMs, 0);
}

function simulate(events: readonly DecodeEvent[], options: TimelineOptions, small: Cost<SmallE>, router: Cost<RouterE>, large: Cost<LargeE>): Timeline {
  const {network: net, profile, optimistic} = options;
  const half = net.rttMs / 2;
  // A thrown-away step costs what a typical real one did: the median single-token small step and router call.
  const phantomSmall = profile ? profile.smallStepMs : median(events.flatMap((e) => (e.type === "small" && e.tokens === 1 ? [e.ms] : [])));
  const phantomRouter = profile?.routerMs ?? median(events.flatMap((e) => (e.type === "router" ? [e.ms] : [])));
  let t = 0, floor = 0, serverFree = 0, upFree = 0, downFree = 0;
  let smallMs = 0, routerMs = 0, largeMs = 0, networkMs = 0, speculativeSteps = 0;
  const ready: number[] = [];
  const consumed = new Set<number>();
  for (const [i, e] of events.entries()) {
    if (consumed.has(i)) continue;
    if (e.type === "small") {
      const d = small(e);
      smallMs += d;
      t += d;
    } else if (e.type === "router") {
      const d = router(e);
      routerMs += d;
      t += d;
    } else if (e.type === "request") {
      const li = events.findIndex((x, j) => j > i && x.type === "large" && x.call === e.call);
      const ri = events.findIndex((x, j) => j > i && x.type === "reply" && x.call === e.call);
      if (li < 0 || ri < 0) throw new Error(`event log: request ${e.call} has no large-model work or reply`);
      consumed.add(li);
      consumed.add(ri);
      const work = events[li] as LargeE;
      const reply = events[ri] as Extract<DecodeEvent, {type: "reply"}>;
      const upPayload = (e.bytesUp * 8) / (net.upMbps * 1000);
      const upStart = Math.max(t, upFree);
      upFree = upStart + upPayload;
      const atServer = upFree + half;
      const compute = large(work);
      const serverStart = Math.max(atServer, serverFree);
      serverFree = serverStart + compute;
      const downPayload = (reply.bytesDown * 8) / (net.downMbps * 1000);
      const downStart = Math.max(serverFree, downFree);
      downFree = downStart + downPayload;
      // The down leg is the rest of the request's network time: RTT/2, the reply's payload and the jitter.
      const arrival = downStart + Math.max(downPayload, e.netMs - half - upPayload);
      largeMs += compute;
      networkMs += e.netMs;
      if (optimistic && e.guess > 0) {
        floor = Math.max(floor, arrival);
        if (reply.agreed) {
          // Its guessing steps were measured by the sequential run; the rest of its work is the sequential run's own.
          for (const g of events) {
            if (g.type === "guess" && g.call === e.call) {
              const d = small(g);
              smallMs += d;
              t += d;
            }
          }
        } else if (t < arrival) {
          const step = phantomSmall + phantomRouter;
          const n = step > 0 ? Math.ceil((arrival - t) / step) : 0;
          t = step > 0 ? t + n * step : arrival;
          smallMs += n * phantomSmall;
          routerMs += n * phantomRouter;
          speculativeSteps += n;
        }
      } else {
        t = Math.max(t, arrival);
      }
    } else if (e.type === "emit") {
      const at = Math.max(t, floor);
      for (let k = 0; k < e.count; k++) ready.push(at);
    }
  }
  return finish(ready, smallMs, routerMs, largeMs, networkMs, Math.max(t, floor, ready.at(-1) ?? 0), speculativeSteps);
}

function finish(ready: number[], smallMs: number, routerMs: number, largeMs: number, networkMs: number, totalMs: number, speculativeSteps: number): Timeline {
  const n = ready.length;
  const first = ready[0] ?? 0;
  const last = ready.at(-1) ?? 0;
  return {ready, ttftMs: first, tbtMs: n > 1 ? (last - first) / (n - 1) : 0, smallMs, routerMs, largeMs, networkMs, totalMs, speculativeSteps};
}

function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

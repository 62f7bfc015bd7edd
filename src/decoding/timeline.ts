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
 * only once every earlier reply has arrived; it keeps at most `OPTIMISTIC_WINDOW` requests in
 * flight. When the reply agrees with the guess, the steps it made are the sequential run's next
 * steps, with their measured times. When it disagrees, those steps were never made by the
 * sequential run: a real run's log records them (`void`: their measured times and the requests
 * they sent), a sequential run's log does not and they are estimated (`wrongGuessEstimate`); the
 * device makes them until the reply arrives, finishing the step in progress then, throws them
 * away and goes on from the reply, as the sequential run did. Their requests (void) take the link
 * and the server like any other, so the server answers them before the next real one.
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
type LargeCost = {generated: number; ms: number};

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

/**
 * Most requests an optimistic device keeps in flight: with this many unanswered it waits for the
 * oldest reply before its next step (optimisticLoop does; the timeline replays it so).
 */
export const OPTIMISTIC_WINDOW = 32;

function simulate(events: readonly DecodeEvent[], options: TimelineOptions, small: Cost<SmallE>, router: Cost<RouterE>, large: Cost<LargeCost>): Timeline {
  const {network: net, profile, optimistic} = options;
  const half = net.rttMs / 2;
  const guessing = optimistic ? wrongGuessEstimate(events, profile, large) : undefined;
  const total = events.reduce((n, e) => n + (e.type === "emit" ? e.count : 0), 0);
  let t = 0, floor = 0, serverFree = 0, upFree = 0, downFree = 0, emitted = 0;
  let smallMs = 0, routerMs = 0, largeMs = 0, networkMs = 0, speculativeSteps = 0;
  const ready: number[] = [];
  const consumed = new Set<number>();
  // Arrival times of the optimistic requests in flight, ascending (the window).
  let inFlight: number[] = [];
  /** A request through the link and the server; returns when its reply reaches the device. */
  const send = (at: number, bytesUp: number, bytesDown: number, compute: number, netMs: number): number => {
    const upPayload = (bytesUp * 8) / (net.upMbps * 1000);
    const upStart = Math.max(at, upFree);
    upFree = upStart + upPayload;
    const serverStart = Math.max(upFree + half, serverFree);
    serverFree = serverStart + compute;
    const downPayload = (bytesDown * 8) / (net.downMbps * 1000);
    const downStart = Math.max(serverFree, downFree);
    downFree = downStart + downPayload;
    // The down leg is the rest of the request's network time: RTT/2, the reply's payload and the jitter.
    return downStart + Math.max(downPayload, netMs - half - upPayload);
  };
  const track = (list: number[], arrival: number) => {
    list.push(arrival);
    list.sort((a, b) => a - b);
  };
  /** Before a device step: with the window full, wait for the oldest reply (not past `until`). */
  const windowWait = (list: number[], until = Number.POSITIVE_INFINITY): number[] => {
    const open = list.filter((a) => a > t);
    if (open.length >= OPTIMISTIC_WINDOW) t = Math.min(until, Math.max(t, open[open.length - OPTIMISTIC_WINDOW]!));
    return open;
  };
  for (const [i, e] of events.entries()) {
    if (consumed.has(i)) continue;
    if (e.type === "small") {
      if (optimistic) inFlight = windowWait(inFlight);
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
      const compute = large(work);
      const arrival = send(t, e.bytesUp, reply.bytesDown, compute, e.netMs);
      largeMs += compute;
      networkMs += e.netMs;
      if (optimistic && e.guess > 0) {
        floor = Math.max(floor, arrival);
        track(inFlight, arrival);
        if (reply.agreed) {
          // Its guessing steps were measured by the sequential run; the rest of its work is the sequential run's own.
          for (const g of events) {
            if (g.type === "guess" && g.call === e.call) {
              const d = small(g);
              smallMs += d;
              t += d;
            }
          }
        } else {
          // The device goes on from its wrong guess until the reply arrives, finishing the step in
          // progress then: the steps a real run recorded (a `void` event), or the estimate.
          const vi = events.findIndex((x, j) => j > i && x.type === "void" && x.call === e.call);
          if (vi >= 0) consumed.add(vi);
          const recorded = vi >= 0 ? (events[vi] as Extract<DecodeEvent, {type: "void"}>) : undefined;
          const est = guessing!;
          const steps = recorded ? recorded.steps.length : Math.max(0, total - emitted - e.guess);
          let open = [...inFlight];
          let owed = 0; // estimated requests: the run's routing rate, accumulated per step
          const sendVoid = (bytesUp: number, bytesDown: number, compute: number) => {
            if (t < arrival) track(open, send(t, bytesUp, bytesDown, compute, half + (bytesDown * 8) / (net.downMbps * 1000) + (bytesUp * 8) / (net.upMbps * 1000)));
          };
          /** The recorded void requests sent after `k` thrown-away steps. */
          const sendRecorded = (k: number) => {
            for (const r of recorded?.requests ?? []) if (r.after === k) sendVoid(r.bytesUp, r.bytesDown, profile ? large({generated: 1, ms: r.ms}) : r.ms);
          };
          for (let k = 0; k < steps; k++) {
            sendRecorded(k);
            open = windowWait(open, arrival);
            if (t >= arrival) break;
            // A recorded step's time holds its router call (the profile's or the measured one).
            const d = recorded ? (profile ? profile.smallStepMs + est.routerMs : recorded.steps[k]!) : est.smallMs;
            const r = recorded ? 0 : est.routerMs;
            t += d + r;
            smallMs += d;
            routerMs += r;
            speculativeSteps++;
            if (!recorded) {
              owed += est.rate;
              if (owed >= 1) {
                owed -= 1;
                sendVoid(est.bytesUp, est.bytesDown, est.computeMs);
              }
            }
          }
          sendRecorded(steps);
          t = Math.max(t, arrival);
        }
      } else {
        t = Math.max(t, arrival);
      }
    } else if (e.type === "emit") {
      const at = Math.max(t, floor);
      emitted += e.count;
      for (let k = 0; k < e.count; k++) ready.push(at);
    }
  }
  return finish(ready, smallMs, routerMs, largeMs, networkMs, Math.max(t, floor, ready.at(-1) ?? 0), speculativeSteps);
}

/**
 * What a wrong guess costs where the log does not record it (a sequential run's log): each
 * thrown-away step is an average step of the run (the mean single-token small step plus the mean
 * router call, or the profile's), at most as many as the run has tokens left (the device stops at
 * the run's length, as a real one stops at max tokens or end of generation), and the steps send
 * requests at the run's own rate (requests per step), each an average request (the mean payloads
 * and large-model compute), which the server answers before the next real one. Means, not
 * medians: these costs add up (the server's queue, the device's steps), and the run's step and
 * compute times are skewed (slowlink traces: void requests cost the server their run's mean).
 */
function wrongGuessEstimate(events: readonly DecodeEvent[], profile: DeviceProfile | undefined, large: Cost<LargeCost>): {smallMs: number; routerMs: number; rate: number; bytesUp: number; bytesDown: number; computeMs: number} {
  const routers = events.flatMap((e) => (e.type === "router" ? [e.ms] : []));
  const requests = events.filter((e): e is Extract<DecodeEvent, {type: "request"}> => e.type === "request");
  return {
    smallMs: profile ? profile.smallStepMs : mean(events.flatMap((e) => (e.type === "small" && e.tokens === 1 ? [e.ms] : []))),
    routerMs: profile?.routerMs ?? mean(routers),
    rate: routers.length > 0 ? requests.length / routers.length : 0,
    bytesUp: mean(requests.map((e) => e.bytesUp)),
    bytesDown: mean(events.flatMap((e) => (e.type === "reply" ? [e.bytesDown] : []))),
    computeMs: mean(events.flatMap((e) => (e.type === "large" ? [large(e)] : []))),
  };
}

function finish(ready: number[], smallMs: number, routerMs: number, largeMs: number, networkMs: number, totalMs: number, speculativeSteps: number): Timeline {
  const n = ready.length;
  const first = ready[0] ?? 0;
  const last = ready.at(-1) ?? 0;
  return {ready, ttftMs: first, tbtMs: n > 1 ? (last - first) / (n - 1) : 0, smallMs, routerMs, largeMs, networkMs, totalMs, speculativeSteps};
}

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}

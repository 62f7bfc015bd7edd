/**
 * The timeline against the clock: tlr serve behind a real slow link (tlr slowlink, its own
 * process), the policies run for real (optimistic continuation with requests really in flight),
 * and for each run the simulated timeline (its event log replayed with its measured compute and
 * the link's RTT and bandwidths) beside its measured wall time. The simulated overall latency must
 * agree with the wall time within 10%.
 *
 *   TLR_SHARED=../shared npx tsx bench/slowlink.ts [questions=20] [rtts=50,170] [threshold=0.999]
 *
 * The toy pair on the first questions of $TLR_SHARED/models/toy-arith/eval.jsonl, max-prob at τ
 * (0.999 routes ~25% of the toy's tokens: many round trips), ≤ 200 tokens. The small model, the
 * server and the proxy are three processes; on a 2-core machine give the server one thread (it
 * has, by default, for this model size).
 */
import {spawn, type ChildProcess} from "node:child_process";
import {
  connectRemote,
  createRouter,
  decode,
  encodePrompt,
  LocalModel,
  parsePolicy,
  readVocabulary,
  replayTimeline,
  type DecodeResult,
  type NetworkModel,
} from "../src/index.ts";
import {spawnTlrServe} from "../test/support/spawn.ts";
import {toyPrompts} from "../test/support/toy.ts";
import {median, record, repoRoot} from "./lib.ts";
import {TOY_LARGE, TOY_SMALL} from "./remote-lib.ts";

const QUESTIONS = Number(process.argv[2] ?? 20);
const RTTS = (process.argv[3] ?? "50,170").split(",").map(Number);
const THRESHOLD = Number(process.argv[4] ?? 0.999);
const POLICIES = ["token", "span:4", "stitch", "token+optimistic", "span:4+optimistic", "speculative:4"];
const UP_MBPS = 20;
const DOWN_MBPS = 100;

/** `tlr slowlink` in its own process, so its timers never wait for the client's event loop. */
async function startLink(target: string, rttMs: number): Promise<{url: string; proc: ChildProcess; stop(): Promise<void>}> {
  const proc = spawn(process.execPath, [`${repoRoot}/bin/tlr.js`, "slowlink", "--target", target, "--rtt", String(rttMs), "--up-mbps", String(UP_MBPS), "--down-mbps", String(DOWN_MBPS)], {stdio: ["ignore", "ignore", "pipe"]});
  let log = "";
  const url = await new Promise<string>((ok, fail) => {
    proc.stderr!.on("data", (d) => {
      log += d;
      const m = /listening on (http:\/\/\S+)/.exec(log);
      if (m) ok(m[1]!);
    });
    proc.once("exit", () => fail(new Error(`tlr slowlink exited:\n${log}`)));
  });
  return {url, proc, stop: () => new Promise((ok) => (proc.once("exit", () => ok()), proc.kill("SIGTERM")))};
}

const small = await LocalModel.load({path: TOY_SMALL, gpu: false});
const server = await spawnTlrServe(TOY_LARGE);
const prompts = toyPrompts(QUESTIONS).map((p) => encodePrompt(small.tokenizer, p));
const rows: {rttMs: number; policy: string; questions: number; simulatedMs: number; wallMs: number; ratio: number; medianRatio: number; estimatedMs: number; estimatedRatio: number; calls: number; voidRequests: number; thrownAway: number; simulatedThrownAway: number}[] = [];
try {
  for (const rttMs of RTTS) {
    const link = await startLink(server.url, rttMs);
    const network: NetworkModel = {rttMs, upMbps: UP_MBPS, downMbps: DOWN_MBPS};
    try {
      const backend = await connectRemote({url: link.url, vocabulary: await readVocabulary(TOY_SMALL), tokenizer: small.tokenizer});
      for (const name of POLICIES) {
        const policy = parsePolicy(name);
        const runs: DecodeResult[] = [];
        for (const [q, prompt] of prompts.entries()) {
          await small.reset();
          const large = backend.createModel();
          runs.push(
            await decode({
              prompt,
              small,
              large,
              tokenizer: small.tokenizer,
              router: createRouter(policy.kind === "speculative" ? "always-small" : "max-prob"),
              threshold: THRESHOLD,
              maxTokens: 200,
              key: `q${q}`,
              network,
              policy,
              overlap: "real",
            }),
          );
          await large.dispose();
        }
        const simulatedMs = runs.reduce((s, r) => s + r.stats.totalMs, 0);
        // What a sweep would report: the same logs without the real runs' records of their wrong guesses (the timeline's estimate instead).
        const optimistic = policy.kind !== "speculative" && policy.optimistic === true;
        const estimates = runs.map((r) => replayTimeline(r.events.filter((e) => e.type !== "void"), {network, optimistic}));
        const estimatedMs = estimates.reduce((s, t) => s + t.totalMs, 0);
        const wallMs = runs.reduce((s, r) => s + r.stats.wallMs, 0);
        const row = {
          rttMs,
          policy: runs[0]!.policy,
          questions: runs.length,
          simulatedMs,
          wallMs,
          ratio: simulatedMs / wallMs,
          medianRatio: median(runs.map((r) => r.stats.totalMs / r.stats.wallMs)),
          estimatedMs,
          estimatedRatio: estimatedMs / wallMs,
          calls: runs.reduce((s, r) => s + r.stats.largeCalls, 0),
          voidRequests: runs.reduce((s, r) => s + r.events.reduce((n, e) => n + (e.type === "void" ? e.requests.length : 0), 0), 0),
          // Steps the device really threw away, against the timeline's estimate from the same logs (wrongGuessEstimate).
          thrownAway: runs.reduce((s, r) => s + r.stats.speculativeSteps, 0),
          simulatedThrownAway: estimates.reduce((s, t) => s + t.speculativeSteps, 0),
        };
        rows.push(row);
        console.log(`RTT ${String(rttMs).padStart(3)} ms  ${row.policy.padEnd(24)} simulated ${(simulatedMs / 1000).toFixed(2)} s  wall ${(wallMs / 1000).toFixed(2)} s  simulated/wall ${row.ratio.toFixed(3)} (median per question ${row.medianRatio.toFixed(3)})  requests ${row.calls}${optimistic ? `  void requests ${row.voidRequests}  steps thrown away: real ${row.thrownAway}, estimated ${row.simulatedThrownAway}  estimated (sweep) ${(estimatedMs / 1000).toFixed(2)} s, /wall ${row.estimatedRatio.toFixed(3)}` : ""}`);
      }
      backend.dispose();
    } finally {
      await link.stop();
    }
  }
} finally {
  await server.stop();
  await small.dispose();
}
const worst = Math.max(...rows.map((r) => Math.abs(r.ratio - 1)));
const worstEstimate = Math.max(...rows.map((r) => Math.abs(r.estimatedRatio - 1)));
console.log(`largest disagreement: ${(100 * worst).toFixed(1)}% (goal ≤ 10%); with the estimate of wrong guesses (as in sweeps): ${(100 * worstEstimate).toFixed(1)}%`);
record("slowlink", `TLR_SHARED=../shared npx tsx bench/slowlink.ts ${QUESTIONS} ${RTTS.join(",")} ${THRESHOLD}`, {threshold: THRESHOLD, upMbps: UP_MBPS, downMbps: DOWN_MBPS, rows, worstDisagreement: worst, worstEstimateDisagreement: worstEstimate});

// The demo page: a question, the routing and network controls, and the answer streaming token by
// token with the large model's tokens marked (as tlr generate marks them) beside live figures.
import {summarizeRecords} from "../../decoding/stats.ts";
import type {RunStats, TokenRecord} from "../../decoding/types.ts";
import {duration, esc, fmtScore, pct} from "../../report/browser/format.ts";
import {MarkedTokens} from "../../report/browser/markedTokens.ts";
import {tokenTooltip} from "../../report/browser/tooltip.ts";
import type {DemoEvents, DemoInfo, DemoRequest} from "../demoTypes.ts";
import {readEvents} from "./sse.ts";

const form = document.getElementById("demo") as HTMLFormElement;
const authForm = document.getElementById("auth") as HTMLFormElement;
const answer = document.getElementById("answer")!;
const status = document.getElementById("status")!;
const verdict = document.getElementById("verdict")!;
const field = <T extends Element>(name: string) => form.elements.namedItem(name) as unknown as T;
const goButton = field<HTMLButtonElement>("go");
const stopButton = field<HTMLButtonElement>("stop");

// The token travels in the URL's fragment (never sent to a server, never in its logs), then lives in this tab's session storage.
const fromHash = new URLSearchParams(location.hash.slice(1)).get("token");
if (fromHash) {
  sessionStorage.setItem("tlr-demo-token", fromHash);
  history.replaceState(null, "", location.pathname);
}
let token = sessionStorage.getItem("tlr-demo-token") ?? "";
const headers = (): Record<string, string> => (token ? {authorization: `Bearer ${token}`} : {});

let info: DemoInfo;
let records: TokenRecord[] = [];
let running: AbortController | undefined;

function setStatus(text: string, error = false): void {
  status.textContent = text;
  status.classList.toggle("error", error);
}

async function connect(): Promise<void> {
  const response = await fetch("/api/info", {headers: headers()});
  if (response.status === 401) {
    authForm.hidden = false;
    setStatus(token ? "wrong token" : "this demo needs its token", true);
    return;
  }
  if (!response.ok) return setStatus(`the demo server answered ${response.status}`, true);
  info = (await response.json()) as DemoInfo;
  authForm.hidden = true;
  setup();
}

authForm.addEventListener("submit", (event) => {
  event.preventDefault();
  token = (authForm.elements.namedItem("token") as HTMLInputElement).value;
  sessionStorage.setItem("tlr-demo-token", token);
  void connect();
});

function setup(): void {
  const d = info.defaults;
  document.getElementById("pair")!.textContent = `pair ${info.pair.name} · small ${info.pair.small} · large ${info.pair.large}`;
  field<HTMLSelectElement>("router").innerHTML = info.routers.map((r) => `<option value="${esc(r.id)}" title="${esc(r.description)}">${esc(r.name)}</option>`).join("");
  field<HTMLSelectElement>("router").value = d.router;
  field<HTMLSelectElement>("policy").innerHTML = info.policies.map((p) => `<option value="${esc(p.kind)}" title="${esc(p.description)}">${esc(p.kind)}</option>`).join("");
  field<HTMLSelectElement>("policy").value = d.policy.split(/[:+(]/)[0]!;
  policyChanged();
  routerChanged();
  field<HTMLInputElement>("threshold").value = String(d.threshold);
  field<HTMLInputElement>("maxTokens").value = String(d.maxTokens);
  field<HTMLInputElement>("maxTokens").max = String(d.maxTokensLimit);
  field<HTMLInputElement>("rttMs").value = String(d.network.rttMs);
  field<HTMLInputElement>("upMbps").value = String(d.network.upMbps);
  field<HTMLInputElement>("downMbps").value = String(d.network.downMbps);
  if (info.dataset) {
    const pick = document.getElementById("pick")!;
    pick.hidden = false;
    pick.firstChild!.textContent = `question (${info.dataset.name}, ${info.dataset.split}) `;
    field<HTMLSelectElement>("question").innerHTML += info.dataset.questions
      .map((q, i) => `<option value="${i}">${esc(`${q.id}: ${q.prompt.split("\n")[0]!.slice(0, 80)}`)}</option>`)
      .join("");
  }
  document.body.dataset.ready = "1";
}

/** The chosen policy kind's parameters and options, from the library's list (nothing here names a kind). */
const policyKind = () => info.policies.find((p) => p.kind === field<HTMLSelectElement>("policy").value)!;

function policyChanged(): void {
  const kind = policyKind();
  document.getElementById("policy-parameters")!.innerHTML = kind.parameters
    .map((p) => `<label title="${esc(p.description)}">${esc(p.name)} <input name="policy-${esc(p.name)}" type="number" value="${p.default}" min="${p.min}"${p.max === undefined ? "" : ` max="${p.max}"`} step="${p.integer ? 1 : "any"}"></label>`)
    .join(" ");
  document.getElementById("optimistic")!.hidden = !kind.optimistic;
  if (!kind.optimistic) field<HTMLInputElement>("optimistic").checked = false;
  // A kind without a router (speculative decoding) makes the router and τ moot.
  field<HTMLSelectElement>("router").disabled = !kind.router;
  field<HTMLInputElement>("threshold").disabled = !kind.router || info.routers.find((r) => r.id === field<HTMLSelectElement>("router").value)!.fixed;
}

/** The policy's name as the library parses it: the kind, its parameters' values after colons, then +optimistic. */
function policyText(): string {
  const kind = policyKind();
  const values = kind.parameters.map((p) => field<HTMLInputElement>(`policy-${p.name}`).value);
  return [kind.kind, ...values].join(":") + (field<HTMLInputElement>("optimistic").checked ? "+optimistic" : "");
}

function routerChanged(): void {
  const router = info.routers.find((r) => r.id === field<HTMLSelectElement>("router").value)!;
  const tau = field<HTMLInputElement>("threshold");
  tau.value = String(router.threshold);
  tau.disabled = router.fixed || !policyKind().router;
}

form.addEventListener("change", (event) => {
  const target = event.target as HTMLInputElement;
  if (target.name === "router") routerChanged();
  if (target.name === "policy") policyChanged();
  if (target.name === "brackets") answer.classList.toggle("brackets", target.checked);
  if (target.name === "question" && target.value !== "") field<HTMLTextAreaElement>("prompt").value = info.dataset!.questions[Number(target.value)]!.prompt;
});

/** The request for the form's values: a picked question whose prompt is unchanged goes by its index (its gold answer is then checked). */
function request(): DemoRequest {
  const number = (name: string) => Number(field<HTMLInputElement>(name).value);
  const prompt = field<HTMLTextAreaElement>("prompt").value;
  const picked = field<HTMLSelectElement>("question").value;
  const question = picked !== "" && info.dataset!.questions[Number(picked)]!.prompt === prompt ? Number(picked) : undefined;
  return {
    ...(question === undefined ? {prompt} : {question}),
    router: field<HTMLSelectElement>("router").value,
    threshold: number("threshold"),
    policy: policyText(),
    maxTokens: number("maxTokens"),
    network: {rttMs: number("rttMs"), upMbps: number("upMbps"), downMbps: number("downMbps")},
    pace: field<HTMLSelectElement>("pace").value as DemoRequest["pace"],
  };
}

const NUMERIC = new Set(["score", "maxProb", "margin", "entropy", "logprob", "tMs"]);
const revive = (key: string, value: unknown) => (NUMERIC.has(key) && typeof value === "string" ? Number(value) : value);

function showFigures(s: RunStats): void {
  const values: Record<string, string> = {
    tokens: String(s.generated),
    large: String(s.largeTokens),
    upload: pct(s.uploadFraction),
    calls: String(s.largeCalls),
    ttft: duration(s.ttftMs),
    tbt: duration(s.tbtMs),
    small: duration(s.smallMs),
    llm: duration(s.largeMs),
    network: duration(s.networkMs),
    total: duration(s.totalMs),
    bytesUp: `${s.bytesUp} B`,
    bytesDown: `${s.bytesDown} B`,
    wall: duration(s.wallMs),
  };
  for (const [k, v] of Object.entries(values)) document.querySelector(`[data-figure="${k}"]`)!.textContent = v;
}

async function generate(): Promise<void> {
  if (running) return;
  const body = request();
  running = new AbortController();
  goButton.disabled = true;
  stopButton.disabled = false;
  delete answer.dataset.done;
  verdict.textContent = "";
  setStatus("asking…");
  const started = performance.now();
  let marked: MarkedTokens | undefined;
  try {
    const response = await fetch("/api/generate", {method: "POST", headers: {...headers(), "content-type": "application/json"}, body: JSON.stringify(body), signal: running.signal});
    if (!response.ok) {
      const error = (await response.json().catch(() => null)) as {error?: {message?: string}} | null;
      setStatus(error?.error?.message ?? `the demo server answered ${response.status}`, true);
      return;
    }
    await readEvents(response, (name, data) => {
      if (name === "start") {
        const e = JSON.parse(data) as DemoEvents["start"];
        answer.textContent = "";
        records = [];
        marked = new MarkedTokens(answer);
        setStatus(`generating: ${e.router}${Number.isFinite(e.threshold) ? ` τ ${e.threshold}` : ""}, policy ${e.policy}, prompt ${e.promptTokens} tokens…`);
      } else if (name === "token") {
        const record = JSON.parse(data, revive) as TokenRecord;
        records.push(record);
        marked!.push({step: record.step, piece: record.piece, source: record.source});
        showFigures(summarizeRecords(records, "max-tokens", performance.now() - started));
      } else if (name === "done") {
        const e = JSON.parse(data, revive) as DemoEvents["done"];
        marked!.end();
        showFigures(e.stats);
        setStatus(`done: ${e.stats.generated} tokens, stop ${e.stats.stopReason}`);
        if (e.answer) {
          const mark = e.answer.correct ? "✓ correct" : "✗ wrong";
          verdict.innerHTML = `answer <b>${esc(e.answer.extracted ?? "none")}</b> (rule ${esc(e.answer.rule)}) · gold <b>${esc(e.answer.gold ?? "none")}</b> · <span class="v ${e.answer.correct ? "ok" : "bad"}">${mark}</span>`;
        }
        answer.dataset.done = "1";
      } else if (name === "error") {
        setStatus(`error: ${(JSON.parse(data) as DemoEvents["error"]).message}`, true);
      }
    });
  } catch (error) {
    if ((error as Error).name === "AbortError") setStatus("stopped");
    else setStatus(`error: ${(error as Error).message}`, true);
  } finally {
    marked?.end();
    running = undefined;
    goButton.disabled = false;
    stopButton.disabled = true;
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  void generate();
});
stopButton.addEventListener("click", () => running?.abort());
document.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    void generate();
  } else if (event.key === "Escape" && running) running.abort();
});

tokenTooltip(document.body, document.querySelector(".qb-tip")!, (span) => {
  const record = records[Number(span.dataset.step)];
  if (!record || !span.closest("#answer")) return undefined;
  return `step ${record.step} · token ${record.id} ${JSON.stringify(record.piece)} · ${record.source} model · router score ${fmtScore(record.score)}`;
});

void connect();

import type {BrowserData, BrowserOutcome, BrowserQuestion} from "../browserTypes.ts";
import {firstDifference} from "../firstDifference.ts";
import type {Filters} from "./filters.ts";
import {selectsRun} from "./filters.ts";
import {duration, esc, fmtScore, pct, runLabel, showsTau} from "./format.ts";
import {MarkedTokens} from "./markedTokens.ts";
import {questionTokens, type DecodedRun} from "./tokens.ts";

type Side = "a" | "b";

const BASELINE_KINDS = new Set(["always-small", "always-large"]);

interface Shown {
  index: number;
  question: BrowserQuestion;
  runs: DecodedRun[];
  /** Outcome indices compared side by side. */
  a: number;
  b: number;
}

/**
 * One question: its prompt and gold answer, two runs side by side with the first token where
 * their transcripts part highlighted, and each selected run's text with the large model's
 * tokens marked. Token rows are decoded when a question is first shown.
 */
export class QuestionDetail {
  private shown: Shown | undefined;
  private sequence = 0;
  /** The runs last compared, kept while browsing so the next question compares the same two. */
  private preferred: {a?: number; b?: number} = {};

  constructor(
    private readonly root: HTMLElement,
    private readonly data: BrowserData,
  ) {
    root.addEventListener("change", (event) => {
      const select = event.target as HTMLSelectElement;
      if (select.dataset.side) this.compare(select.dataset.side as Side, Number(select.value));
    });
    root.addEventListener("click", (event) => {
      const button = (event.target as Element).closest?.("button[data-side]") as HTMLButtonElement | null;
      if (button) this.compare(button.dataset.side as Side, Number(button.dataset.o));
    });
  }

  clear(): void {
    this.sequence++;
    this.shown = undefined;
    this.root.innerHTML = `<p class="qb-empty">No question matches the filters.</p>`;
    delete this.root.dataset.shown;
  }

  async show(index: number, filters: Filters): Promise<void> {
    const sequence = ++this.sequence;
    const q = this.data.questions[index]!;
    const runs = await questionTokens(this.data, q);
    if (sequence !== this.sequence) return; // another question was chosen meanwhile
    const pick = (run: number | undefined) => q.outcomes.findIndex((o) => o.run === run);
    let a = pick(this.preferred.a);
    if (a < 0) a = Math.max(0, q.outcomes.findIndex((o) => this.data.runs[o.run]!.routerKind === "always-small"));
    let b = pick(this.preferred.b);
    if (b < 0 || b === a) b = this.defaultB(q, runs, a, filters);
    this.shown = {index, question: q, runs, a, b};
    this.root.innerHTML = this.headHtml(q) + `<section class="qb-compare" aria-label="two runs side by side"></section><h4>Runs</h4><div class="qb-runs"></div>`;
    this.renderCompare();
    const list = this.root.querySelector(".qb-runs")!;
    q.outcomes.forEach((o, k) => {
      if (!selectsRun(filters, this.data.runs[o.run]!)) return;
      const article = document.createElement("article");
      article.className = "qb-run";
      article.dataset.o = String(k);
      this.nameRun(article, o);
      article.innerHTML = `<header class="qb-run-head">${this.outcomeHtml(o)} <button type="button" data-side="a" data-o="${k}" title="compare as A">A</button><button type="button" data-side="b" data-o="${k}" title="compare as B">B</button></header>`;
      article.append(this.textElement(k, -1));
      list.append(article);
    });
    this.root.dataset.shown = String(index);
  }

  /** Steps the run compared on one side through the question's runs. */
  cycle(side: Side, delta: number): void {
    if (!this.shown) return;
    const n = this.shown.question.outcomes.length;
    this.compare(side, (((side === "a" ? this.shown.a : this.shown.b) + delta) % n + n) % n);
  }

  jumpToDifference(): void {
    this.root.querySelector(".qb-compare .t.diff")?.scrollIntoView({block: "center", behavior: "smooth"});
  }

  /** What a hovered token is: its step, id, text, source and router score. */
  describeToken(span: HTMLElement): string | undefined {
    const text = span.closest(".qb-text") as HTMLElement | null;
    if (!this.shown || !text) return undefined;
    const o = Number(text.dataset.o);
    const step = Number(span.dataset.step);
    const run = this.shown.runs[o];
    const token = run?.views[step];
    if (!run || !token) return undefined;
    const info = this.data.runs[this.shown.question.outcomes[o]!.run]!;
    const tau = showsTau(info) ? ` (τ ${fmtScore(info.threshold)})` : "";
    return `step ${step} · token ${run.ids[step]} ${JSON.stringify(token.piece)} · ${token.source} model · router score ${fmtScore(run.scores[step]!)}${tau}`;
  }

  private compare(side: Side, outcome: number): void {
    if (!this.shown || !Number.isInteger(outcome) || outcome < 0 || outcome >= this.shown.question.outcomes.length) return;
    this.shown[side] = outcome;
    this.preferred[side] = this.shown.question.outcomes[outcome]!.run;
    this.renderCompare();
  }

  /**
   * B by default: the first selected router run (not a baseline) whose transcript differs from
   * A's, else the first selected run that differs, else the first other selected run.
   */
  private defaultB(q: BrowserQuestion, runs: DecodedRun[], a: number, filters: Filters): number {
    const others = q.outcomes.map((_, k) => k).filter((k) => k !== a);
    const selected = others.filter((k) => selectsRun(filters, this.data.runs[q.outcomes[k]!.run]!));
    const differs = selected.filter((k) => firstDifference(runs[k]!.ids, runs[a]!.ids) >= 0);
    const baseline = (k: number) => BASELINE_KINDS.has(this.data.runs[q.outcomes[k]!.run]!.routerKind);
    return differs.find((k) => !baseline(k)) ?? differs[0] ?? selected[0] ?? others[0] ?? a;
  }

  private renderCompare(): void {
    const s = this.shown!;
    const section = this.root.querySelector(".qb-compare")!;
    const options = (selected: number) =>
      s.question.outcomes.map((o, k) => `<option value="${k}"${k === selected ? " selected" : ""}>${esc(runLabel(this.data.runs[o.run]!))}</option>`).join("");
    const ra = s.runs[s.a]!;
    const rb = s.runs[s.b]!;
    const d = firstDifference(ra.ids, rb.ids);
    const wrote = (run: DecodedRun) => {
      const t = run.views[d];
      return t ? `wrote ${esc(JSON.stringify(t.piece))} (token ${run.ids[d]}, ${t.source} model)` : "had stopped";
    };
    const note = d < 0 ? `A and B wrote the same ${ra.ids.length} tokens.` : `First difference at step ${d}: A ${wrote(ra)}, B ${wrote(rb)}.`;
    section.innerHTML = `<h4>Side by side</h4><div class="qb-pick"><label>A <select data-side="a" aria-label="run A">${options(s.a)}</select></label> <label>B <select data-side="b" aria-label="run B">${options(s.b)}</select></label></div>
<p class="qb-diff-note" data-step="${d}" aria-live="polite">${note}</p><div class="qb-sides"></div>`;
    const sides = section.querySelector(".qb-sides")!;
    for (const [side, k] of [["a", s.a], ["b", s.b]] as const) {
      const div = document.createElement("div");
      div.className = "qb-side";
      div.dataset.side = side;
      this.nameRun(div, s.question.outcomes[k]!);
      div.innerHTML = `<div class="qb-run-head"><b>${side.toUpperCase()}</b> ${this.outcomeHtml(s.question.outcomes[k]!)}</div>`;
      div.append(this.textElement(k, d));
      sides.append(div);
    }
  }

  /** Which run an element shows, for scripts and tests: its router and τ as in the results files. */
  private nameRun(el: HTMLElement, o: BrowserOutcome): void {
    const run = this.data.runs[o.run]!;
    el.dataset.router = run.router;
    el.dataset.threshold = String(run.threshold);
  }

  private textElement(outcome: number, diffStep: number): HTMLElement {
    const s = this.shown!;
    const o = s.question.outcomes[outcome]!;
    const el = document.createElement("div");
    el.className = "qb-text";
    el.dataset.o = String(outcome);
    if (o.error !== null) {
      el.classList.add("qb-error");
      el.textContent = `no output: ${o.error}`;
      return el;
    }
    const marked = new MarkedTokens(el, (span, token) => {
      if (token.step === diffStep) span.classList.add("diff");
    });
    for (const token of s.runs[outcome]!.views) {
      if (token.piece === "" && token.step === diffStep) marked.pushEmpty(token);
      else marked.push(token);
    }
    marked.end();
    return el;
  }

  private headHtml(q: BrowserQuestion): string {
    const folder = this.data.folders.length > 1 ? ` · ${esc(this.data.folders[q.folder]!)}` : "";
    const run = this.data.runs[q.outcomes[0]!.run]!;
    const prompt = q.prompt === null ? `<p class="qb-missing">The prompt is not in these results (written before tlr recorded prompts; ${q.promptTokens} tokens).</p>` : `<pre class="qb-prompt">${esc(q.prompt)}</pre>`;
    return `<h3>Question #${q.index} · ${esc(q.id)}</h3>
<p class="qb-meta">${esc(q.dataset)} (${esc(run.split)}, ${esc(run.task)}) · pair ${esc(q.pair)}${folder} · prompt ${q.promptTokens} tokens · gold answer <b class="qb-gold">${esc(q.gold ?? "none")}</b></p>
<details open><summary>Prompt</summary>${prompt}</details>`;
  }

  private outcomeHtml(o: BrowserOutcome): string {
    const verdict = o.error !== null ? `<span class="v err">! error</span>` : o.correct ? `<span class="v ok">✓ correct</span>` : `<span class="v bad">✗ wrong</span>`;
    const answer = o.error !== null ? "" : ` answer <b>${esc(o.extracted ?? "none")}</b> <span class="qb-rule">(rule ${esc(o.rule)})</span>`;
    const upload = o.tokens ? ` (${pct(o.largeTokens / o.tokens)})` : "";
    return `<span class="qb-label">${esc(runLabel(this.data.runs[o.run]!))}</span> ${verdict}${answer} <span class="qb-figs">· ${o.tokens} tokens · ${o.largeTokens} from the large model${upload} · ${o.largeCalls} calls · ${o.bytesUp} B up · ${duration(o.totalMs)} simulated · stop ${esc(o.stopReason)}</span>`;
  }
}

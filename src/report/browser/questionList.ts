import type {BrowserData} from "../browserTypes.ts";
import {selectedOutcomes, showsQuestion, type Filters} from "./filters.ts";
import {esc, runLabel} from "./format.ts";

/**
 * The questions the filters let through, as a listbox: one row per question with its index, id,
 * gold answer and a cell per selected run (✓ correct, ✗ wrong, ! error: symbols as well as
 * colours). One row is active; the detail shows it.
 */
export class QuestionList {
  /** Question indices listed, in order. */
  visible: number[] = [];
  private active = -1;

  constructor(
    private readonly root: HTMLElement,
    private readonly data: BrowserData,
    private readonly onSelect: (question: number | undefined) => void,
  ) {
    root.addEventListener("click", (event) => {
      const item = (event.target as Element).closest?.("[data-q]") as HTMLElement | null;
      if (item) this.select(this.visible.indexOf(Number(item.dataset.q)));
    });
    root.addEventListener("keydown", (event) => {
      const page = Math.max(1, Math.floor(root.clientHeight / 28));
      const moves: Record<string, number> = {ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page};
      if (event.key in moves) this.move(moves[event.key]!);
      else if (event.key === "Home") this.select(0);
      else if (event.key === "End") this.select(this.visible.length - 1);
      else return;
      event.preventDefault();
    });
  }

  /** Lists the questions the filters let through; the active question stays active if it still is listed. */
  render(filters: Filters): void {
    const current = this.visible[this.active];
    this.visible = this.data.questions.map((_, i) => i).filter((i) => showsQuestion(this.data, filters, this.data.questions[i]!));
    const several = new Set(this.data.questions.map((q) => `${q.folder}|${q.dataset}|${q.pair}`)).size > 1;
    this.root.innerHTML = this.visible
      .map((i) => {
        const q = this.data.questions[i]!;
        const cells = selectedOutcomes(this.data, filters, q)
          .map((o) => {
            const [cls, mark] = o.error !== null ? ["err", "!"] : o.correct ? ["ok", "✓"] : ["bad", "✗"];
            return `<span class="c ${cls}" title="${esc(`${runLabel(this.data.runs[o.run]!)}: ${o.error ?? o.extracted ?? "no answer"}`)}">${mark}</span>`;
          })
          .join("");
        const where = several ? `<span class="qb-where">${esc(`${q.dataset} · ${q.pair}${this.data.folders.length > 1 ? ` · ${this.data.folders[q.folder]}` : ""}`)}</span>` : "";
        return `<div role="option" id="qb-item-${i}" class="qb-item" data-q="${i}" aria-selected="false"><span class="qb-qid">#${q.index} ${esc(q.id)}</span> <span class="qb-gold">gold ${esc(q.gold ?? "none")}</span>${where}<span class="qb-strip">${cells}</span></div>`;
      })
      .join("");
    const keep = current === undefined ? -1 : this.visible.indexOf(current);
    this.active = -1;
    this.select(keep >= 0 ? keep : 0);
  }

  move(delta: number): void {
    if (this.visible.length > 0) this.select(Math.min(this.visible.length - 1, Math.max(0, this.active + delta)));
  }

  private select(position: number): void {
    const question = this.visible[position];
    if (question === undefined) {
      this.active = -1;
      this.root.removeAttribute("aria-activedescendant");
      this.onSelect(undefined);
      return;
    }
    if (position === this.active) return;
    this.root.querySelector(`[aria-selected="true"]`)?.setAttribute("aria-selected", "false");
    const item = this.root.querySelector(`#qb-item-${question}`)!;
    item.setAttribute("aria-selected", "true");
    this.root.setAttribute("aria-activedescendant", item.id);
    item.scrollIntoView({block: "nearest"});
    this.active = position;
    this.onSelect(question);
  }
}

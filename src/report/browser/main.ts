// The report's question browser: every question of the results with each run's tokens, from the
// data reportHtml embeds (browserData.ts). Filters, a question list, the question's runs and two
// of them side by side; keyboard first.
import type {BrowserDataWire} from "../browserTypes.ts";
import {unpackBrowserData} from "../browserWire.ts";
import {OUTCOMES, type Filters} from "./filters.ts";
import {esc, fmtScore} from "./format.ts";
import {QuestionDetail} from "./questionDetail.ts";
import {QuestionList} from "./questionList.ts";
import {tokenTooltip} from "./tooltip.ts";

performance.mark("tlr-questions-start");
const section = document.getElementById("questions")!;
const data = unpackBrowserData(JSON.parse(document.getElementById("tlr-questions")!.textContent!) as BrowserDataWire);
const form = section.querySelector("form.qb-filters") as HTMLFormElement;
const field = <T extends HTMLElement>(name: string) => form.elements.namedItem(name) as T;
const detail = new QuestionDetail(section.querySelector(".qb-detail")!, data);

let filters = readFilters();
const list = new QuestionList(section.querySelector(".qb-list")!, data, (q) => {
  if (q === undefined) detail.clear();
  else void detail.show(q, filters);
});

const distinct = <T>(xs: T[]) => [...new Set(xs)];
function fill(name: string, values: [string, string][], anyLabel = "all"): void {
  const select = field<HTMLSelectElement>(name);
  const old = select.value;
  const options: [string, string][] = [["", anyLabel], ...values];
  select.innerHTML = options.map(([v, label]) => `<option value="${esc(v)}">${esc(label)}</option>`).join("");
  select.value = values.some(([v]) => v === old) ? old : "";
}

function fillThresholds(): void {
  const f = readFilters();
  const taus = distinct(data.runs.filter((r) => f.router === "" || r.router === f.router).map((r) => r.threshold)).sort((a, b) => a - b);
  fill("threshold", taus.map((t) => [String(t), fmtScore(t)]));
}

function readFilters(): Filters {
  const value = (name: string) => field<HTMLInputElement | HTMLSelectElement>(name).value;
  return {
    folder: value("folder"),
    dataset: value("dataset"),
    pair: value("pair"),
    router: value("router"),
    threshold: value("threshold"),
    outcome: value("outcome") as Filters["outcome"],
    search: value("search"),
  };
}

function update(): void {
  filters = readFilters();
  list.render(filters);
  const count = section.querySelector(".qb-count")!;
  count.textContent = `${list.visible.length} of ${data.questions.length} questions`;
}

fill("folder", data.folders.map((f, i) => [String(i), f]));
(section.querySelector(".qb-folder") as HTMLElement).hidden = data.folders.length < 2;
fill("dataset", distinct(data.runs.map((r) => r.dataset)).map((d) => [d, d]));
fill("pair", distinct(data.runs.map((r) => r.pair)).map((p) => [p, p]));
fill("router", distinct(data.runs.map((r) => r.router)).map((r) => [r, r]));
fillThresholds();
field<HTMLSelectElement>("outcome").innerHTML = OUTCOMES.map(([v, label]) => `<option value="${v}">${esc(label)}</option>`).join("");

form.addEventListener("input", (event) => {
  const target = event.target as HTMLInputElement;
  if (target.name === "brackets") section.classList.toggle("qb-brackets", target.checked);
  else {
    if (target.name === "router") fillThresholds();
    update();
  }
});
form.addEventListener("submit", (event) => event.preventDefault());

tokenTooltip(section, section.querySelector(".qb-tip")!, (span) => detail.describeToken(span));

// Keys anywhere on the page except while typing in a field; arrows belong to the focused list.
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target as HTMLElement;
  if (target.closest("input, textarea, select")) {
    if (event.key === "Escape") target.blur();
    return;
  }
  const brackets = field<HTMLInputElement>("brackets");
  const actions: Record<string, () => void> = {
    "/": () => field<HTMLInputElement>("search").focus(),
    j: () => list.move(1),
    k: () => list.move(-1),
    a: () => detail.cycle("a", 1),
    A: () => detail.cycle("a", -1),
    s: () => detail.cycle("b", 1),
    S: () => detail.cycle("b", -1),
    d: () => detail.jumpToDifference(),
    m: () => {
      brackets.checked = !brackets.checked;
      section.classList.toggle("qb-brackets", brackets.checked);
    },
  };
  const action = actions[event.key];
  if (!action) return;
  event.preventDefault();
  action();
});

update();
section.dataset.ready = "1";
performance.mark("tlr-questions-ready");

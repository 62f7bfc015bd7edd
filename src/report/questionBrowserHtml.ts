import {fileURLToPath} from "node:url";
import {scriptJson} from "../util/escapeHtml.ts";
import {browserBundle} from "./browserBundle.ts";
import type {BrowserData} from "./browserTypes.ts";
import {packBrowserData} from "./browserWire.ts";
import {TOKEN_CSS} from "./tokenStyle.ts";

const SCRIPT = fileURLToPath(new URL("./browser/main.ts", import.meta.url));

const STYLE = `${TOKEN_CSS}
.qb-filters { display: flex; flex-wrap: wrap; gap: 0.4em 1em; align-items: center; font-size: 0.9em; margin: 0.5em 0 1em; }
.qb-filters select, .qb-filters input { font: inherit; }
.qb-panes { display: grid; grid-template-columns: minmax(16em, 24em) 1fr; gap: 1.2em; align-items: start; }
.qb-list { max-height: 80vh; overflow: auto; border: 1px solid #ccc; font-size: 0.85em; }
.qb-list:focus { outline: 2px solid #1a56a0; }
.qb-item { padding: 0.25em 0.5em; border-left: 4px solid transparent; cursor: pointer; display: flex; flex-wrap: wrap; gap: 0 0.5em; }
.qb-item[aria-selected="true"] { background: #dce7f5; border-left-color: #1a56a0; }
.qb-gold, .qb-where { color: #555; } .qb-strip { letter-spacing: 0.1em; font-weight: bold; }
.qb-detail h3 { margin-top: 0; } .qb-meta { color: #444; font-size: 0.9em; }
.qb-prompt, .qb-text { white-space: pre-wrap; font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.88em; line-height: 1.55; }
.qb-prompt { background: #f7f7f7; padding: 0.6em; margin: 0.3em 0; max-height: none; }
.qb-text { padding: 0.4em 0.6em; border: 1px solid #e2e2e2; border-radius: 3px; }
.qb-sides { display: grid; grid-template-columns: 1fr 1fr; gap: 0.8em; }
.qb-run { margin: 0.8em 0; } .qb-run-head { font-size: 0.85em; margin-bottom: 0.2em; }
.qb-run-head button { font-size: 0.8em; margin-left: 0.2em; }
.qb-figs, .qb-rule { color: #555; } .qb-diff-note { font-size: 0.9em; }
.qb-error, .qb-missing { color: #5b2c83; }
.qb-tip { position: fixed; z-index: 10; background: #222; color: #fff; padding: 0.3em 0.5em; border-radius: 3px; font-size: 0.8em; pointer-events: none; max-width: 40em; }
kbd { border: 1px solid #bbb; border-radius: 3px; padding: 0 0.25em; font-size: 0.85em; background: #f7f7f7; }
`;

/**
 * The report's question browser: a section whose script (browser/main.ts, bundled) builds the
 * filters, the question list and a question's runs from the embedded data. The data's token
 * rows stay packed until a question is opened.
 */
export function questionBrowserHtml(data: BrowserData): string {
  const tokens = data.questions.reduce((n, q) => n + q.outcomes.reduce((m, o) => m + o.tokens, 0), 0);
  return `<section id="questions" class="qb" aria-labelledby="questions-title">
<style>${STYLE}</style>
<h2 id="questions-title">Questions</h2>
<p>Every question of the results (${data.questions.length} questions, ${data.runs.length} runs, ${tokens} tokens): each run's text with <span class="legend-lg">the large model's tokens marked</span> as <code>tlr generate</code> marks them (hover a token for its router score), the extracted answer and its rule, and two runs side by side with the first token where they part <span class="t diff">outlined</span>.
Keys: <kbd>↑</kbd>/<kbd>↓</kbd> in the list or <kbd>j</kbd>/<kbd>k</kbd> anywhere move between questions, <kbd>/</kbd> searches, <kbd>a</kbd>/<kbd>s</kbd> (with <kbd>Shift</kbd>: back) change the runs compared as A/B, <kbd>d</kbd> shows their first difference, <kbd>m</kbd> shows [brackets] around marked tokens.</p>
<form class="qb-filters">
<label class="qb-folder">folder <select name="folder"></select></label>
<label>dataset <select name="dataset"></select></label>
<label>pair <select name="pair"></select></label>
<label>router <select name="router"></select></label>
<label>τ <select name="threshold"></select></label>
<label>outcome <select name="outcome"></select></label>
<label>search <input name="search" type="search" placeholder="id, #index or prompt text" size="18"></label>
<label><input type="checkbox" name="brackets"> [brackets]</label>
<output class="qb-count" aria-live="polite"></output>
</form>
<div class="qb-panes">
<div class="qb-list" role="listbox" tabindex="0" aria-label="questions"></div>
<div class="qb-detail" aria-label="the question"></div>
</div>
<div class="qb-tip" role="tooltip" hidden></div>
<script type="application/json" id="tlr-questions">${scriptJson(packBrowserData(data))}</script>
<script>${browserBundle(SCRIPT)}</script>
</section>`;
}

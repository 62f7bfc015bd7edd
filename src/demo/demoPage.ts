import {fileURLToPath} from "node:url";
import {browserBundle} from "../report/browserBundle.ts";
import {TOKEN_CSS} from "../report/tokenStyle.ts";
import {escapeHtml} from "../util/escapeHtml.ts";

const SCRIPT = fileURLToPath(new URL("./browser/main.ts", import.meta.url));

const STYLE = `${TOKEN_CSS}
[hidden] { display: none !important; }
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 1.5em auto; max-width: 1100px; padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; } .pair { color: #444; margin-top: 0; }
form { display: grid; gap: 0.6em; } fieldset { display: flex; flex-wrap: wrap; gap: 0.5em 1.2em; border: 1px solid #ccc; }
label { font-size: 0.9em; } input, select, textarea, button { font: inherit; }
textarea { width: 100%; box-sizing: border-box; font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.9em; }
input[type=number] { width: 7em; } .buttons { display: flex; gap: 0.8em; align-items: center; }
button { padding: 0.3em 1em; } kbd { border: 1px solid #bbb; border-radius: 3px; padding: 0 0.25em; font-size: 0.8em; background: #f7f7f7; }
.answer { white-space: pre-wrap; font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; line-height: 1.6; min-height: 4em; border: 1px solid #ccc; padding: 0.6em; border-radius: 3px; }
#status { color: #444; min-height: 1.2em; } #status.error { color: #5b2c83; font-weight: bold; }
dl.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(11em, 1fr)); gap: 0.4em 1em; }
dl.figures div { border-left: 3px solid #1a56a0; padding-left: 0.5em; } dt { font-size: 0.8em; color: #555; } dd { margin: 0; font-size: 1.15em; font-variant-numeric: tabular-nums; }
.qb-tip { position: fixed; z-index: 10; background: #222; color: #fff; padding: 0.3em 0.5em; border-radius: 3px; font-size: 0.8em; pointer-events: none; }
`;

const FIGURES: [string, string][] = [
  ["tokens", "tokens"],
  ["large", "from the large model"],
  ["upload", "upload fraction"],
  ["calls", "large-model calls"],
  ["ttft", "TTFT"],
  ["tbt", "TBT"],
  ["small", "SLM time"],
  ["llm", "LLM time"],
  ["network", "network time (simulated)"],
  ["total", "overall (simulated)"],
  ["bytesUp", "bytes up"],
  ["bytesDown", "bytes down"],
  ["wall", "wall time"],
];

/**
 * The demo's page: self-contained (its script bundled in, nothing fetched but the demo's own
 * API), so it works offline. It holds no data: the pair, routers and questions come from
 * GET /api/info once the token is known.
 */
export function demoPage(pairName: string): string {
  const figures = FIGURES.map(([k, label]) => `<div><dt>${label}</dt><dd data-figure="${k}">–</dd></div>`).join("");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>tlr demo: ${escapeHtml(pairName)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>tlr demo</h1>
<p class="pair" id="pair">${escapeHtml(pairName)}</p>
<form id="auth" hidden><label>This demo needs its token: <input name="token" type="password" autocomplete="off"></label> <button>connect</button></form>
<form id="demo">
<label id="pick" hidden>question <select name="question"><option value="">(your own prompt)</option></select></label>
<label>prompt<textarea name="prompt" rows="9" spellcheck="false"></textarea></label>
<fieldset><legend>routing</legend>
<label>router <select name="router"></select></label>
<label>τ <input name="threshold" type="number" step="any"></label>
<label>policy <select name="policy"></select></label><span id="policy-parameters"></span><label id="optimistic" hidden><input type="checkbox" name="optimistic"> optimistic continuation</label>
<label>max tokens <input name="maxTokens" type="number" min="1" step="1"></label>
</fieldset>
<fieldset><legend>simulated network</legend>
<label>RTT (ms) <input name="rttMs" type="number" min="0" step="any"></label>
<label>up (Mbit/s) <input name="upMbps" type="number" min="0" step="any"></label>
<label>down (Mbit/s) <input name="downMbps" type="number" min="0" step="any"></label>
<label>pace <select name="pace"><option value="clock">the simulated clock</option><option value="compute">as computed</option></select></label>
</fieldset>
<div class="buttons"><button type="submit" name="go">Generate <kbd>Ctrl+Enter</kbd></button><button type="button" name="stop" disabled>Stop <kbd>Esc</kbd></button>
<label><input type="checkbox" name="brackets"> [brackets] around <span class="legend-lg">large-model tokens</span></label></div>
</form>
<p id="status" role="status" aria-live="polite"></p>
<div id="answer" class="answer" aria-label="the answer, large-model tokens marked"></div>
<p id="verdict"></p>
<dl class="figures">${figures}</dl>
<div class="qb-tip" role="tooltip" hidden></div>
<script>${browserBundle(SCRIPT)}</script>
</body>
</html>
`;
}

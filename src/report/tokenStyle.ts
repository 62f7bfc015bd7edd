/**
 * How pages mark the large model's tokens (the report's question browser and the demo page):
 * a background and a solid underline, never colour alone, and in colours that stay apart for
 * red-green colour blindness (orange marks; blue, orange and purple verdicts, each with its
 * symbol). `.qb-brackets` / `.brackets` on an ancestor also shows `[` `]` around each mark, as
 * `tlr generate` prints them when piped.
 */
export const TOKEN_CSS = `
.lg { background: #fde3c2; border-bottom: 2px solid #b35900; border-radius: 2px; }
.br { display: none; color: #b35900; font-weight: bold; }
.brackets .br, .qb-brackets .br { display: inline; }
.t.diff { outline: 2px solid #5b2c83; outline-offset: 1px; background: #e4d7f0; }
.t.empty::after { content: "⟨end⟩"; color: #5b2c83; font-size: 0.8em; }
.v.ok, .c.ok { color: #1a56a0; } .v.bad, .c.bad { color: #a64400; } .v.err, .c.err { color: #5b2c83; }
.legend-lg { background: #fde3c2; border-bottom: 2px solid #b35900; padding: 0 0.2em; }
`;

import type {BrowserData, BrowserDataWire, BrowserOutcome, OutcomeTuple} from "./browserTypes.ts";

/**
 * The question browser's data as the report embeds it: outcomes as tuples and their repeated
 * strings (extraction rules, stop reasons) as indices. As objects the quickstart's 2,800 outcomes
 * take ~600 KB of JSON, as tuples about a quarter. Pure: the report packs, the page unpacks.
 */
export function packBrowserData(data: BrowserData): BrowserDataWire {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const intern = (s: string): number => {
    let i = index.get(s);
    if (i === undefined) {
      i = strings.length;
      index.set(s, i);
      strings.push(s);
    }
    return i;
  };
  const tuple = (o: BrowserOutcome): OutcomeTuple => [
    o.run,
    o.extracted,
    intern(o.rule),
    o.correct ? 1 : 0,
    o.error,
    o.tokens,
    o.largeTokens,
    o.largeCalls,
    o.bytesUp,
    Math.round(o.totalMs * 100) / 100, // shown to 0.1 ms
    intern(o.stopReason),
  ];
  return {...data, strings, questions: data.questions.map((q) => ({...q, outcomes: q.outcomes.map(tuple)}))};
}

export function unpackBrowserData(wire: BrowserDataWire): BrowserData {
  const {strings, ...rest} = wire;
  const outcome = ([run, extracted, rule, correct, error, tokens, largeTokens, largeCalls, bytesUp, totalMs, stopReason]: OutcomeTuple): BrowserOutcome => ({
    run,
    extracted,
    rule: strings[rule]!,
    correct: correct === 1,
    error,
    tokens,
    largeTokens,
    largeCalls,
    bytesUp,
    totalMs,
    stopReason: strings[stopReason]!,
  });
  return {...rest, questions: wire.questions.map((q) => ({...q, outcomes: q.outcomes.map(outcome)}))};
}

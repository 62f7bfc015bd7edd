import {buildSync} from "esbuild";

const cache = new Map<string, string>();

/**
 * A page script: the TypeScript entry file bundled with what it imports into one minified
 * script for `<script>` (cached per process). esbuild bundles at run time because this package
 * runs its TypeScript sources without a build step; the pages' code is typed, checked by
 * `npm run typecheck` (tsconfig.browser.json) and shares modules with the library, e.g. the
 * `TokenMarker` that `tlr generate` marks large-model tokens with.
 */
export function browserBundle(entry: string): string {
  let js = cache.get(entry);
  if (js === undefined) {
    const result = buildSync({entryPoints: [entry], bundle: true, write: false, format: "iife", platform: "browser", target: "es2022", minify: true, legalComments: "none", charset: "utf8", logLevel: "silent"});
    // "</script" cannot occur in the output outside a string; escaping it keeps that safe.
    js = result.outputFiles[0]!.text.replace(/<\/script/gi, "<\\/script");
    cache.set(entry, js);
  }
  return js;
}

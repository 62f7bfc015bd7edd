import {existsSync} from "node:fs";
import {chromium, type Browser} from "playwright-core";

/** Debian's chromium (apt package `chromium`; .ci/run installs it). Never a downloaded browser. */
export const CHROMIUM = process.env.TLR_CHROMIUM ?? "/usr/bin/chromium";

/**
 * Launches the real headless Chromium with the flags this machine needs (no sandbox as root, no
 * GPU, no background connections to Google's hosts). A missing browser fails the test: no skip.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) or set TLR_CHROMIUM`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

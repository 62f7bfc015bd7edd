#!/usr/bin/env node
// Adds lockfile entries for optional platform-binary packages (node-llama-cpp's, nodejs-polars'…)
// that this registry mirror lacks. npm leaves such packages out of package-lock.json and then
// `npm ci` refuses the lock ("Missing: @node-llama-cpp/mac-x64@ from lock file"). The entries are
// optional and restricted to their os/cpu (read off the package name), so npm skips them on every
// other platform and installs them from the registry on their own.
// Run after `npm install` of a new dependency: node scripts/complete-lockfile.mjs
import {readFileSync, writeFileSync} from "node:fs";

const OS = {linux: "linux", darwin: "darwin", mac: "darwin", win32: "win32", win: "win32", android: "android", freebsd: "freebsd"};
const CPU = {x64: "x64", arm64: "arm64", arm: "arm", armv7l: "arm", ia32: "ia32", riscv64: "riscv64", s390x: "s390x", ppc64: "ppc64"};

function platformOf(name) {
  const words = name.split("/").pop().split("-");
  const os = words.map((w) => OS[w]).find(Boolean);
  const cpu = words.map((w) => CPU[w]).find(Boolean);
  if (!os || !cpu) return undefined;
  const libc = words.includes("musl") ? "musl" : os === "linux" ? "glibc" : undefined;
  return {os, cpu, libc};
}

const lock = JSON.parse(readFileSync("package-lock.json", "utf8"));
let added = 0;
for (const [path, pkg] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(pkg.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (lock.packages[key] || lock.packages[`${path}/${key}`]) continue;
    const platform = platformOf(name);
    if (!platform) throw new Error(`${name} (optional dependency of ${path || "the project"}) is missing from the lockfile and its platform cannot be read off its name`);
    lock.packages[key] = {
      version: String(version).replace(/^[\^~=]/, ""),
      cpu: [platform.cpu],
      optional: true,
      os: [platform.os],
      ...(platform.libc ? {libc: [platform.libc]} : {}),
    };
    added++;
  }
}
const [root, ...rest] = Object.entries(lock.packages);
lock.packages = Object.fromEntries([root, ...rest.sort(([a], [b]) => a.localeCompare(b))]);
writeFileSync("package-lock.json", JSON.stringify(lock, null, 2) + "\n");
console.log(`added ${added} lockfile entries`);

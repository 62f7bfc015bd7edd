#!/usr/bin/env node
// Adds lockfile entries for node-llama-cpp's prebuilt-binary packages of other platforms.
// Some registry mirrors lack them; npm then leaves them out of package-lock.json and `npm ci`
// refuses the lock ("Missing: @node-llama-cpp/mac-x64@ from lock file"). The entries are optional
// and platform-restricted, so npm skips them everywhere but on their own platform.
// Run after `npm install` of a new dependency: node scripts/complete-lockfile.mjs
import {readFileSync, writeFileSync} from "node:fs";

const PLATFORMS = {
  "linux-arm64": ["linux", "arm64"], "linux-armv7l": ["linux", "arm"], "linux-riscv64": ["linux", "riscv64"],
  "linux-x64": ["linux", "x64"], "linux-x64-cuda": ["linux", "x64"], "linux-x64-cuda-ext": ["linux", "x64"],
  "linux-x64-vulkan": ["linux", "x64"], "mac-arm64-metal": ["darwin", "arm64"], "mac-x64": ["darwin", "x64"],
  "win-arm64": ["win32", "arm64"], "win-x64": ["win32", "x64"], "win-x64-cuda": ["win32", "x64"],
  "win-x64-cuda-ext": ["win32", "x64"], "win-x64-vulkan": ["win32", "x64"],
};
const lock = JSON.parse(readFileSync("package-lock.json", "utf8"));
const optional = lock.packages["node_modules/node-llama-cpp"]?.optionalDependencies ?? {};
let added = 0;
for (const [name, version] of Object.entries(optional)) {
  const key = `node_modules/${name}`;
  if (lock.packages[key]) continue;
  const platform = PLATFORMS[name.split("/")[1]];
  if (!platform) throw new Error(`unknown platform package ${name}: add it to PLATFORMS`);
  const [os, cpu] = platform;
  lock.packages[key] = {version, cpu: [cpu], license: "MIT", optional: true, os: [os], engines: {node: ">=20.0.0"}, ...(os === "linux" ? {libc: ["glibc"]} : {})};
  added++;
}
const [root, ...rest] = Object.entries(lock.packages);
lock.packages = Object.fromEntries([root, ...rest.sort(([a], [b]) => a.localeCompare(b))]);
writeFileSync("package-lock.json", JSON.stringify(lock, null, 2) + "\n");
console.log(`added ${added} lockfile entries`);

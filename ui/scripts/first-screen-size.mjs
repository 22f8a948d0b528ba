// The JavaScript the window loads before its first screen: the entry chunk, what it imports
// statically, and the default section (Environments) with its static imports, from Vite's
// manifest. Prints a JSON line of bytes raw and gzipped (level 9, as a server would send them;
// the window reads them from the app bundle, so this is the size that must be parsed).
// Usage: node scripts/first-screen-size.mjs [dist]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const dist = process.argv[2] ?? "dist";
const manifest = JSON.parse(readFileSync(join(dist, ".vite", "manifest.json"), "utf8"));
const entry = Object.keys(manifest).find((key) => manifest[key].isEntry && key === "index.html");
const section = Object.keys(manifest).find((key) => key.endsWith("EnvironmentsSection.tsx"));
if (!entry || !section) throw new Error("the manifest lacks index.html or the Environments section");

const loaded = new Set();
const visit = (key) => {
  if (loaded.has(key)) return;
  loaded.add(key);
  for (const next of manifest[key].imports ?? []) visit(next);
};
visit(entry);
visit(section);

let raw = 0;
let gzipped = 0;
for (const key of loaded) {
  const bytes = readFileSync(join(dist, manifest[key].file));
  raw += bytes.length;
  gzipped += gzipSync(bytes, { level: 9 }).length;
}
console.log(JSON.stringify({ chunks: loaded.size, raw, gzipped }));

/// <reference types="node" />
// (Node's types for this test's file read only; the app itself never reaches for Node.)
// Text contrast in both themes, from the design tokens themselves (jsdom has no layout, so axe
// cannot measure it): every pair of text colour and the backgrounds it is drawn on meets WCAG AA
// (4.5:1 for body text).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// Read from disk: vitest hands CSS imports to the page as empty modules. Tests run from ui/.
const css = readFileSync("src/styles/theme.css", "utf8");

/** The tokens of one theme: light is `:root` plus `[data-theme="light"]`, dark overrides them. */
function tokens(theme: "light" | "dark"): Map<string, string> {
  const found = new Map<string, string>();
  for (const block of css.matchAll(/([^{}]+)\{([^}]*)\}/g)) {
    const selector = block[1] ?? "";
    const applies = theme === "light" ? selector.includes('"light"') : selector.includes('"dark"');
    if (!applies) continue;
    for (const decl of (block[2] ?? "").matchAll(/--([\w-]+):\s*(#[0-9a-fA-F]{6})/g)) found.set(decl[1] ?? "", decl[2] ?? "");
  }
  return found;
}

function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

function ratio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** Text colour → the backgrounds it is drawn on. */
const PAIRS: [string, string[]][] = [
  ["text", ["bg", "surface", "surface-2"]],
  ["text-muted", ["bg", "surface", "surface-2"]],
  ["accent", ["bg", "surface"]],
  ["accent-contrast", ["accent"]],
  ["danger", ["surface", "danger-soft"]],
  ["ok", ["surface", "ok-soft"]],
  ["warn", ["surface", "warn-soft"]],
  ["sidebar-text", ["sidebar"]],
  ["sidebar-text-strong", ["sidebar"]],
];

describe("text contrast", () => {
  for (const theme of ["light", "dark"] as const) {
    it(`meets WCAG AA in the ${theme} theme`, () => {
      const t = tokens(theme);
      const failing: string[] = [];
      for (const [fg, backgrounds] of PAIRS) {
        for (const bg of backgrounds) {
          const [f, b] = [t.get(fg), t.get(bg)];
          expect(f && b, `${fg} on ${bg}`).toBeTruthy();
          const r = ratio(f ?? "#000000", b ?? "#000000");
          if (r < 4.5) failing.push(`${fg} on ${bg}: ${r.toFixed(2)}`);
        }
      }
      expect(failing).toEqual([]);
    });
  }
});

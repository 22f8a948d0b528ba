// axe-core's checks on what is rendered now. Colour contrast needs real layout, which jsdom does
// not do: it is checked against the theme's colours elsewhere (docs/development.md).
import axe from "axe-core";
import { expect } from "vitest";

export async function expectAccessible(what: string) {
  const results = await axe.run(document.body, { rules: { "color-contrast": { enabled: false } } });
  const found = results.violations.map((v) => `${what}: ${v.id} — ${v.help} (${v.nodes.map((n) => n.html.slice(0, 100)).join(" | ")})`);
  expect(found).toEqual([]);
}

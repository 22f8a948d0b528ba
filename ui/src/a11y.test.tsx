import { screen, within } from "@testing-library/react";
import { describe, it } from "vitest";
import { SECTIONS } from "./sections";
import { expectAccessible } from "./test/a11y";
import { LOCAL, list } from "./test/fixtures";
import { setup } from "./test/renderApp";

describe("accessibility", () => {
  it("every section passes axe-core", { timeout: 60_000 }, async () => {
    const { user } = setup({ list_environments: () => list([LOCAL], "local") });
    const nav = await screen.findByRole("navigation", { name: "Sections" });
    for (const section of SECTIONS) {
      await user.click(within(nav).getByRole("button", { name: new RegExp(`^${section.title}`) }));
      await screen.findByRole("heading", { level: 1, name: section.title });
      await expectAccessible(section.id);
    }
  });
});

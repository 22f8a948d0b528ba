import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ViewStateProvider } from "../viewState";
import { DataTable, type Column } from "./DataTable";

interface Row {
  id: number;
  name: string;
}

const COLUMNS: Column<Row>[] = [
  { key: "id", header: "Id", text: (r) => String(r.id) },
  { key: "name", header: "Name", text: (r) => r.name },
];

const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i + 1, name: `row ${String(i + 1)}` }));

function table(props: Partial<Parameters<typeof DataTable<Row>>[0]> & { rows: Row[] }) {
  return render(
    <ViewStateProvider initial={{}}>
      <DataTable<Row> id="t" label="Things" columns={COLUMNS} rowKey={(r) => String(r.id)} {...props} />
    </ViewStateProvider>,
  );
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("DataTable", () => {
  it("sorts by a column, numbers as numbers, and back", async () => {
    const user = userEvent.setup();
    table({ rows: [{ id: 10, name: "b" }, { id: 9, name: "a" }, { id: 100, name: "c" }] });
    const ids = () => screen.getAllByRole("row").slice(1).map((r) => within(r).getAllByRole("cell")[0]?.textContent);
    expect(ids()).toEqual(["10", "9", "100"]);
    await user.click(screen.getByRole("button", { name: "Id" }));
    expect(ids()).toEqual(["9", "10", "100"]);
    expect(screen.getByRole("columnheader", { name: /Id/ })).toHaveAttribute("aria-sort", "ascending");
    await user.click(screen.getByRole("button", { name: "Id" }));
    expect(ids()).toEqual(["100", "10", "9"]);
  });

  it("puts only the rows in view in the page, and asks for the next page at the end", () => {
    // A laid-out scroller 600 px high (jsdom lays nothing out).
    vi.spyOn(HTMLElement.prototype, "clientHeight", "get").mockReturnValue(600);
    vi.spyOn(HTMLElement.prototype, "clientWidth", "get").mockReturnValue(800);
    const more = vi.fn();
    table({ rows: rows(10_000), onLoadMore: more, hasMore: true });
    const shown = screen.getAllByRole("row").length - 1;
    expect(shown).toBeGreaterThan(10);
    expect(shown).toBeLessThan(100);
    expect(screen.getByRole("table")).toHaveAttribute("aria-rowcount", "10001");
    expect(more).not.toHaveBeenCalled();
    const few = rows(3);
    const second = render(
      <ViewStateProvider initial={{}}>
        <DataTable<Row> id="u" label="Few" columns={COLUMNS} rows={few} rowKey={(r) => String(r.id)} onLoadMore={more} hasMore />
      </ViewStateProvider>,
    );
    expect(within(second.container).getAllByRole("row")).toHaveLength(4);
    expect(more).toHaveBeenCalled();
  });

  it("copies a focused cell with Ctrl+C and a row as JSON", async () => {
    const user = userEvent.setup();
    const writeText = vi.spyOn(navigator.clipboard, "writeText").mockResolvedValue();
    table({ rows: rows(2) });
    const cell = screen.getByRole("cell", { name: "row 2" });
    cell.focus();
    await user.keyboard("{Control>}c{/Control}");
    expect(writeText).toHaveBeenLastCalledWith("row 2");
    await user.click(screen.getAllByRole("button", { name: "Copy row as JSON" })[0] as HTMLElement);
    expect(writeText).toHaveBeenLastCalledWith('{"id":"1","name":"row 1"}');
  });
});

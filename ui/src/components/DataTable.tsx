import { useVirtualizer } from "@tanstack/react-virtual";
import { ArrowDown, ArrowUp, Copy } from "lucide-react";
import { useEffect, useRef, type KeyboardEvent, type ReactNode } from "react";
import { copyText } from "../errors";
import "./DataTable.css";
import { useViewState } from "../viewState";

export interface Column<R> {
  key: string;
  header: string;
  /** The cell's text: what is shown (unless `render`), sorted on and copied. */
  text: (row: R) => string;
  render?: (row: R) => ReactNode;
  /** Initial width in pixels (the operator can resize; the width is remembered). */
  width?: number;
  sortable?: boolean;
  /** The header is for assistive technology only (a narrow column of checkboxes). */
  srOnly?: boolean;
}

export interface Sort {
  key: string;
  descending: boolean;
}

interface Props<R> {
  /** Names the table for assistive technology and keys its remembered sort and widths. */
  id: string;
  label: string;
  columns: Column<R>[];
  rows: R[];
  rowKey: (row: R) => string;
  /** Sorting done by the caller (a keyset query on the server); otherwise rows are sorted here. */
  onSort?: (sort: Sort | null) => void;
  /** Keyset paging: called when the last rows scroll into view and there are more. */
  onLoadMore?: () => void;
  hasMore?: boolean;
  loadingMore?: boolean;
  /** Rows taller than this are clipped; rows are virtualised at this height. */
  rowHeight?: number;
  /** `data-*` attributes of a row (for styling by state, and for tests). */
  rowData?: (row: R) => Record<string, string>;
  empty?: ReactNode;
}

/** Below this many rows every row is in the page (cheaper than measuring, and findable). */
const VIRTUAL_FROM = 200;

const isSort = (v: unknown): v is Sort | null =>
  v === null || (typeof v === "object" && typeof (v as Sort).key === "string" && typeof (v as Sort).descending === "boolean");
const isWidths = (v: unknown): v is Record<string, number> => typeof v === "object" && v !== null;

/** A table for many rows: only the rows in view are in the page, columns sort and resize (both
 * remembered), the end of the list asks for the next page, and any cell (Ctrl+C on a focused
 * cell) or row (as JSON) can be copied. */
export function DataTable<R>({ id, label, columns, rows, rowKey, onSort, onLoadMore, hasMore, loadingMore, rowHeight = 34, rowData, empty }: Props<R>) {
  const [sort, setSort] = useViewState<Sort | null>(`table.${id}.sort`, null, isSort);
  const [widths, setWidths] = useViewState<Record<string, number>>(`table.${id}.widths`, {}, isWidths);
  const scroller = useRef<HTMLDivElement>(null);
  const column = sort && columns.find((c) => c.key === sort.key);
  const shown =
    column && !onSort
      ? [...rows].sort((a, b) => {
          const order = column.text(a).localeCompare(column.text(b), undefined, { numeric: true });
          return sort.descending ? -order : order;
        })
      : rows;
  // The virtualizer re-renders this table itself as it scrolls; the React Compiler (not used
  // here) could not memoise around it, which is all this rule warns about.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtual = useVirtualizer({
    count: shown.length,
    enabled: shown.length >= VIRTUAL_FROM,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 12,
    // Before the first measurement (and where nothing is laid out) assume a screenful.
    initialRect: { width: 1000, height: 600 },
  });
  const items =
    shown.length >= VIRTUAL_FROM
      ? virtual.getVirtualItems()
      : shown.map((_, index) => ({ index, start: index * rowHeight, size: rowHeight }));
  const lastIndex = items.at(-1)?.index ?? -1;
  useEffect(() => {
    if (onLoadMore && hasMore && !loadingMore && lastIndex >= shown.length - 5) onLoadMore();
  }, [lastIndex, shown.length, hasMore, loadingMore, onLoadMore]);

  const toggle = (key: string) => {
    const next: Sort | null = sort?.key !== key ? { key, descending: false } : sort.descending ? null : { key, descending: true };
    setSort(next);
    onSort?.(next);
  };
  const template = columns.map((c) => `${String(widths[c.key] ?? c.width ?? 160)}px`).join(" ") + " 40px";
  const startResize = (key: string, startX: number, startWidth: number) => {
    const move = (e: MouseEvent) => {
      setWidths({ ...widths, [key]: Math.max(60, startWidth + e.clientX - startX) });
    };
    const up = () => {
      window.removeEventListener("mousemove", move);
      window.removeEventListener("mouseup", up);
    };
    window.addEventListener("mousemove", move);
    window.addEventListener("mouseup", up);
  };
  const copyCell = (e: KeyboardEvent<HTMLDivElement>, text: string) => {
    if ((e.ctrlKey || e.metaKey) && e.key === "c") {
      e.preventDefault();
      void copyText(text);
    }
  };
  return (
    <div className="data-table" role="table" aria-label={label} aria-rowcount={shown.length + 1} data-table={id}>
      <div className="data-table__row data-table__head" role="row" style={{ gridTemplateColumns: template }}>
        {columns.map((c) => (
          <div key={c.key} role="columnheader" className="data-table__header" aria-sort={sort?.key === c.key ? (sort.descending ? "descending" : "ascending") : undefined}>
            {c.srOnly ? (
              <span className="visually-hidden">{c.header}</span>
            ) : c.sortable === false ? (
              c.header
            ) : (
              <button
                type="button"
                className="data-table__sort"
                onClick={() => toggle(c.key)}
              >
                {c.header}
                {sort?.key === c.key && (sort.descending ? <ArrowDown size={12} aria-hidden /> : <ArrowUp size={12} aria-hidden />)}
              </button>
            )}
            <span
              className="data-table__resize"
              aria-hidden
              onMouseDown={(e) => {
                e.preventDefault();
                startResize(c.key, e.clientX, widths[c.key] ?? c.width ?? 160);
              }}
            />
          </div>
        ))}
        <div role="columnheader" className="data-table__header">
          <span className="visually-hidden">Copy</span>
        </div>
      </div>
      <div className="data-table__body" ref={scroller}>
        {shown.length === 0 ? (
          <div className="data-table__empty">{empty ?? "Nothing to show."}</div>
        ) : (
          <div style={{ height: shown.length >= VIRTUAL_FROM ? virtual.getTotalSize() : shown.length * rowHeight, position: "relative" }}>
            {items.map((item) => {
              const row = shown[item.index];
              if (row === undefined) return null;
              return (
                <div
                  key={rowKey(row)}
                  {...Object.fromEntries(Object.entries(rowData?.(row) ?? {}).map(([k, v]) => [`data-${k}`, v]))}
                  role="row"
                  aria-rowindex={item.index + 2}
                  className="data-table__row"
                  style={{ gridTemplateColumns: template, position: "absolute", top: 0, left: 0, right: 0, height: item.size, transform: `translateY(${String(item.start)}px)` }}
                >
                  {columns.map((c) => (
                    <div
                      key={c.key}
                      role="cell"
                      tabIndex={0}
                      className="data-table__cell"
                      title={c.text(row)}
                      onKeyDown={(e) => copyCell(e, c.text(row))}
                    >
                      {c.render ? c.render(row) : c.text(row)}
                    </div>
                  ))}
                  <div role="cell" className="data-table__cell">
                    <button
                      type="button"
                      className="icon-button icon-button--small"
                      aria-label="Copy row as JSON"
                      onClick={() => void copyText(JSON.stringify(Object.fromEntries(columns.map((c) => [c.key, c.text(row)]))))}
                    >
                      <Copy size={13} aria-hidden />
                    </button>
                  </div>
                </div>
              );
            })}
          </div>
        )}
        {loadingMore && <div className="data-table__more" aria-busy>Loading more…</div>}
      </div>
    </div>
  );
}

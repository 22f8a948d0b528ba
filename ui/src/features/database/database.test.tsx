import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { Activity, Advice, ObjectNames, Page, SqlOutcome, TableDetail } from "../../backend";
import { expectAccessible } from "../../test/a11y";
import { LOCAL, goTo, list } from "../../test/fixtures";
import { setup } from "../../test/renderApp";

const STAGING = { ...LOCAL, name: "staging", kind: "staging" as const, safety: "protected" as const };

const NAMES: ObjectNames = {
  schemas: [
    { name: "public", exposed: true },
    { name: "audit", exposed: false },
  ],
  tables: [
    { schema: "public", name: "agents", kind: "table", rowEstimate: 1200, totalBytes: 90_000, rls: true, exposedWithoutRls: false },
    { schema: "public", name: "notes", kind: "table", rowEstimate: 3, totalBytes: 8192, rls: false, exposedWithoutRls: true },
    { schema: "audit", name: "events", kind: "table", rowEstimate: 0, totalBytes: 0, rls: false, exposedWithoutRls: false },
  ],
  functions: [{ schema: "public", name: "touch", arguments: "", result: "trigger", kind: "function" }],
  extensions: [{ name: "plpgsql", version: "1.0", schema: "pg_catalog" }],
  roles: [{ name: "postgres", superuser: true, canLogin: true, bypassRls: true }],
};

const NOTES: TableDetail = {
  table: { schema: "public", name: "notes" },
  kind: "table",
  columns: [
    { name: "id", dataType: "text", typeName: "text", nullable: false, default: null, indexed: true },
    { name: "body", dataType: "text", typeName: "text", nullable: true, default: null, indexed: false },
    { name: "api_key", dataType: "text", typeName: "text", nullable: true, default: null, indexed: false },
  ],
  primaryKey: ["id"],
  constraints: [{ name: "notes_pkey", kind: "primary key", columns: ["id"], definition: "PRIMARY KEY (id)" }],
  indexes: [{ name: "notes_pkey", definition: "CREATE UNIQUE INDEX notes_pkey ON public.notes USING btree (id)", bytes: 8192, scans: 4, unique: true, primary: true }],
  foreignKeys: [],
  referencedBy: [],
  triggers: [],
  rls: false,
  policies: [],
  ddl: 'CREATE TABLE "public"."notes" (\n    "id" text NOT NULL\n);\n',
};

const PAGE: Page = {
  table: { schema: "public", name: "notes" },
  kind: "table",
  columns: [
    { name: "id", dataType: "text", typeName: "text", nullable: false, key: true, secret: false },
    { name: "body", dataType: "text", typeName: "text", nullable: true, key: false, secret: false },
    { name: "api_key", dataType: "text", typeName: "text", nullable: true, key: false, secret: true },
  ],
  primaryKey: ["id"],
  rows: [
    { cells: ["a", null, ""], truncated: [], masked: [2], key: ["a"] },
    { cells: ["b", "", null], truncated: [], masked: [], key: ["b"] },
  ],
  paging: "key",
  notes: [],
};

const outcome = (patch: Partial<SqlOutcome>): SqlOutcome => ({
  statement: "SELECT 1",
  classified: { kind: "query", command: "SELECT" },
  columns: [],
  rows: [],
  more: false,
  dropped: 0,
  millis: 3,
  readOnly: false,
  notices: [],
  ...patch,
});

function backend(env = LOCAL) {
  return {
    list_environments: () => list([env], env.name),
    db_names: () => NAMES,
    db_describe: () => NOTES,
    db_completion: () => ({ "public.notes": ["id", "body", "api_key"] }),
    db_page: () => PAGE,
    sql_open: () => ({ readOnly: env.safety !== "open", unlock: env.safety === "open" ? { verdict: "allowed", sentence: "" } : { verdict: "confirm_name", name: env.name, sentence: `Type ${env.name}` } }),
    sql_close: () => null,
    sql_history: () => [],
    sql_snippets: () => [{ name: "broken", sql: "SELECT nope FROM notes" }],
  };
}

describe("database section", () => {
  it("lists every object with the RLS padlock and describes a table on demand", async () => {
    const { user } = setup(backend());
    await goTo(user, "Database");
    const tree = await screen.findByRole("navigation", { name: "Schema objects" });
    expect(await within(tree).findByText("1 table in exposed schemas without row-level security")).toBeInTheDocument();
    const notes = within(tree).getByRole("button", { name: /notes/ });
    expect(notes).toHaveTextContent("no RLS");
    expect(within(tree).getByRole("button", { name: /agents/ })).toContainElement(within(tree).getByLabelText("row-level security on"));
    await user.type(screen.getByLabelText("Search the schema"), "even");
    expect(within(tree).queryByRole("button", { name: /notes/ })).not.toBeInTheDocument();
    expect(within(tree).getByRole("button", { name: /events/ })).toBeInTheDocument();
    await user.clear(screen.getByLabelText("Search the schema"));
    await user.click(within(tree).getByRole("button", { name: /notes/ }));
    const detail = await screen.findByRole("article", { name: "Table notes" });
    expect(within(detail).getByLabelText("Table definition")).toHaveTextContent('CREATE TABLE "public"."notes"');
    await expectAccessible("database schema");
  });

  it("pages rows with NULL, empty and secrets told apart, and stages edits for one reviewed apply", { timeout: 20_000 }, async () => {
    let applied: unknown = null;
    const { user, calls } = setup({
      ...backend(),
      db_edit_plan: () => ({ statements: ["UPDATE \"public\".\"notes\" SET \"body\" = E'new' WHERE \"id\" = E'a' AND \"body\" IS NULL;"], decision: { verdict: "allowed", sentence: "write" } }),
      db_apply_edits: (args) => {
        applied = args;
        return { updated: 1, inserted: 0, deleted: 0 };
      },
    });
    await goTo(user, "Database");
    await user.click(await screen.findByRole("button", { name: /notes/ }));
    await user.click(await screen.findByRole("button", { name: "Browse rows" }));
    const grid = await screen.findByRole("table", { name: "Rows of public.notes" });
    const rowA = within(grid).getByText("a").closest("[role=row]") as HTMLElement;
    expect(within(rowA).getByText("NULL")).toBeInTheDocument();
    expect(within(rowA).getByLabelText("hidden secret")).toBeInTheDocument();
    const rowB = within(grid).getByText("b").closest("[role=row]") as HTMLElement;
    expect(within(rowB).getByText("(empty)")).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Add filter" }));
    await user.selectOptions(screen.getByLabelText("Filter 1 column"), "body");
    await user.selectOptions(screen.getByLabelText("Filter 1 operator"), "is_null");
    await user.click(screen.getByRole("button", { name: "Apply filters" }));
    await waitFor(() => expect(calls.filter((c) => c.command === "db_page").at(-1)?.args.request).toMatchObject({ filters: [{ column: "body", op: "is_null" }] }));

    await user.click(await screen.findByRole("button", { name: "Edit body of row a" }));
    const edit = await screen.findByRole("dialog", { name: "Edit body" });
    expect(within(edit).getByRole("textbox", { name: /^body/ })).toBeDisabled();
    await user.click(within(edit).getByRole("radio", { name: "Value" }));
    await user.type(within(edit).getByRole("textbox", { name: /^body/ }), "new");
    await user.click(screen.getByRole("button", { name: "Stage" }));
    expect(await screen.findByText(/1 change staged/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Review and apply…" }));
    expect(await screen.findByLabelText("Statements to run")).toHaveTextContent("SET \"body\" = E'new'");
    await expectAccessible("staged edits review");
    await user.click(screen.getByRole("button", { name: "Apply" }));
    await waitFor(() => expect(applied).toMatchObject({ edits: { table: { schema: "public", name: "notes" }, changes: [{ change: "update", key: ["a"], old: { body: null }, new: { body: "new" } }] } }));
    await waitFor(() => expect(screen.queryByText(/change staged/)).not.toBeInTheDocument());
  });

  it("runs SQL read-only on a protected environment and underlines the error where the server points", async () => {
    const { user, calls } = setup({
      ...backend(STAGING),
      sql_statements: (args) => [{ sql: String(args.text), start: 0, end: String(args.text).length }],
      sql_classify: () => ({ kind: "query", command: "SELECT" }),
      sql_run: () => outcome({ statement: "SELECT nope FROM notes", readOnly: true, notices: ["hello 42"], error: { message: 'column "nope" does not exist', sqlstate: "42703", position: 7 } }),
    });
    await goTo(user, "Database");
    await user.click(await screen.findByRole("tab", { name: "SQL" }));
    expect(await screen.findByText(/read-only: every statement is rolled back/)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Allow writes…" })).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Snippets" }));
    await user.click(await screen.findByRole("button", { name: "broken" }));
    await user.click(screen.getByRole("button", { name: "Run" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent('ERROR 42703: column "nope" does not exist');
    expect(screen.getByRole("list", { name: "Notices from the server" })).toHaveTextContent("NOTICE: hello 42");
    expect(calls.find((c) => c.command === "sql_run")?.args).toMatchObject({ env: "staging", statement: "SELECT nope FROM notes", destroy: false });
    await waitFor(() => expect(document.querySelector(".cm-sql-error")).toHaveTextContent("nope"));
    await expectAccessible("sql console");
  });

  it("asks before a statement that destroys data, and shows rows with fetch more", { timeout: 20_000 }, async () => {
    const { user, calls } = setup({
      ...backend(),
      sql_snippets: () => [{ name: "wipe", sql: "DELETE FROM notes" }],
      sql_statements: (args) => [{ sql: String(args.text), start: 0, end: String(args.text).length }],
      sql_classify: () => ({ kind: "change", command: "DELETE", destructive: "DELETE without WHERE changes every row" }),
      sql_run: () => outcome({ statement: "DELETE FROM notes", classified: { kind: "change", command: "DELETE" }, columns: [{ name: "id", typeName: "TEXT" }], rows: [["a"], [null]], more: true, rowCount: undefined }),
    });
    await goTo(user, "Database");
    await user.click(await screen.findByRole("tab", { name: "SQL" }));
    expect(await screen.findByText(/writes allowed/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Snippets" }));
    await user.click(await screen.findByRole("button", { name: "wipe" }));
    await user.click(screen.getByRole("button", { name: "Run" }));
    const dialog = await screen.findByRole("dialog", { name: "This statement destroys data" });
    expect(dialog).toHaveTextContent("DELETE without WHERE changes every row. Run it on local?");
    await user.click(within(dialog).getByRole("button", { name: "Run it" }));
    await waitFor(() => expect(calls.find((c) => c.command === "sql_run")?.args).toMatchObject({ destroy: true }));
    const grid = await screen.findByRole("table", { name: "Rows of DELETE" });
    expect(within(grid).getByText("NULL")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Fetch more" })).toBeInTheDocument();
  });

  it("changes a tab's statement timeout on its open session, never by reopening it", async () => {
    const { user, calls } = setup({ ...backend(), sql_set_timeout: () => null });
    await goTo(user, "Database");
    await user.click(await screen.findByRole("tab", { name: "SQL" }));
    expect(await screen.findByText(/writes allowed/)).toBeInTheDocument();
    await user.selectOptions(screen.getByRole("combobox", { name: "Statement timeout" }), "600");
    await waitFor(() => expect(calls.find((c) => c.command === "sql_set_timeout")?.args).toMatchObject({ timeoutSeconds: 600 }));
    expect(calls.filter((c) => c.command === "sql_open")).toHaveLength(1);
  });

  it("shows who blocks whom, and the advisor's fixes", async () => {
    const activity: Activity = {
      sessions: [
        { pid: 10, application: "holder", state: "idle in transaction", query: "LOCK parent", transactionSeconds: 400, blockedBy: [], backendType: "client backend", flagged: true, own: false },
        { pid: 11, application: "waiter", state: "active", waitEvent: "Lock: relation", query: "SELECT * FROM parent", blockedBy: [10], backendType: "client backend", flagged: false, own: false },
        { pid: 12, application: "agent-factory-console", state: "active", query: "SELECT …", blockedBy: [], backendType: "client backend", flagged: false, own: true },
      ],
      locks: [{ pid: 11, table: "public.parent", mode: "AccessShareLock", granted: false }],
    };
    const advice: Advice = {
      overview: { databaseBytes: 9_000_000, cacheHitRatio: 0.991, connections: 3, maxConnections: 100, largest: [] },
      findings: [{ kind: "unindexed_foreign_key", title: "Foreign key child_parent_fkey on child (parent_id) has no index", detail: "Deletes scan.", fix: 'CREATE INDEX CONCURRENTLY "child_parent_id_idx" ON "public"."child" ("parent_id");' }],
    };
    const { user } = setup({ ...backend(), db_activity: () => activity, db_advise: () => advice });
    await goTo(user, "Database");
    await user.click(await screen.findByRole("tab", { name: "Activity" }));
    const waiting = await screen.findByRole("list", { name: "Waiting for 10" });
    expect(within(waiting).getByText("SELECT * FROM parent")).toBeInTheDocument();
    expect(screen.getByText("99.1%")).toBeInTheDocument();
    expect(screen.getByLabelText("The fix")).toHaveTextContent("CREATE INDEX CONCURRENTLY");
    expect(document.querySelector("[data-pid='10']")).toHaveAttribute("data-flagged", "true");
    await expectAccessible("database activity");
  });
});

import { Database } from "lucide-react";
import { useState } from "react";
import type { Filter, TableRef } from "../../backend";
import { Segmented } from "../../components/Segmented";
import type { SectionProps } from "../../sections";
import { ActivityView } from "./ActivityView";
import { SchemaBrowser } from "./SchemaBrowser";
import { SqlConsole } from "./SqlConsole";
import { TableBrowser } from "./TableBrowser";
import "./database.css";

type Tab = "schema" | "table" | "sql" | "activity";
const TABS = [
  { value: "schema", label: "Schema" },
  { value: "table", label: "Rows" },
  { value: "sql", label: "SQL" },
  { value: "activity", label: "Activity" },
] as const;

/** What the Rows view opens: a table, and filters (following a foreign key). */
export interface Opened {
  table: TableRef;
  filters: Filter[];
}

/** The environment's database: schema and RLS, rows with staged edits, SQL, and activity. */
export default function DatabaseSection({ current, onManage }: SectionProps) {
  return (
    <section className="section section--wide" aria-labelledby="section-title" data-section="database">
      <header className="section__header">
        <Database size={22} aria-hidden />
        <h1 id="section-title">Database</h1>
        {current?.database && (
          <span className="badge badge--safety" data-safety={current.safety} title="What the console lets you change here">
            {current.safety === "open" ? "open" : current.safety === "protected" ? "protected: writes need its name" : "read-only"}
          </span>
        )}
      </header>
      {current?.database ? (
        <DatabaseTabs key={current.name} env={current.name} />
      ) : (
        <div className="empty">
          <p>{current ? `Environment "${current.name}" has no database connection.` : "The database belongs to an environment, and there is none yet."}</p>
          <button type="button" className="button button--primary" onClick={onManage}>
            {current ? "Edit the environment" : "Add an environment"}
          </button>
        </div>
      )}
    </section>
  );
}

function DatabaseTabs({ env }: { env: string }) {
  const [tab, setTab] = useState<Tab>("schema");
  const [opened, setOpened] = useState<Opened | null>(null);
  const open = (table: TableRef, filters: Filter[] = []) => {
    setOpened({ table, filters });
    setTab("table");
  };
  return (
    <>
      <Segmented kind="tab" label="Database views" options={TABS} value={tab} onChange={setTab} className="db__tabs" />
      {tab === "schema" && <SchemaBrowser env={env} onBrowse={open} />}
      {tab === "table" && <TableBrowser env={env} opened={opened} onOpen={open} />}
      {/* The console keeps its tabs (and their sessions) while another view is shown. */}
      <div hidden={tab !== "sql"}>
        <SqlConsole env={env} />
      </div>
      {tab === "activity" && <ActivityView env={env} />}
    </>
  );
}

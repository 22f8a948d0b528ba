import { Fragment } from "react";
import "./SqlBlock.css";

// Keywords, strings and comments are enough to read migration SQL at a glance; a full grammar
// (and a highlighter dependency) would add nothing an operator reviewing DDL needs.
const TOKENS =
  /(--[^\n]*)|('(?:[^']|'')*')|\b(CREATE|TABLE|INDEX|UNIQUE|ALTER|ADD|COLUMN|DROP|SET|DEFAULT|NOT|NULL|PRIMARY|KEY|FOREIGN|REFERENCES|ON|INSERT|INTO|VALUES|UPDATE|DELETE|FROM|WHERE|CONSTRAINT|POLICY|FOR|USING|WITH|CHECK|TO|ENABLE|ROW|LEVEL|SECURITY|FUNCTION|RETURNS|LANGUAGE|AS|IF|EXISTS|BEGIN|COMMIT|SELECT|GENERATED|BY|IDENTITY|TYPE|RENAME|CONCURRENTLY|CONFLICT|DO|NOTHING)\b/gi;

/** SQL with keywords, strings and comments marked for the theme's colours. */
export function SqlBlock({ sql, label }: { sql: string; label?: string }) {
  const parts: { text: string; kind?: string }[] = [];
  let last = 0;
  for (const m of sql.matchAll(TOKENS)) {
    if (m.index > last) parts.push({ text: sql.slice(last, m.index) });
    parts.push({ text: m[0], kind: m[1] ? "comment" : m[2] ? "string" : "keyword" });
    last = m.index + m[0].length;
  }
  parts.push({ text: sql.slice(last) });
  return (
    <pre className="sql" aria-label={label}>
      <code>
        {parts.map((p, i) =>
          p.kind ? (
            <span key={i} className={`sql__${p.kind}`}>
              {p.text}
            </span>
          ) : (
            <Fragment key={i}>{p.text}</Fragment>
          ),
        )}
      </code>
    </pre>
  );
}

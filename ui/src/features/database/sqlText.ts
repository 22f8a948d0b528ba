// Text the operator copies: rows as CSV or as INSERT statements. Quoting follows PostgreSQL's
// rules (identifiers in double quotes, values as E'' strings with \ and ' escaped), the same
// as the backend's `ident` and `literal`.

export type Cells = (string | null)[];

/** A name as SQL reads it: always quoted, inner quotes doubled. */
export const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** A value as a string literal, or NULL. */
export const literal = (value: string | null) => (value === null ? "NULL" : `E'${value.replaceAll("\\", "\\\\").replaceAll("'", "''")}'`);

const csvField = (value: string | null) => {
  if (value === null) return "";
  return /[",\r\n]/.test(value) || value === "" ? `"${value.replaceAll('"', '""')}"` : value;
};

export const toCsv = (columns: string[], rows: Cells[]) =>
  [columns.map(csvField), ...rows.map((r) => r.map(csvField))].map((r) => r.join(",")).join("\n") + "\n";

export const toInserts = (schema: string, table: string, columns: string[], rows: Cells[]) =>
  rows
    .map((r) => `INSERT INTO ${ident(schema)}.${ident(table)} (${columns.map(ident).join(", ")}) VALUES (${r.map(literal).join(", ")});`)
    .join("\n") + "\n";

/** JSON text pretty-printed, or null when it is not JSON. */
export const prettyJson = (text: string): string | null => {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return null;
  }
};

/** A table's header row of plain column names; an empty name is an unlabelled actions column
 * (named for screen readers only). */
export function TableHead({ columns }: { columns: readonly string[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c) => (
          <th key={c}>{c === "" ? <span className="visually-hidden">Actions</span> : c}</th>
        ))}
      </tr>
    </thead>
  );
}

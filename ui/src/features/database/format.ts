/** A byte count as PostgreSQL's pg_size_pretty writes it (1024-based: kB, MB, GB, TB). */
export function bytes(n: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${String(n)} B` : `${value.toFixed(1)} ${units[unit] ?? ""}`;
}

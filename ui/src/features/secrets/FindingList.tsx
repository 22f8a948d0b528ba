import type { Finding } from "../../backend";

export function FindingList({ findings }: { findings: Finding[] }) {
  if (findings.length === 0) return null;
  return (
    <ul className="findings">
      {findings.map((f) => (
        <li key={f.message} className={`finding finding--${f.severity}`}>
          {f.message}
        </li>
      ))}
    </ul>
  );
}

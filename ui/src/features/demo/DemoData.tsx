import { useQueryClient } from "@tanstack/react-query";
import { Database, Eraser, Sprout } from "lucide-react";
import { useState } from "react";
import type { AppError } from "../../backend";
import { demoData, demoDecision, demoSeedPreview, resetDemo, seedDemo, toAppError } from "../../backend";
import { useGuard } from "../../components/ConfirmDialog";
import { ErrorNotice } from "../../components/ErrorNotice";
import { demoKeys, useDemoData } from "./queries";

/** The demo data of the environment's database: what is there, seeded (one transaction) or reset
 * (exactly the demo's rows) after a preview and the write policy's confirmation. */
export function DemoData({ env }: { env: string }) {
  const client = useQueryClient();
  const rows = useDemoData(env);
  const { ask, dialog } = useGuard();
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);
  const refresh = () => client.invalidateQueries({ queryKey: demoKeys.env(env) });

  const seed = async () => {
    setError(null);
    setNote(null);
    try {
      const preview = await demoSeedPreview(env);
      if (preview.alreadySeeded) {
        setNote(`${env} already has the demo data (tenant ${preview.alreadySeeded}): nothing to seed.`);
        return;
      }
      const answer = await ask({
        env,
        action: "demo.seed",
        title: `Seed the demo data on ${env}`,
        confirmLabel: "Seed",
        alwaysAsk: true,
        decide: () => demoDecision(env, "demo.seed"),
        body: (
          <div className="demo__preview" data-preview="seed">
            <p>These rows are written in one transaction: all of them, or none.</p>
            <ul>
              {preview.rows.map((r) => (
                <li key={`${r.table}-${r.id}`}>
                  <code>{r.table}</code> {r.id}: {r.what}
                </li>
              ))}
            </ul>
            {preview.conflicts.map((c) => (
              <p key={c} className="notice notice--error" role="alert">
                In the way: {c}. Seeding would fail and write nothing.
              </p>
            ))}
          </div>
        ),
      });
      if (!answer) return;
      setBusy(true);
      const outcome = await seedDemo(env, answer);
      setNote(outcome.message);
    } catch (e) {
      setError(toAppError(e));
    } finally {
      setBusy(false);
      void refresh();
    }
  };

  const reset = async () => {
    setError(null);
    setNote(null);
    try {
      const counted = await demoData(env);
      if (counted.total === 0) {
        setNote(`No demo data on ${env}: nothing to reset.`);
        return;
      }
      const answer = await ask({
        env,
        action: "demo.reset",
        title: `Reset the demo data on ${env}`,
        confirmLabel: `Remove ${String(counted.total)} rows`,
        alwaysAsk: true,
        decide: () => demoDecision(env, "demo.reset"),
        body: (
          <div className="demo__preview" data-preview="reset">
            <p>In one transaction, in foreign-key order, and nothing else:</p>
            <ul>
              {counted.tables
                .filter((t) => t.rows > 0)
                .map((t) => (
                  <li key={t.table}>
                    <code>{t.table}</code>: {t.rows}
                  </li>
                ))}
            </ul>
          </div>
        ),
      });
      if (!answer) return;
      setBusy(true);
      const removed = await resetDemo(env, answer);
      setNote(removed.total === 0 ? "Nothing was removed: the demo data was already gone." : `Removed ${String(removed.total)} demo rows from ${env}.`);
    } catch (e) {
      setError(toAppError(e));
    } finally {
      setBusy(false);
      void refresh();
    }
  };

  const data = rows.data;
  return (
    <section className="panel demo__data" aria-labelledby="demo-data-title">
      <h2 id="demo-data-title">
        <Database size={16} aria-hidden /> Demo data
      </h2>
      {rows.error && <ErrorNotice error={toAppError(rows.error)} />}
      {data && (
        <p data-demo-rows={data.total}>
          {data.tenantId ? `Seeded: ${String(data.total)} demo rows (tenant ${data.tenantId}).` : "Not seeded: no demo-org tenant."}
        </p>
      )}
      {data && data.total > 0 && (
        <ul className="demo__counts">
          {data.tables
            .filter((t) => t.rows > 0)
            .map((t) => (
              <li key={t.table}>
                <code>{t.table}</code> {t.rows}
              </li>
            ))}
        </ul>
      )}
      {error && <ErrorNotice error={error} />}
      {note && (
        <p role="status" data-demo-note>
          {note}
        </p>
      )}
      <div className="form__actions form__actions--start">
        <button type="button" className="button button--primary" data-action="seed-demo" disabled={busy} onClick={() => void seed()}>
          <Sprout size={14} aria-hidden /> Seed…
        </button>
        <button type="button" className="button" data-action="reset-demo" disabled={busy || !data?.total} onClick={() => void reset()}>
          <Eraser size={14} aria-hidden /> Reset…
        </button>
      </div>
      {dialog}
    </section>
  );
}

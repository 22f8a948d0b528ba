import { useQueryClient } from "@tanstack/react-query";
import { CircleCheck, CircleX, ListChecks, RefreshCw, TriangleAlert } from "lucide-react";
import type { Fix, ItemStatus } from "../../backend";
import { toAppError } from "../../backend";
import { ErrorNotice } from "../../components/ErrorNotice";
import type { SectionProps } from "../../sections";
import { demoKeys, useDemoChecklist } from "./queries";

const STATUS: Record<ItemStatus, { icon: typeof CircleCheck; word: string }> = {
  pass: { icon: CircleCheck, word: "ready" },
  warn: { icon: TriangleAlert, word: "check" },
  fail: { icon: CircleX, word: "not ready" },
};

const FIX_LABEL: Record<Fix, string> = {
  apply_migrations: "Open Migrations to apply them",
  seed: "Seed it below",
  open_secrets: "Open Secrets to set the LLM key",
  wait_for_headroom: "Check again after the minute",
};

/** The spec's six items before a demo, each checked live, with what the console can do about it. */
export function Checklist({ env, onOpen }: { env: string; onOpen: SectionProps["onOpen"] }) {
  const client = useQueryClient();
  const list = useDemoChecklist(env);
  const again = () => client.invalidateQueries({ queryKey: demoKeys.checklist(env) });
  const fix = (f: Fix) => {
    if (f === "apply_migrations") onOpen("migrations");
    else if (f === "open_secrets") onOpen("secrets");
    else if (f === "seed") document.querySelector<HTMLButtonElement>("[data-action=seed-demo]")?.focus();
    else void again();
  };
  return (
    <section className="panel demo__checklist" aria-labelledby="demo-checklist-title">
      <h2 id="demo-checklist-title">
        <ListChecks size={16} aria-hidden /> Before the demo
      </h2>
      {list.error && <ErrorNotice error={toAppError(list.error)} />}
      {list.isFetching && <p aria-busy>Checking…</p>}
      {list.data && (
        <>
          <p data-ready={String(list.data.ready)}>
            {list.data.ready ? "Ready for the demo." : "Not ready: fix what failed first."} The script makes about {list.data.requests} API requests.
          </p>
          <ol className="demo__items">
            {list.data.items.map((item) => {
              const { icon: Icon, word } = STATUS[item.status];
              return (
                <li key={item.id} className={`demo__item demo__item--${item.status}`} data-item={item.id} data-status={item.status}>
                  <Icon size={16} aria-hidden />
                  <span className="demo__item-word">{word}</span>
                  <span>
                    <strong>{item.title}</strong>: {item.detail}
                  </span>
                  {item.fix && (
                    <button type="button" className="button button--small" data-fix={item.fix} onClick={() => fix(item.fix as Fix)}>
                      {FIX_LABEL[item.fix]}
                    </button>
                  )}
                </li>
              );
            })}
          </ol>
        </>
      )}
      <button type="button" className="button button--small" data-action="check-again" onClick={() => void again()}>
        <RefreshCw size={14} aria-hidden /> Check again
      </button>
    </section>
  );
}

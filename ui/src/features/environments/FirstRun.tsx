import { Cloud, Laptop, Server } from "lucide-react";
import type { Preset } from "../../backend";
import { ErrorNotice } from "../../components/ErrorNotice";
import { toAppError } from "../../backend";
import { usePresets } from "../../queries";

const ICONS: Record<string, typeof Laptop> = { local: Laptop, "supabase-local": Server, "supabase-cloud": Cloud };

/** Shown while there are no environments: start from a preset or from scratch. */
export function FirstRun({ onChoose, onBlank }: { onChoose: (preset: Preset) => void; onBlank: () => void }) {
  const presets = usePresets();
  return (
    <div className="first-run">
      <h2>Add your first environment</h2>
      <p className="muted">
        An environment is one deployment of the platform: where its API, database and Redis are, and how careful the
        console is with it. Start from a preset; you can change everything before saving.
      </p>
      {presets.error && <ErrorNotice error={toAppError(presets.error)} />}
      <div className="preset-grid">
        {presets.data?.map((p) => {
          const Icon = ICONS[p.id] ?? Server;
          return (
            <button
              key={p.id}
              type="button"
              className="preset"
              data-preset={p.id}
              onClick={() => onChoose(p)}
            >
              <Icon size={22} aria-hidden />
              <span className="preset__title">{p.title}</span>
              <span className="preset__description">{p.description}</span>
            </button>
          );
        })}
        <button type="button" className="preset preset--blank" onClick={onBlank}>
          <span className="preset__title">Start from scratch</span>
          <span className="preset__description">An empty development environment.</span>
        </button>
      </div>
    </div>
  );
}

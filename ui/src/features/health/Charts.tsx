import { useState } from "react";
import type { Chart, Theme } from "../../backend";
import { exportHealthCsv, healthChart, saveChartPng, toAppError } from "../../backend";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Segmented } from "../../components/Segmented";
import { useViewChoice } from "../../viewState";
import { svgToPng } from "./png";
import { useChart } from "./queries";

const RANGES = [
  { value: "15", label: "15 min" },
  { value: "60", label: "1 hour" },
  { value: "1440", label: "24 hours" },
] as const;
const RANGE_VALUES = RANGES.map((r) => r.value);

const CHARTS: { chart: Chart; title: string }[] = [
  { chart: "request_rate", title: "Request rate" },
  { chart: "error_ratio", title: "Error ratio" },
  { chart: "latency", title: "Latency percentiles" },
];

/** Charts drawn in Rust (plotters, SVG) from the environment's history, with PNG and CSV export. */
export function Charts({ env, theme }: { env: string; theme: Theme }) {
  const [minutes, setMinutes] = useViewChoice("health.range", RANGE_VALUES, "60");
  const [error, setError] = useState<unknown>(null);
  // The backend asks where to save in the native dialog.
  const exportCsv = () => exportHealthCsv(env);
  return (
    <section className="health__charts" aria-label="Charts">
      <div className="health__charts-bar">
        <h2 className="health__subtitle">Charts</h2>
        <Segmented options={RANGES} value={minutes} onChange={setMinutes} label="Time range" kind="radio" />
        <button type="button" className="button button--small" onClick={() => void exportCsv().catch(setError)}>
          Export CSV…
        </button>
      </div>
      {error !== null && <ErrorNotice error={toAppError(error)} />}
      <div className="health__chart-grid">
        {CHARTS.map((c) => (
          <ChartFigure key={c.chart} env={env} chart={c.chart} title={c.title} minutes={Number(minutes)} theme={theme} onError={setError} />
        ))}
      </div>
    </section>
  );
}

function ChartFigure(props: { env: string; chart: Chart; title: string; minutes: number; theme: Theme; onError: (e: unknown) => void }) {
  const { env, chart, title, minutes, theme, onError } = props;
  const svg = useChart(env, chart, minutes, theme);
  const exportPng = async () => {
    // Presentation size: full HD, in the window's current theme; the backend asks where to save.
    const large = await healthChart(env, chart, minutes, theme, 1920, 1080);
    await saveChartPng(`${env}-${chart}.png`, await svgToPng(large));
  };
  return (
    <figure className="health__chart" data-chart={chart}>
      <figcaption>
        {title}
        <button type="button" className="button button--small" onClick={() => void exportPng().catch(onError)}>
          PNG…
        </button>
      </figcaption>
      {svg.data ? (
        <img alt={`${title} over the last ${String(minutes)} minutes`} src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg.data)}`} />
      ) : svg.error ? (
        <ErrorNotice error={toAppError(svg.error)} />
      ) : (
        <p aria-busy>Drawing…</p>
      )}
    </figure>
  );
}

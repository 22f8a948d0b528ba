import { useQuery } from "@tanstack/react-query";
import { healthChart, healthOverview, healthSettings, healthSparklines, type Chart, type Theme } from "../../backend";
import { shellKeys } from "../../queries";

/** Under `health`, everything drawn from the polls: read again when the backend says an
 * environment was polled (health-updated), never on a timer. Settings change only when saved. */
export const healthKeys = {
  overview: [...shellKeys.health, "overview"],
  chart: (env: string, chart: Chart, minutes: number, theme: Theme) => [...shellKeys.health, "chart", env, chart, minutes, theme],
  sparklines: (env: string, theme: Theme) => [...shellKeys.health, "sparklines", env, theme],
  settings: ["health-settings"],
} as const;

export const useHealthOverview = () => useQuery({ queryKey: healthKeys.overview, queryFn: healthOverview, staleTime: 0 });
export const useHealthSettings = () => useQuery({ queryKey: healthKeys.settings, queryFn: healthSettings, staleTime: 0 });
export const useChart = (env: string, chart: Chart, minutes: number, theme: Theme) =>
  useQuery({
    queryKey: healthKeys.chart(env, chart, minutes, theme),
    queryFn: () => healthChart(env, chart, minutes, theme, 640, 260),
    staleTime: 0,
  });
/** The last hour of each busy endpoint's request rate, drawn in Rust. */
export const useSparklines = (env: string, theme: Theme) =>
  useQuery({ queryKey: healthKeys.sparklines(env, theme), queryFn: () => healthSparklines(env, 60, theme), staleTime: 0 });

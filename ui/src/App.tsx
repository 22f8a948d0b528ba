import { useCallback, useEffect, useState } from "react";
import { setCurrentEnvironment, toAppError, type Environment, type Preferences } from "./backend";
import { AboutDialog } from "./components/AboutDialog";
import { PreferencesDialog } from "./components/PreferencesDialog";
import { SectionView } from "./components/SectionView";
import { Sidebar } from "./components/Sidebar";
import { useShowError } from "./components/Toasts";
import { TopBar } from "./components/TopBar";
import { useResolvedTheme } from "./hooks/useResolvedTheme";
import { useShortcuts } from "./hooks/useShortcuts";
import { AuditSection } from "./features/audit/AuditSection";
import { EnvironmentsSection } from "./features/environments/EnvironmentsSection";
import { HealthSection } from "./features/health/HealthSection";
import { MigrationsSection } from "./features/migrations/MigrationsSection";
import { SecretsSection } from "./features/secrets/SecretsSection";
import { useChange, useEnvironments, usePreferences, useSavePreferences, useStartupNotices } from "./queries";
import { SECTIONS, type SectionId } from "./sections";

const DEFAULT_PREFERENCES: Preferences = { theme: "system", logLevel: "info" };

export function App() {
  const preferencesQuery = usePreferences();
  const notices = useStartupNotices();
  const save = useSavePreferences();
  const showError = useShowError();
  const [active, setActive] = useState<SectionId>("environments");
  const [aboutOpen, setAboutOpen] = useState(false);
  const [preferencesOpen, setPreferencesOpen] = useState(false);
  const environments = useEnvironments();
  const switchEnvironment = useChange(setCurrentEnvironment);

  const preferences = preferencesQuery.data ?? DEFAULT_PREFERENCES;
  const theme = useResolvedTheme(preferencesQuery.isPending ? undefined : preferences.theme);

  useEffect(() => {
    notices.data?.forEach(showError);
  }, [notices.data, showError]);
  useEffect(() => {
    if (preferencesQuery.error) showError(toAppError(preferencesQuery.error));
  }, [preferencesQuery.error, showError]);

  const changePreferences = (next: Preferences) => {
    save.mutate(next, {
      onError: (e) => {
        showError(toAppError(e));
      },
    });
  };

  const openAbout = useCallback(() => {
    setAboutOpen(true);
  }, []);
  const openPreferences = useCallback(() => {
    setPreferencesOpen(true);
  }, []);
  const selectSectionAt = useCallback((index: number) => {
    const section = SECTIONS[index];
    if (section) setActive(section.id);
  }, []);
  const focusEnvironment = useCallback(() => {
    document.getElementById("env-switch")?.focus();
  }, []);
  useShortcuts({
    onSection: selectSectionAt,
    onPreferences: openPreferences,
    onAbout: openAbout,
    onEnvironment: focusEnvironment,
  });

  if (preferencesQuery.isPending) return null; // a few milliseconds; avoids a flash of the wrong theme

  const section = SECTIONS.find((s) => s.id === active) ?? SECTIONS[0];
  const list = environments.data;
  const current: Environment | undefined = list?.environments.find((e) => e.name === list.current);
  const manage = () => {
    setActive("environments");
  };
  return (
    <div
      className="app"
      data-env-kind={current?.kind}
      style={current ? ({ "--env-color": current.color } as React.CSSProperties) : undefined}
    >
      <Sidebar active={active} onSelect={setActive} onAbout={openAbout} />
      <TopBar
        theme={preferences.theme}
        onTheme={(theme) => {
          changePreferences({ ...preferences, theme });
        }}
        onPreferences={openPreferences}
        onAbout={openAbout}
        environments={list?.environments ?? []}
        current={current}
        onSwitch={(name) => {
          switchEnvironment.mutate(name, {
            onError: (e) => {
              showError(toAppError(e));
            },
          });
        }}
        onManage={manage}
      />
      <main className="content">
        {section?.id === "environments" ? (
          <EnvironmentsSection />
        ) : section?.id === "secrets" ? (
          <SecretsSection current={current} onManage={manage} />
        ) : section?.id === "migrations" ? (
          <MigrationsSection current={current} />
        ) : section?.id === "health" ? (
          <HealthSection current={current} theme={theme} />
        ) : section?.id === "audit" ? (
          <AuditSection />
        ) : (
          section && <SectionView key={section.id} section={section} />
        )}
      </main>
      <AboutDialog open={aboutOpen} onOpenChange={setAboutOpen} />
      <PreferencesDialog
        open={preferencesOpen}
        onOpenChange={setPreferencesOpen}
        preferences={preferences}
        onChange={changePreferences}
      />
    </div>
  );
}

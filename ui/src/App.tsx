import { Suspense, useCallback, useEffect, useState } from "react";
import { setCurrentEnvironment, toAppError, type Environment, type Preferences } from "./backend";
import { AboutDialog } from "./components/AboutDialog";
import { FirstPaint } from "./components/FirstPaint";
import { PreferencesDialog } from "./components/PreferencesDialog";
import { SectionView } from "./components/SectionView";
import { Sidebar } from "./components/Sidebar";
import { useShowError } from "./components/Toasts";
import { TopBar } from "./components/TopBar";
import { useResolvedTheme } from "./hooks/useResolvedTheme";
import { useShortcuts } from "./hooks/useShortcuts";
import { shellKeys, useBackendEvents, useEnvironments, usePreferences, useSavePreferences, useStartupNotices, useWrite } from "./queries";
import { DEFAULT_SECTION, SECTION_IDS, SECTIONS, type SectionId } from "./sections";
import { useViewChoice } from "./viewState";

const DEFAULT_PREFERENCES: Preferences = { theme: "system", logLevel: "info" };

export function App() {
  const preferencesQuery = usePreferences();
  const notices = useStartupNotices();
  const save = useSavePreferences();
  const showError = useShowError();
  const [active, setActive] = useViewChoice<SectionId>("section", SECTION_IDS, DEFAULT_SECTION);
  const [aboutOpen, setAboutOpen] = useState(false);
  const [preferencesOpen, setPreferencesOpen] = useState(false);
  const environments = useEnvironments();
  const switchEnvironment = useWrite(setCurrentEnvironment, [shellKeys.environments]);
  useBackendEvents();

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
  const selectSectionAt = useCallback(
    (index: number) => {
      const section = SECTIONS[index];
      if (section) setActive(section.id);
    },
    [setActive],
  );
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
  const Component = section?.component;
  return (
    <div
      className="app"
      data-env-kind={current?.kind}
      style={current ? ({ "--env-color": current.color } as React.CSSProperties) : undefined}
    >
      <Sidebar active={active} onSelect={setActive} onAbout={openAbout} />
      <TopBar
        theme={preferences.theme}
        onTheme={(theme) => changePreferences({ ...preferences, theme })}
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
        <Suspense fallback={<p aria-busy>Loading…</p>}>
          {Component ? (
            <Component key={section.id} current={current} theme={theme} onManage={manage} onOpen={setActive} />
          ) : (
            section && <SectionView key={section.id} section={section} />
          )}
          <FirstPaint />
        </Suspense>
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

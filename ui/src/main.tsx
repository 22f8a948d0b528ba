import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { loadViewState } from "./backend";
import { Providers } from "./Providers";
import { openingSection, preloadSection } from "./sections";
import "./styles/theme.css";
import "./styles/app.css";

// Start-up marks (performance.getEntriesByType("mark")), up to the first section's paint.
performance.mark("afc:script");
const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");

if (window.location.hash === "#audience") {
  // The demo's audience window: what the audience sees, and nothing of the operator's data.
  void import("./features/demo/AudienceApp").then(({ AudienceApp }) => {
    createRoot(root).render(
      <StrictMode>
        <AudienceApp />
      </StrictMode>,
    );
  });
} else {
  // The last section and tabs are known before the first paint, so nothing jumps, and that
  // section's code is loaded, so it paints with the shell.
  void loadViewState().then(async (viewState) => {
    performance.mark("afc:view-state");
    await preloadSection(openingSection(viewState.section)).catch(() => undefined);
    createRoot(root).render(
      <StrictMode>
        <Providers viewState={viewState}>
          <App />
        </Providers>
      </StrictMode>,
    );
  });
}

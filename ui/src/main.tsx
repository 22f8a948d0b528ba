import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { loadViewState } from "./backend";
import { Providers } from "./Providers";
import "./styles/theme.css";
import "./styles/app.css";

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
  // The last section and tabs are known before the first paint, so nothing jumps.
  void loadViewState().then((viewState) => {
  createRoot(root).render(
    <StrictMode>
      <Providers viewState={viewState}>
        <App />
      </Providers>
    </StrictMode>,
  );
  });
}

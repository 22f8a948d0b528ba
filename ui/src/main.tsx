import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { loadViewState } from "./backend";
import { ToastProvider } from "./components/Toasts";
import { createQueryClient } from "./queries";
import { ViewStateProvider } from "./viewState";
import "./styles/theme.css";
import "./styles/app.css";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");

// The last section and tabs are known before the first paint, so nothing jumps.
void loadViewState().then((viewState) => {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={createQueryClient()}>
        <ViewStateProvider initial={viewState}>
          <ToastProvider>
            <App />
          </ToastProvider>
        </ViewStateProvider>
      </QueryClientProvider>
    </StrictMode>,
  );
});

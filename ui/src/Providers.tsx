import { QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import type { ViewState } from "./backend";
import { ToastProvider } from "./components/Toasts";
import { createQueryClient } from "./queries";
import { ViewStateProvider } from "./viewState";

/** What the app runs inside: one query cache, the remembered view state, and the toasts. */
export function Providers({ viewState, children }: { viewState: ViewState; children: ReactNode }) {
  return (
    <QueryClientProvider client={createQueryClient()}>
      <ViewStateProvider initial={viewState}>
        <ToastProvider>{children}</ToastProvider>
      </ViewStateProvider>
    </QueryClientProvider>
  );
}

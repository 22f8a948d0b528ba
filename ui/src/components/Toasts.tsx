import "./Toasts.css";
import * as Toast from "@radix-ui/react-toast";
import { X } from "lucide-react";
import { createContext, useCallback, useContext, useRef, useState, type ReactNode } from "react";
import type { AppError } from "../backend";
import { errorReport } from "../errors";
import { CopyButton } from "./CopyButton";

interface Shown {
  id: number;
  error: AppError;
}

const ShowError = createContext<(error: AppError) => void>(() => undefined);

/** Shows an error as a toast, for failures that have no place of their own on screen. */
export const useShowError = () => useContext(ShowError);

export function ToastProvider({ children }: { children: ReactNode }) {
  const [shown, setShown] = useState<Shown[]>([]);
  const nextId = useRef(0);
  const show = useCallback((error: AppError) => {
    const id = nextId.current++;
    setShown((list) => [...list, { id, error }]);
  }, []);
  const dismiss = (id: number) => {
    setShown((list) => list.filter((t) => t.id !== id));
  };

  return (
    <ShowError.Provider value={show}>
      <Toast.Provider swipeDirection="right" duration={12000}>
        {children}
        {shown.map(({ id, error }) => (
          <Toast.Root
            key={id}
            className="toast"
            type="foreground"
            onOpenChange={(open) => {
              if (!open) dismiss(id);
            }}
          >
            <Toast.Title className="toast__title">
              <code className="error-code">{error.code}</code> {error.message}
            </Toast.Title>
            {error.details && <Toast.Description className="toast__details">{error.details}</Toast.Description>}
            <div className="toast__actions">
              <CopyButton text={errorReport(error)} label="Copy details" />
              <Toast.Close className="icon-button" aria-label="Dismiss">
                <X size={16} aria-hidden />
              </Toast.Close>
            </div>
          </Toast.Root>
        ))}
        <Toast.Viewport className="toast-viewport" />
      </Toast.Provider>
    </ShowError.Provider>
  );
}

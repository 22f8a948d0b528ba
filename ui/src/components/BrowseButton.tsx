import { FolderOpen } from "lucide-react";
import { toAppError } from "../backend";
import { useShowError } from "./Toasts";

/** Opens a native file dialog; the typed path field beside it stays usable. */
export function BrowseButton({ choose, onChosen }: { choose: () => Promise<string | undefined>; onChosen: (path: string) => void }) {
  const showError = useShowError();
  return (
    <button
      type="button"
      className="button"
      onClick={() => {
        choose().then(
          (path) => {
            if (path !== undefined) onChosen(path);
          },
          (e: unknown) => {
            showError(toAppError(e));
          },
        );
      }}
    >
      <FolderOpen size={15} aria-hidden /> Browse…
    </button>
  );
}

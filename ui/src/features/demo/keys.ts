/** The presenter's keys, from a keyboard or a presentation clicker (which sends Page Up/Down,
 * and often B for a black screen). */
export type PresenterKey = "next" | "back" | "black" | "perform";

export function presenterKey(e: KeyboardEvent): PresenterKey | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  const target = e.target as HTMLElement | null;
  if (target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))) return null;
  // Space and Enter on a button press the button.
  if ((e.key === " " || e.key === "Enter") && (target?.tagName === "BUTTON" || target?.tagName === "A")) return null;
  switch (e.key) {
    case "PageDown":
    case "ArrowRight":
    case " ":
      return "next";
    case "PageUp":
    case "ArrowLeft":
      return "back";
    case "b":
    case "B":
    case ".":
      return "black";
    case "Enter":
      return "perform";
    default:
      return null;
  }
}

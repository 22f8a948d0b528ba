import { useEffect } from "react";
import { uiReady } from "../backend";

let told = false;

/** Tells the backend, once, that the frame showing the first section has been painted, so it can
 * log the start-up time (and the start-up benchmark can read it). Rendered inside the section's
 * Suspense boundary: it mounts with the section, not with the loading line before it. */
export function FirstPaint() {
  useEffect(() => {
    if (told) return;
    told = true;
    performance.mark("afc:section-mounted");
    // The first callback runs before that frame is painted, the second once it has been.
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        performance.mark("afc:first-section-painted");
        uiReady().catch(() => undefined);
      }),
    );
  }, []);
  return null;
}

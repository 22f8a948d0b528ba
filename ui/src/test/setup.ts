import "@testing-library/jest-dom/vitest";
import { cleanup, configure } from "@testing-library/react";
import { afterEach } from "vitest";
import { clearMocks } from "../backend/mock";

// Sections are lazy-loaded: a file's first test waits for its section's module to be transformed
// and imported, which on a busy two-core machine can take longer than the default second. The
// find* queries still return as soon as what they wait for appears.
configure({ asyncUtilTimeout: 5000 });

afterEach(async () => {
  cleanup();
  // Unmounting unsubscribes from backend events asynchronously: let that finish before the
  // mocked backend it talks to is removed.
  await new Promise((resolve) => setTimeout(resolve, 0));
  clearMocks();
  localStorage.clear();
});

// jsdom lays nothing out, and its Range has no client rectangles; CodeMirror measures text with
// them. Empty ones say "nothing is laid out", which is true here.
const noRects = () => Object.assign([], { item: () => null }) as unknown as DOMRectList;
Range.prototype.getClientRects = noRects;
Range.prototype.getBoundingClientRect = () => new DOMRect();

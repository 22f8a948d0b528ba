import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";
import { clearMocks } from "../backend/mock";

afterEach(async () => {
  cleanup();
  // Unmounting unsubscribes from backend events asynchronously: let that finish before the
  // mocked backend it talks to is removed.
  await new Promise((resolve) => setTimeout(resolve, 0));
  clearMocks();
  localStorage.clear();
});

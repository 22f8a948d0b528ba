import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";
import { clearMocks } from "../backend/mock";

afterEach(() => {
  cleanup();
  clearMocks();
  localStorage.clear();
});

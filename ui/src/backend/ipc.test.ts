import { describe, expect, it } from "vitest";
import { getAppInfo } from "./commands.gen";
import { BackendError, toAppError } from "./ipc";
import { mockBackend } from "./mock";

describe("the IPC seam", () => {
  it("passes a command's {code, message, details} through unchanged", async () => {
    mockBackend({
      get_app_info: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the shape Tauri rejects with
        throw { code: "not_found", message: "gone", details: "here" };
      },
    });
    const error = await getAppInfo().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect(toAppError(error)).toEqual({ code: "not_found", message: "gone", details: "here" });
  });

  it("turns a rejection that is not an AppError into an internal error that keeps the text", async () => {
    mockBackend({
      get_app_info: () => {
        throw new Error("Command get_app_info not allowed by ACL");
      },
    });
    const error = toAppError(await getAppInfo().catch((e: unknown) => e));
    expect(error.code).toBe("internal");
    expect(error.details).toContain("not allowed by ACL");
  });
});

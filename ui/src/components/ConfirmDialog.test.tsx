import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { Decision } from "../backend";
import { ConfirmDialog } from "./ConfirmDialog";

function dialog(decision: Decision | undefined) {
  const onConfirm = vi.fn();
  render(
    <ConfirmDialog open onOpenChange={() => undefined} title="Apply?" confirmLabel="Apply" decision={decision} onConfirm={onConfirm}>
      <p>Each migration runs in its own transaction.</p>
    </ConfirmDialog>,
  );
  return onConfirm;
}

describe("the confirmation renders the write policy's decision", () => {
  it("a protected environment needs its name typed, and the answer carries it", async () => {
    const user = userEvent.setup();
    const onConfirm = dialog({ verdict: "confirm_name", name: "prod", sentence: 'environment "prod" is protected. Type its name to apply the pending migrations.' });
    expect(screen.getByText(/is protected\. Type its name/)).toBeInTheDocument();
    const apply = screen.getByRole("button", { name: "Apply" });
    expect(apply).toBeDisabled();
    await user.type(screen.getByRole("textbox"), "pro");
    expect(apply).toBeDisabled();
    await user.type(screen.getByRole("textbox"), "d");
    await user.click(apply);
    expect(onConfirm).toHaveBeenCalledWith({ yes: true, name: "prod" });
  });

  it("a refusal says why and offers no way to go ahead", () => {
    dialog({ verdict: "refused", reason: 'environment "replica" is read-only: apply the pending migrations is not allowed' });
    expect(screen.getByRole("alert")).toHaveTextContent("is read-only");
    expect(screen.queryByRole("button", { name: "Apply" })).toBeNull();
    // The footer closes it (beside the dialog's own close button).
    expect(screen.getAllByRole("button", { name: "Close" })).toHaveLength(2);
  });

  it("waits for the decision before anything can be confirmed", async () => {
    const user = userEvent.setup();
    const onConfirm = dialog(undefined);
    expect(screen.getByText(/Checking what this change needs/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Apply" }));
    expect(onConfirm).not.toHaveBeenCalled();
  });

  it("a plain yes answers yes", async () => {
    const user = userEvent.setup();
    const onConfirm = dialog({ verdict: "confirm_yes", sentence: 'apply the pending migrations on environment "local"?' });
    await user.click(screen.getByRole("button", { name: "Apply" }));
    expect(onConfirm).toHaveBeenCalledWith({ yes: true });
  });
});

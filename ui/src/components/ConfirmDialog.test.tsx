import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";
import type { Confirmation, Decision } from "../backend";
import { ConfirmDialog, useGuard } from "./ConfirmDialog";

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

/** A button that asks the guard, with the policy's answer held until `decide` is resolved. */
function Asker({ decide }: { decide: () => Promise<Decision> }) {
  const guard = useGuard();
  const [answer, setAnswer] = useState<string>("none");
  const go = async () => {
    const a: Confirmation | null = await guard.ask({ env: "local", action: "agent.save", title: "Save?", confirmLabel: "Save", decide });
    setAnswer(a ? "yes" : "cancelled");
  };
  return (
    <>
      <button type="button" onClick={() => void go()}>
        Write
      </button>
      <p data-testid="answer">{answer}</p>
      {guard.dialog}
    </>
  );
}

describe("the guard", () => {
  it("shows nothing while the policy decides, so nothing can be dismissed, and an allowed change goes ahead", async () => {
    const user = userEvent.setup();
    let allow: (d: Decision) => void = () => undefined;
    render(<Asker decide={() => new Promise((resolve) => (allow = resolve))} />);
    await user.click(screen.getByRole("button", { name: "Write" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    // A second click while it decides (a double click) lands on the page, not on a dialog.
    await user.click(screen.getByRole("button", { name: "Write" }));
    allow({ verdict: "allowed", sentence: "save agent a on local" });
    expect(await screen.findByText("yes")).toBeInTheDocument();
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("asks the operator once the policy wants an answer", async () => {
    const user = userEvent.setup();
    render(<Asker decide={() => Promise.resolve({ verdict: "confirm_yes", sentence: "save agent a on local?" })} />);
    await user.click(screen.getByRole("button", { name: "Write" }));
    const dialog = await screen.findByRole("dialog", { name: "Save?" });
    await user.click(within(dialog).getByRole("button", { name: "Save" }));
    expect(await screen.findByText("yes")).toBeInTheDocument();
  });

  it("puts the keyboard in the name to type when the policy wants it", async () => {
    const user = userEvent.setup();
    render(<Asker decide={() => Promise.resolve({ verdict: "confirm_name", name: "prod", sentence: 'environment "prod" is protected.' })} />);
    await user.click(screen.getByRole("button", { name: "Write" }));
    const dialog = await screen.findByRole("dialog", { name: "Save?" });
    expect(within(dialog).getByRole("textbox")).toHaveFocus();
    await user.keyboard("prod{Enter}");
    expect(await screen.findByText("yes")).toBeInTheDocument();
  });
});

import "./Modal.css";
import * as Dialog from "@radix-ui/react-dialog";
import { X } from "lucide-react";
import { useRef, type ReactNode } from "react";

interface Props {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  children: ReactNode;
  /** For forms with several columns. */
  wide?: boolean;
}

/** A focus-trapping dialog that closes on Escape or the close button. Focus starts on the
 * element marked `data-autofocus` (the name to type, the button that answers), else on the first
 * control. */
export function Modal({ open, onOpenChange, title, children, wide }: Props) {
  const content = useRef<HTMLDivElement>(null);
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="modal__overlay" />
        <Dialog.Content
          ref={content}
          className={wide ? "modal modal--wide" : "modal"}
          aria-describedby={undefined}
          onOpenAutoFocus={(e) => {
            const wanted = content.current?.querySelector<HTMLElement>("[data-autofocus]");
            if (wanted) {
              e.preventDefault();
              wanted.focus();
            }
          }}
        >
          <div className="modal__header">
            <Dialog.Title className="modal__title">{title}</Dialog.Title>
            <Dialog.Close className="icon-button" aria-label="Close">
              <X size={18} aria-hidden />
            </Dialog.Close>
          </div>
          {children}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

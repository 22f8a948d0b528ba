import "./ErrorNotice.css";
import { CircleAlert } from "lucide-react";
import type { AppError } from "../backend";
import { errorReport } from "../errors";
import { CopyButton } from "./CopyButton";

/** An error shown in place: its code, the message, the details, and a way to copy them. */
export function ErrorNotice({ error }: { error: AppError }) {
  return (
    <div className="error-notice" role="alert">
      <CircleAlert className="error-notice__icon" size={18} aria-hidden />
      <div className="error-notice__body">
        <p className="error-notice__message">
          <code className="error-code">{error.code}</code> {error.message}
        </p>
        {error.details && <pre className="error-notice__details">{error.details}</pre>}
        <CopyButton text={errorReport(error)} label="Copy details" />
      </div>
    </div>
  );
}

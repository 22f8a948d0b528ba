//! The validation report: findings with severity, object, expected, found and fix, for the
//! window, afctl, and export as JSON or Markdown.

use serde::Serialize;
use ts_rs::TS;

use super::shape::Shape;
use super::validate::{Finding, Severity};

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct ValidationReport {
    pub target: String,
    pub environment: Option<String>,
    pub shape: Shape,
    #[ts(type = "string")]
    pub checked_at: chrono::DateTime<chrono::Utc>,
    pub errors: u32,
    pub warnings: u32,
    pub infos: u32,
    pub findings: Vec<Finding>,
}

impl ValidationReport {
    /// No errors and no warnings (notes about harmless legacy leftovers are fine).
    pub fn is_clean(&self) -> bool {
        self.errors == 0 && self.warnings == 0
    }

    pub fn to_markdown(&self) -> String {
        let mut out = format!(
            "# Schema validation: {}\n\n- Database: `{}`\n- Shape: {}\n- Checked: {}\n- Result: {} errors, {} warnings, {} notes\n",
            self.environment.as_deref().unwrap_or(&self.target),
            self.target,
            self.shape.describe(),
            self.checked_at.to_rfc3339(),
            self.errors,
            self.warnings,
            self.infos
        );
        for (severity, title) in [
            (Severity::Error, "Errors"),
            (Severity::Warning, "Warnings"),
            (Severity::Info, "Notes"),
        ] {
            let list: Vec<&Finding> = self
                .findings
                .iter()
                .filter(|f| f.severity == severity)
                .collect();
            if list.is_empty() {
                continue;
            }
            out.push_str(&format!("\n## {title}\n"));
            for f in list {
                out.push_str(&format!(
                    "\n### {}\n\n- Expected: {}\n- Found: {}\n",
                    f.object, f.expected, f.found
                ));
                if let Some(fix) = &f.fix {
                    out.push_str(&format!("\n```sql\n{fix};\n```\n"));
                }
            }
        }
        out
    }
}

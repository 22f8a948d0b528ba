//! Accessibility checks of what the real window shows: axe-core's rules (colour contrast among
//! them, which needs the real layout and fonts that jsdom lacks) and a visible focus ring on every
//! control the keyboard can reach.

use serde_json::Value;

use super::{App, Key};

/// Finds every element Tab can reach in the page, focuses each the way a keyboard user would
/// (after a real Tab press, programmatic focus counts as keyboard focus, so `:focus-visible`
/// applies), and lists those drawn with neither an outline nor a box shadow.
const FOCUS_RINGS: &str = r#"
const tabbable = [...document.querySelectorAll(
  'a[href], button, input, select, textarea, summary, [tabindex], [contenteditable="true"]'
)].filter((el) => !el.disabled && el.tabIndex >= 0 && el.getClientRects().length > 0
  && !el.closest('[inert], [aria-hidden="true"]'));
const missing = [];
for (const el of tabbable) {
  el.focus({ preventScroll: true });
  if (document.activeElement !== el) continue;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1;
  const shadow = style.boxShadow !== 'none';
  if (!outline && !shadow) {
    const label = el.getAttribute('aria-label') || el.textContent.trim().slice(0, 40) || el.name || '';
    missing.push(`${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).split(' ')[0] : ''} "${label}"`);
  }
}
document.activeElement?.blur();
return { checked: tabbable.length, missing };
"#;

impl App {
    /// axe-core's violations of the page as it is now (WCAG 2.x A and AA rules), one line each:
    /// rule, impact and the elements. axe-core is the UI's dev dependency, injected here.
    pub async fn axe_violations(&self) -> Vec<String> {
        let loaded = self.eval("return typeof window.axe !== 'undefined'").await;
        if loaded != Value::Bool(true) {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../../ui/node_modules/axe-core/axe.min.js");
            let source = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e} (npm --prefix ui ci)", path.display()));
            self.eval(&format!("{source}\nreturn null")).await;
        }
        let found = self
            .eval_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] })
                   .then((r) => done(r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`)))
                   .catch((e) => done([`axe failed: ${e}`]));",
            )
            .await;
        serde_json::from_value(found).expect("a list of violations")
    }

    /// The controls the keyboard reaches that show no focus ring when focused, and how many were
    /// checked.
    pub async fn focus_rings_missing(&self) -> (usize, Vec<String>) {
        // One real key press puts the page in keyboard modality.
        self.press(Key::Tab.into(), false).await;
        let found = self.eval(FOCUS_RINGS).await;
        let checked = found["checked"].as_u64().unwrap_or(0) as usize;
        let missing = serde_json::from_value(found["missing"].clone()).expect("a list");
        (checked, missing)
    }
}

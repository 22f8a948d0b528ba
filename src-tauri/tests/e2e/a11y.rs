//! Accessibility in the real window: every section, with an environment that gives it something
//! to show, passes axe-core (colour contrast included, which needs real layout and fonts) and
//! draws a focus ring on every control the keyboard reaches, in the light and the dark theme.

use test_support::e2e::{Profile, sections};
use test_support::fixture_api::FixtureApi;

use crate::{afctl, dev_environment, launch};

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real window: run through scripts/test.sh"]
async fn every_section_passes_axe_and_shows_focus_rings_in_both_themes() {
    let profile = Profile::new();
    let api = FixtureApi::builder().rate_limit(600, 10_000).start();
    let _db = dev_environment(&profile, "local", &api.url(), &[]);
    afctl(&profile, &["env", "use", "local"], "");
    let app = launch(&profile).await;
    let mut problems = Vec::new();
    let mut controls = 0;
    for theme in ["Light", "Dark"] {
        app.choose_theme(&profile, theme).await;
        for (id, title, _) in sections() {
            app.click(&format!(".sidebar button[data-section={id}]"))
                .await;
            app.wait_text("#section-title", &title).await;
            // The section's first data is in (no loading line left) before it is judged.
            app.wait_gone("main [aria-busy=true]").await;
            for violation in app.axe_violations().await {
                problems.push(format!("{theme} {id}: axe {violation}"));
            }
            let (checked, missing) = app.focus_rings_missing().await;
            controls += checked;
            for control in missing {
                problems.push(format!("{theme} {id}: no focus ring on {control}"));
            }
        }
    }
    assert!(controls > 100, "only {controls} controls were checked");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    app.quit().await;
}

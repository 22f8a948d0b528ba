//! One page object per section: how a test opens it, chooses a tab, reads what it shows and
//! confirms a change. A change in the window's markup is mended here, not in every scenario.

use super::{App, Profile, wait_until};
use std::path::Path;

impl App {
    /// Opens a section from the sidebar and waits until it is shown.
    pub async fn open(&self, section: &str) {
        self.click(&format!(".sidebar button[data-section={section}]"))
            .await;
        self.find(&format!("section[data-section={section}]")).await;
    }

    /// Answers the open confirmation: types `name` when the write policy asks for it, then
    /// confirms, and waits for the confirmation to close (a dialog it was asked from stays).
    pub async fn confirm(&self, name: Option<&str>) {
        let verdict = match name {
            Some(_) => "confirm_name",
            None => "confirm_yes",
        };
        self.find(&format!(".modal form[data-verdict={verdict}]"))
            .await;
        if let Some(name) = name {
            self.fill(".modal input[name=confirm-name]", name).await;
        }
        let form = format!(".modal form[data-verdict={verdict}]");
        self.click(&format!("{form} button[type=submit]")).await;
        self.wait_gone(&form).await;
    }

    pub fn environments(&self) -> Environments<'_> {
        Environments(self)
    }

    pub fn secrets(&self) -> Secrets<'_> {
        Secrets(self)
    }

    pub fn migrations(&self) -> Migrations<'_> {
        Migrations(self)
    }

    pub fn health(&self) -> Health<'_> {
        Health(self)
    }

    pub fn jobs(&self) -> Jobs<'_> {
        Jobs(self)
    }
}

pub struct Environments<'a>(&'a App);

impl Environments<'_> {
    pub fn card(env: &str) -> String {
        format!(".env-card[data-env={env}]")
    }

    /// Runs "Test connection" on a card and waits for each of `targets` to report ok.
    pub async fn test(&self, env: &str, targets: &[&str]) {
        let card = Self::card(env);
        self.0
            .click(&format!("{card} .env-card__actions button"))
            .await;
        for t in targets {
            self.0
                .find(&format!(".probe[data-target={t}][data-status=ok]"))
                .await;
        }
    }
}

pub struct Secrets<'a>(&'a App);

impl Secrets<'_> {
    pub fn row(var: &str) -> String {
        format!("tr[data-variable={var}]")
    }

    pub async fn open(&self) {
        self.0.open("secrets").await;
        self.0.choose_tab("[role=tab][data-tab=variables]").await;
    }

    /// Sets a variable through its dialog, typing `confirm` when the environment asks.
    pub async fn set(&self, var: &str, value: &str, confirm: Option<&str>) {
        self.0.click(&format!("[aria-label='Set {var}']")).await;
        self.0.fill("input[name=variableValue]", value).await;
        if let Some(name) = confirm {
            self.0.fill(".modal input[name=confirm-name]", name).await;
        }
        self.0.click(".modal button[type=submit]").await;
        self.0.wait_gone(".modal").await;
        self.0
            .find(&format!("{}[data-set=true]", Self::row(var)))
            .await;
    }

    /// Chooses the .env file at `path` in the native dialog, previews it, then imports it;
    /// returns the summary line.
    pub async fn import(&self, path: &Path) -> String {
        self.0.click("button[data-action=import]").await;
        self.0.click(".modal button[data-action=preview]").await;
        self.0.open_dialog("Import a .env file", path).await;
        self.0.find("[data-testid=import-preview]").await;
        self.0.click(".modal .form__actions .button--primary").await;
        self.0.wait_contains(".modal .success", "Imported").await;
        let summary = self
            .0
            .find(".modal .success")
            .await
            .text()
            .await
            .unwrap_or_default();
        self.0.close_dialog().await;
        summary
    }

    pub async fn drift(&self) {
        self.0.choose_tab("[role=tab][data-tab=drift]").await;
        self.0.find("[data-testid=drift-board]").await;
    }
}

pub struct Migrations<'a>(&'a App);

impl Migrations<'_> {
    pub async fn tab(&self, tab: &str) {
        self.0
            .choose_tab(&format!("[role=tab][data-tab={tab}]"))
            .await;
    }

    /// Clicks the section's main action (Apply…, Adopt…) and answers its confirmation.
    pub async fn run(&self, confirm: Option<&str>) {
        self.0.click(".migrations .button--primary").await;
        self.0.confirm(confirm).await;
    }

    /// Waits until the job shown here ended as `state` (succeeded, cancelled, failed).
    pub async fn wait_job(&self, state: &str) {
        self.0
            .find(&format!(".migrations .job-log[data-state={state}]"))
            .await;
    }

    pub async fn log_contains(&self, text: &str) {
        self.0
            .wait_contains(".migrations [aria-label='Live log']", text)
            .await;
    }

    pub async fn validation_is_clean(&self) {
        self.tab("validate").await;
        self.0
            .wait_contains(
                "[data-testid=validation-summary]",
                "Clean: 0 errors, 0 warnings",
            )
            .await;
    }
}

pub struct Health<'a>(&'a App);

impl Health<'_> {
    /// Polls the current environment now.
    pub async fn check_now(&self) {
        self.0.click(".section__action").await;
    }

    pub async fn dependency(&self, name: &str, status: &str) {
        self.0
            .find(&format!("[data-dependency={name}][data-status={status}]"))
            .await;
    }

    /// Chooses the memory budget (MiB) and waits until the settings file holds it.
    pub async fn set_budget(&self, profile: &Profile, mib: u64) {
        self.0
            .select(
                "select[aria-label='Memory per environment']",
                &mib.to_string(),
            )
            .await;
        wait_until("the budget to be saved", || async {
            (profile.settings()?["health"]["memoryBudgetMib"] == mib).then_some(())
        })
        .await;
    }
}

pub struct Jobs<'a>(&'a App);

impl Jobs<'_> {
    /// Opens the top bar's jobs list, waiting until it counts `running` jobs.
    pub async fn open(&self, running: usize) {
        self.0
            .find(&format!(".jobs-button[data-running='{running}']"))
            .await;
        self.0.click(".jobs-button").await;
        self.0.find(".modal .jobs").await;
    }

    /// Opens the log of the job titled `title` in the list.
    pub async fn show(&self, title: &str) {
        self.0.wait_contains(".modal .jobs__list", title).await;
        self.0.click(".modal .job-row__open").await;
        self.0.find(".modal .job-log").await;
    }

    /// Asks the shown job to stop, and waits until the console says it will (or it already
    /// has: a job waiting for a lock stops at once).
    pub async fn cancel(&self) {
        self.0.click(".modal .job-log [data-action=cancel]").await;
        wait_until("the cancel to be taken", || async {
            let log = self.0.find(".modal .job-log").await;
            let text = log.text().await.ok()?;
            let state = log.attr("data-state").await.ok()??;
            (text.contains("Cancelling at the next safe point") || state != "running").then_some(())
        })
        .await;
    }
}

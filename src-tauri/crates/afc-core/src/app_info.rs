//! What the About dialog and `afctl info` show: version, build, platform, and where files live.

use serde::Serialize;
use ts_rs::TS;

use crate::paths::AppPaths;

pub const PRODUCT_NAME: &str = "Agent Factory Console";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub name: String,
    pub version: String,
    pub build: BuildInfo,
    pub platform: PlatformInfo,
    pub paths: PathsInfo,
}

/// Facts fixed when the binary was built (`build.rs` records the commit).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BuildInfo {
    /// `debug` or `release`.
    pub profile: String,
    /// Short git commit the binary was built from, when it was built from a git checkout.
    pub commit: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlatformInfo {
    pub os: String,
    pub arch: String,
    /// The web view engine's version (the app fills it in; `afctl` has none).
    pub webview: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PathsInfo {
    pub config_dir: String,
    pub settings_file: String,
    pub log_dir: String,
    pub data_dir: String,
    pub audit_log: String,
    /// The OS keyring service the secrets are stored under (to find them in a keyring browser).
    pub keyring_service: String,
}

impl AppInfo {
    pub fn collect(version: &str, paths: &AppPaths, webview: Option<String>) -> Self {
        let show = |p: &std::path::Path| p.display().to_string();
        Self {
            name: PRODUCT_NAME.to_owned(),
            version: version.to_owned(),
            build: BuildInfo::current(),
            platform: PlatformInfo {
                os: std::env::consts::OS.to_owned(),
                arch: std::env::consts::ARCH.to_owned(),
                webview,
            },
            paths: PathsInfo {
                config_dir: show(&paths.config_dir),
                settings_file: show(&paths.settings_file()),
                log_dir: show(&paths.log_dir),
                data_dir: show(&paths.data_dir),
                audit_log: show(crate::audit::AuditLog::in_dir(&paths.config_dir, "").path()),
                keyring_service: crate::secrets::SecretStore::for_config(
                    &paths.config_dir,
                    paths.is_default_config_dir(),
                )
                .service()
                .to_owned(),
            },
        }
    }
}

/// Where problems are reported: the project's issue tracker (the workspace's `repository`).
pub const ISSUES: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/issues/new");

impl AppInfo {
    /// A new issue on the project's tracker with the versions filled in (the operator writes the
    /// rest, and attaches the diagnostics). No paths: they can name the operator's account.
    pub fn issue_url(&self) -> String {
        let body = format!(
            "**What happened**\n\n\n**What I expected**\n\n\n**Versions**\n\n- {} {} ({} build{})\n- {} {}{}\n\n(Help → Save diagnostics… writes a zip to attach here.)\n",
            self.name,
            self.version,
            self.build.profile,
            self.build
                .commit
                .as_deref()
                .map(|c| format!(", commit {c}"))
                .unwrap_or_default(),
            self.platform.os,
            self.platform.arch,
            self.platform
                .webview
                .as_deref()
                .map(|w| format!(", WebKit {w}"))
                .unwrap_or_default(),
        );
        let query: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("title", "")
            .append_pair("body", &body)
            .finish();
        format!("{ISSUES}?{query}")
    }
}

impl BuildInfo {
    pub fn current() -> Self {
        let profile = if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        };
        Self {
            profile: profile.to_owned(),
            commit: option_env!("AFC_GIT_COMMIT")
                .filter(|c| !c.is_empty())
                .map(str::to_owned),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_paths_platform_and_build() {
        let paths = AppPaths::resolve(Some(std::path::Path::new("/tmp/afc-conf"))).unwrap();
        let info = AppInfo::collect("1.2.3", &paths, Some("2.44".into()));
        assert_eq!(info.version, "1.2.3");
        assert_eq!(info.paths.settings_file, "/tmp/afc-conf/settings.json");
        assert_eq!(info.platform.os, std::env::consts::OS);
        assert_eq!(info.platform.webview.as_deref(), Some("2.44"));
        assert_eq!(info.build.profile, "debug");
    }

    #[test]
    fn the_commit_is_the_checkout_we_were_built_from() {
        let head = std::process::Command::new("git")
            .args(["rev-parse", "--short=10", "HEAD"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .expect("the tests run in a git checkout, with git installed");
        assert_eq!(BuildInfo::current().commit.as_deref(), Some(head.as_str()));
    }
}

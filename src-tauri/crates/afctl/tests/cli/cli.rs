//! afctl as a pipeline runs it: the real binary, real files, real exit codes.

use std::path::Path;
use std::process::Output;

use test_support::afctl::json;

fn afctl(config_dir: &Path, args: &[&str]) -> Output {
    test_support::afctl::run(
        Path::new(env!("CARGO_BIN_EXE_afctl")),
        config_dir,
        args,
        "",
        &[],
    )
}

#[test]
fn version_and_help() {
    let dir = tempfile::tempdir().unwrap();
    let out = afctl(dir.path(), &["--version"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("afctl {}", env!("CARGO_PKG_VERSION"))
    );
    let help = afctl(dir.path(), &["--help"]);
    assert!(help.status.success());
    let text = String::from_utf8_lossy(&help.stdout);
    for needle in [
        "--json",
        "--config-dir",
        "AFC_CONFIG_DIR",
        "Exit codes: 0 ok, 1",
        "info",
    ] {
        assert!(text.contains(needle), "help lacks {needle:?}:\n{text}");
    }
}

#[test]
fn info_reads_the_shared_settings_from_the_env_config_dir() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("settings.json"),
        r#"{"preferences":{"theme":"dark","logLevel":"debug"}}"#,
    )
    .unwrap();
    let out = afctl(dir.path(), &["info", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out);
    assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(v["paths"]["configDir"], dir.path().to_str().unwrap());
    assert_eq!(v["settingsFileExists"], true);
    assert_eq!(v["preferences"]["theme"], "dark");
    assert_eq!(v["preferences"]["logLevel"], "debug");
    // A non-default config folder gets its own keyring namespace (debug builds use `.debug`).
    let service = v["paths"]["keyringService"].as_str().unwrap();
    assert_eq!(
        service,
        format!("dev.agentfactory.console.debug@{}", dir.path().display())
    );
    assert_eq!(
        v["paths"]["auditLog"],
        dir.path().join("audit.jsonl").to_str().unwrap()
    );
}

#[test]
fn config_dir_flag_overrides_the_environment_and_human_output_is_readable() {
    let env_dir = tempfile::tempdir().unwrap();
    let flag_dir = tempfile::tempdir().unwrap();
    let out = afctl(
        env_dir.path(),
        &["--config-dir", flag_dir.path().to_str().unwrap(), "info"],
    );
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with(&format!(
            "Agent Factory Console {}",
            env!("CARGO_PKG_VERSION")
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{}/settings.json (not created yet)",
            flag_dir.path().display()
        )),
        "{text}"
    );
    assert!(text.contains("Theme          system"), "{text}");
}

#[test]
fn malformed_settings_cannot_run_exit_2_with_a_clear_error_and_the_file_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("settings.json");
    std::fs::write(&file, "{\"preferences\": ").unwrap();
    let human = afctl(dir.path(), &["info"]);
    assert_eq!(human.status.code(), Some(2));
    let err = String::from_utf8_lossy(&human.stderr);
    assert!(
        err.starts_with("error [invalid_input]: The settings file"),
        "{err}"
    );
    assert!(err.contains("line 1"), "{err}");

    let machine = afctl(dir.path(), &["--json", "info"]);
    assert_eq!(machine.status.code(), Some(2));
    assert_eq!(json(&machine)["error"]["code"], "invalid_input");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "{\"preferences\": "
    );
}

#[test]
fn usage_errors_and_bad_log_filters_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        afctl(dir.path(), &["no-such-command"]).status.code(),
        Some(2)
    );
    let out = test_support::afctl::run(
        Path::new(env!("CARGO_BIN_EXE_afctl")),
        dir.path(),
        &["--json", "info"],
        "",
        &[("AFC_LOG", "info,=[")],
    );
    assert_eq!(out.status.code(), Some(2));
    let v = json(&out);
    assert_eq!(v["error"]["code"], "invalid_input");
    assert!(v["error"]["message"].as_str().unwrap().contains("AFC_LOG"));
}

#[test]
fn plain_http_to_a_remote_api_needs_the_explicit_opt_in_and_is_then_shown_as_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let remote = "http://10.0.0.5:8000";
    let refused = afctl(
        dir.path(),
        &["env", "add", "edge", "--kind", "dev", "--api-url", remote],
    );
    assert_eq!(refused.status.code(), Some(2));
    test_support::assert_contains(
        &String::from_utf8_lossy(&refused.stderr),
        &["plain http://", "--allow-insecure-http"],
    );
    assert_eq!(
        json(&afctl(dir.path(), &["--json", "env", "list"]))["environments"],
        serde_json::json!([])
    );

    let add = ["env", "add", "edge", "--kind", "dev", "--api-url", remote];
    assert!(
        afctl(dir.path(), &[&add[..], &["--allow-insecure-http"]].concat())
            .status
            .success()
    );
    let shown = afctl(dir.path(), &["env", "show", "edge"]);
    test_support::assert_contains(
        &String::from_utf8_lossy(&shown.stdout),
        &["warning: plain http:// to a remote host is allowed"],
    );
    // Withdrawn: the saved URL no longer passes, so the change is refused and nothing changes.
    let withdrawn = afctl(
        dir.path(),
        &["env", "set", "edge", "--allow-insecure-http", "false"],
    );
    assert_eq!(withdrawn.status.code(), Some(2));
    let json_show = json(&afctl(dir.path(), &["--json", "env", "show", "edge"]));
    assert_eq!(json_show["allowInsecureHttp"], true);
}

#[test]
fn an_api_behind_a_private_ca_is_reached_once_its_ca_is_given() {
    let api = test_support::fixture_api::FixtureApi::start_tls();
    let dir = tempfile::tempdir().unwrap();
    let add = [
        "env",
        "add",
        "edge",
        "--kind",
        "dev",
        "--api-url",
        &api.url(),
    ];
    assert!(afctl(dir.path(), &add).status.success());
    let untrusted = afctl(dir.path(), &["health", "--env", "edge"]);
    assert_ne!(untrusted.status.code(), Some(0));
    test_support::assert_contains(
        &String::from_utf8_lossy(&untrusted.stdout).to_lowercase(),
        &["certificate"],
    );
    let ca = api.ca_file().to_str().unwrap();
    assert!(
        afctl(dir.path(), &["env", "set", "edge", "--api-ca-cert", ca])
            .status
            .success()
    );
    let shown = afctl(dir.path(), &["env", "show", "edge"]);
    test_support::assert_contains(&String::from_utf8_lossy(&shown.stdout), &["API CA", ca]);
    let trusted = afctl(dir.path(), &["--json", "health", "--env", "edge"]);
    assert_eq!(trusted.status.code(), Some(0));
    let report = json(&trusted);
    assert_eq!(report["probes"][0]["status"], "ok", "{report}");
}

/// The platform only recognises `af_` keys: another is stored (the operator may know better),
/// with a warning.
#[test]
fn an_api_key_without_the_af_prefix_is_stored_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let add = afctl(
        dir.path(),
        &[
            "env",
            "add",
            "local",
            "--kind",
            "dev",
            "--api-url",
            "http://127.0.0.1:9",
        ],
    );
    assert!(add.status.success(), "{}", test_support::afctl::text(&add));
    let store = |key: &str| {
        test_support::afctl::run(
            Path::new(env!("CARGO_BIN_EXE_afctl")),
            dir.path(),
            &["env", "credential", "local", "api-key"],
            key,
            &[],
        )
    };
    let foreign = store("sk-not-a-platform-key");
    assert!(foreign.status.success());
    test_support::assert_contains(
        &String::from_utf8_lossy(&foreign.stderr),
        &["warning: the platform only recognises keys that start with af_"],
    );
    let platform = store("af_platform_key_123");
    assert!(platform.status.success());
    assert!(!String::from_utf8_lossy(&platform.stderr).contains("warning"));
}

/// The subcommands `afctl --help` lists (its "Commands:" block, without `help`).
fn listed_subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|line| !line.starts_with("Commands:"))
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        // A name starts its line after two spaces; wrapped descriptions are indented further.
        .filter(|line| !line[2..].starts_with(' '))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_completion_completes_subcommands_and_the_other_shells_scripts_name_them() {
    let dir = tempfile::tempdir().unwrap();
    let bash = afctl(dir.path(), &["completions", "bash"]);
    assert!(bash.status.success());
    let script = dir.path().join("afctl.bash");
    std::fs::write(&script, &bash.stdout).unwrap();
    // What bash does on `afctl db q<Tab>`: the script's completion function fills COMPREPLY.
    let completed = std::process::Command::new("bash")
        .arg("-c")
        .arg(
            r#"source "$1"; complete -p afctl >/dev/null || exit 3
               COMP_WORDS=(afctl db q); COMP_CWORD=2; COMP_LINE="afctl db q"; COMP_POINT=${#COMP_LINE}
               _afctl afctl q db; printf '%s\n' "${COMPREPLY[@]}""#,
        )
        .arg("bash")
        .arg(&script)
        .output()
        .unwrap();
    assert!(
        completed.status.success(),
        "{}",
        String::from_utf8_lossy(&completed.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&completed.stdout).trim(), "query");

    for (shell, marker) in [("zsh", "#compdef afctl"), ("fish", "complete -c afctl")] {
        let out = afctl(dir.path(), &["completions", shell]);
        assert!(out.status.success());
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(marker), "{shell}: no {marker:?}");
        assert!(text.contains("rehearse"), "{shell}: no nested subcommand");
    }
    let unknown = afctl(dir.path(), &["completions", "cmd.exe"]);
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn manual_pages_cover_every_subcommand_and_its_options() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("man");
    let out = afctl(dir.path(), &["manuals", pages.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = |name: &str| {
        std::fs::read_to_string(pages.join(format!("{name}.1")))
            .unwrap_or_else(|e| panic!("{name}.1: {e}"))
    };
    let main = page("afctl");
    assert!(
        main.starts_with(".ie") || main.contains(".TH afctl 1"),
        "{main}"
    );
    assert!(main.contains(&format!("afctl {}", env!("CARGO_PKG_VERSION"))));
    let help = afctl(dir.path(), &["--help"]);
    let listed = listed_subcommands(&String::from_utf8_lossy(&help.stdout));
    assert!(listed.len() >= 12, "{listed:?}");
    assert!(
        !listed.contains(&"manuals".to_owned()),
        "a packaging tool, hidden"
    );
    for name in &listed {
        page(&format!("afctl-{name}"));
    }
    let query = page("afctl-db-query");
    assert!(query.contains("\\-\\-write"), "{query}");
    assert!(!pages.join("afctl-help.1").exists());
}

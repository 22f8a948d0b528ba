//! `afctl env` and `afctl secrets` as a pipeline runs them: the real binary, the real keyring
//! (the test session's Secret Service), real files and exit codes.

use std::path::Path;
use std::process::Output;

use test_support::assert_contains;
use test_support::leaks::files_containing;

const DB_PW: &str = "cli-db-pw-5x9Q2w";
const JWT: &str = "cli-jwt-secret-0123456789-abcdefghijklmnop";
const OPENAI: &str = "sk-cli-openai-777";

struct Run {
    out: Output,
}

impl Run {
    fn code(&self) -> i32 {
        self.out.status.code().unwrap_or(-1)
    }
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.stdout).into_owned()
    }
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }
    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.out.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", self.stdout(), self.stderr()))
    }
    fn ok(self) -> Self {
        assert_eq!(
            self.code(),
            0,
            "stdout: {}\nstderr: {}",
            self.stdout(),
            self.stderr()
        );
        self
    }
}

/// Runs afctl with `stdin` piped in; every run's output is kept for the leak check.
fn afctl_in(
    dir: &Path,
    args: &[&str],
    stdin: &str,
    env: &[(&str, &str)],
    log: &mut Vec<String>,
) -> Run {
    let binary = Path::new(env!("CARGO_BIN_EXE_afctl"));
    let out = test_support::afctl::run(binary, dir, args, stdin, env);
    let run = Run { out };
    // Output only: the arguments are the test's own input (`--db-url` carries a password).
    if !args.contains(&"--reveal") {
        log.push(format!("{}{}", run.stdout(), run.stderr()));
    }
    run
}

#[test]
fn environments_and_secrets_end_to_end_without_leaks() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    let mut log = Vec::new();
    let mut run = |args: &[&str], stdin: &str| afctl_in(&config, args, stdin, &[], &mut log);

    let list = run(&["env", "list"], "").ok();
    assert!(list.stdout().contains("No environments yet"));

    let db_url = format!("postgresql://agent:{DB_PW}@127.0.0.1:5432/agent_factory");
    run(
        &[
            "env",
            "add",
            "staging",
            "--kind",
            "staging",
            "--api-url",
            "http://127.0.0.1:8000",
            "--db-url",
            &db_url,
        ],
        "",
    )
    .ok();
    run(
        &[
            "env",
            "add",
            "prod",
            "--kind",
            "production",
            "--redis-url",
            "rediss://default:redis-pw-991@cache.example.com:6380/0",
        ],
        "",
    )
    .ok();
    let shown = run(&["env", "show", "staging", "--json"], "").ok().json();
    assert_eq!(shown["database"]["hasPassword"], true);
    assert_eq!(shown["database"]["user"], "agent");
    let prod = run(&["env", "show", "prod", "--json"], "").ok().json();
    assert_eq!(prod["safety"], "protected");
    assert_eq!(prod["redis"]["tls"], true);
    let list = run(&["--json", "env", "list"], "").ok().json();
    assert_eq!(list["current"], "staging");
    assert_eq!(list["environments"].as_array().unwrap().len(), 2);

    // Bad input: a clear error, exit 2, nothing written.
    let bad = run(
        &[
            "env",
            "add",
            "x",
            "--kind",
            "dev",
            "--db-url",
            "mysql://u:hunter22@h/db",
        ],
        "",
    );
    assert_eq!(bad.code(), 2);
    assert!(
        bad.stderr().contains("postgresql://") && !bad.stderr().contains("hunter22"),
        "{}",
        bad.stderr()
    );
    assert_eq!(run(&["env", "show", "nope"], "").code(), 2);

    // Connection credentials from stdin too: a Redis password, then an API login.
    run(
        &[
            "env",
            "credential",
            "prod",
            "redis-password",
            "--confirm",
            "prod",
        ],
        "redis-pw-991\n",
    )
    .ok();
    let prod = run(&["env", "show", "prod", "--json"], "").ok().json();
    assert_eq!(prod["redis"]["hasPassword"], true);
    run(
        &[
            "env",
            "credential",
            "staging",
            "api-password",
            "--email",
            "ops@example.com",
        ],
        "login-pw-3141",
    )
    .ok();
    let staging = run(&["env", "show", "staging", "--json"], "").ok().json();
    assert_eq!(
        staging["apiAuth"],
        serde_json::json!({"kind": "login", "email": "ops@example.com", "hasPassword": true})
    );
    assert_eq!(
        run(&["env", "credential", "staging", "api-password"], "x").code(),
        2,
        "--email is required"
    );
    run(
        &["env", "credential", "staging", "db-password", "--clear"],
        "",
    )
    .ok();
    let staging = run(&["env", "show", "staging", "--json"], "").ok().json();
    assert_eq!(staging["database"]["hasPassword"], false);
    run(&["env", "credential", "staging", "db-password"], DB_PW).ok();

    // Values come from stdin.
    run(
        &["secrets", "set", "--env", "staging", "JWT_SECRET_KEY"],
        &format!("{JWT}\n"),
    )
    .ok();
    run(
        &[
            "secrets",
            "set",
            "--env",
            "prod",
            "JWT_SECRET_KEY",
            "--confirm",
            "prod",
        ],
        JWT,
    )
    .ok();
    run(
        &["secrets", "set", "--env", "staging", "OPENAI_API_KEY"],
        OPENAI,
    )
    .ok();
    let masked = run(
        &["secrets", "get", "--env", "staging", "JWT_SECRET_KEY"],
        "",
    )
    .ok();
    assert!(!masked.stdout().contains(JWT) && masked.stdout().contains("--reveal"));
    let revealed = run(
        &[
            "secrets",
            "get",
            "--env",
            "staging",
            "JWT_SECRET_KEY",
            "--reveal",
        ],
        "",
    )
    .ok();
    assert_eq!(revealed.stdout(), format!("{JWT}\n"));

    // Import: a dry run writes nothing; the real import routes secrets to the keyring.
    let env_file = dir.path().join("in.env");
    std::fs::write(
        &env_file,
        format!(
            "DATABASE_URL=\"postgres://a:{DB_PW}@h/db\"\nDEBUG=true\nnot a line\nLOG_LEVEL=INFO\n"
        ),
    )
    .unwrap();
    let env_path = env_file.to_str().unwrap();
    let dry = run(
        &[
            "--json",
            "secrets",
            "import",
            "--env",
            "staging",
            env_path,
            "--dry-run",
        ],
        "",
    )
    .ok()
    .json();
    assert_eq!(dry["problems"][0]["line"], 3);
    assert_eq!(
        run(
            &["--json", "secrets", "get", "--env", "staging", "DEBUG"],
            ""
        )
        .code(),
        2,
        "dry run wrote nothing"
    );
    // An import changes many values at once: off a terminal it needs --yes, and without it
    // nothing is written.
    let unconfirmed = run(
        &["--json", "secrets", "import", "--env", "staging", env_path],
        "",
    );
    assert_eq!(unconfirmed.code(), 1);
    assert_contains(&unconfirmed.stdout(), &["--yes"]);
    let imported = run(
        &[
            "--json", "secrets", "import", "--env", "staging", env_path, "--yes",
        ],
        "",
    )
    .ok()
    .json();
    assert_eq!(imported["summary"]["added"], 3);
    assert_eq!(imported["summary"]["skipped"], 1);

    // check: the postgres:// scheme is an error (exit 1) until fixed.
    let check = run(&["secrets", "check", "--env", "staging"], "");
    assert_eq!(check.code(), 1, "{}", check.stdout());
    assert!(check.stdout().contains("DATABASE_URL") && check.stdout().contains("postgres://"));
    run(
        &["secrets", "set", "--env", "staging", "DATABASE_URL"],
        &db_url,
    )
    .ok();
    run(&["secrets", "check", "--env", "staging"], "").ok();
    run(
        &["secrets", "set", "--env", "staging", "JWT_ALGORITHM"],
        "HS256",
    )
    .ok();
    let listed = run(&["secrets", "list", "--env", "staging"], "").ok();
    // The platform never reads JWT_ALGORITHM (fixed at HS256): its line says so; DEBUG's does not.
    let line = |name: &str| {
        let text = listed.stdout();
        text.lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no {name} line in:\n{text}"))
            .to_owned()
    };
    assert!(line("JWT_ALGORITHM").contains("[not read by the platform]"));
    assert!(!line("DEBUG").contains("[not read by the platform]"));

    // diff: drift exits 1 and names it; the shared JWT secret is a production warning.
    let diff = run(&["--json", "secrets", "diff", "staging", "prod"], "");
    assert_eq!(diff.code(), 1);
    let board = diff.json();
    let rows = board["rows"].as_array().unwrap();
    let status = |n: &str| rows.iter().find(|r| r["name"] == n).unwrap()["status"].clone();
    assert_eq!(status("JWT_SECRET_KEY"), "equal");
    assert_eq!(status("DEBUG"), "missing");
    assert!(
        board["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["variable"] == "JWT_SECRET_KEY"
                && w["message"].as_str().unwrap().contains("staging"))
    );
    run(&["secrets", "diff", "staging", "staging"], "").ok();

    // Export: private file, warning on stderr, and it imports back unchanged.
    let out_file = dir.path().join("out.env");
    let export = run(
        &[
            "secrets",
            "export",
            "--env",
            "staging",
            out_file.to_str().unwrap(),
        ],
        "",
    )
    .ok();
    assert!(export.stderr().contains("warning"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&out_file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let again = run(
        &[
            "--json",
            "secrets",
            "import",
            "--env",
            "staging",
            out_file.to_str().unwrap(),
            "--dry-run",
        ],
        "",
    )
    .ok()
    .json();
    assert!(
        again["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["action"] == "unchanged")
    );
    std::fs::remove_file(&out_file).unwrap();
    std::fs::remove_file(&env_file).unwrap(); // the operator's own input file

    // Removing a protected environment needs its name, off a terminal as --confirm; a refusal
    // exits 1 and changes nothing.
    let refused = run(&["env", "remove", "prod", "--yes"], "");
    assert_eq!(refused.code(), 1);
    assert_contains(&refused.stderr(), &["--confirm prod"]);
    run(&["env", "show", "prod"], "").ok();
    run(
        &[
            "secrets",
            "remove",
            "--env",
            "staging",
            "OPENAI_API_KEY",
            "--yes",
        ],
        "",
    )
    .ok();
    run(&["env", "remove", "prod", "--confirm", "prod"], "").ok();
    run(&["env", "use", "staging"], "").ok();

    // No secret in the diagnostics bundle an operator attaches to a bug report (read back entry by
    // entry: the zip is compressed, so its bytes say nothing).
    let bundle = dir.path().join("diagnostics.zip");
    let written = run(&["--json", "diagnostics", bundle.to_str().unwrap()], "")
        .ok()
        .json();
    let entries = bundle_entries(&bundle);
    for name in [
        "versions.json",
        "settings.json",
        "audit.jsonl",
        "README.txt",
    ] {
        assert!(entries.iter().any(|(n, _)| n == name), "{name}: {written}");
    }
    for secret in [DB_PW, JWT, OPENAI, "redis-pw-991", "login-pw-3141"] {
        for (name, text) in &entries {
            assert!(!text.contains(secret), "{secret} in the bundle's {name}");
        }
    }
    // The leak check: no secret in any file the console wrote or any output, except the one
    // --reveal the operator asked for.
    let outputs: String = log.concat();
    for secret in [DB_PW, JWT, OPENAI, "redis-pw-991", "login-pw-3141"] {
        assert!(
            files_containing(dir.path(), secret, &[]).is_empty(),
            "{secret} in {:?}",
            files_containing(dir.path(), secret, &[])
        );
        assert!(!outputs.contains(secret), "{secret} in output:\n{outputs}");
    }
    let audit = std::fs::read_to_string(config.join("audit.jsonl")).unwrap();
    assert!(
        audit.contains("\"source\":\"afctl\"")
            && audit.contains("env-file.import")
            && audit.contains("secret.reveal")
    );
}

#[test]
fn without_a_keyring_secrets_fail_clearly_and_the_rest_works() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = Vec::new();
    let no_bus = [(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/afc-test-bus",
    )];
    let mut run = |args: &[&str], stdin: &str| afctl_in(dir.path(), args, stdin, &no_bus, &mut log);

    run(
        &[
            "env",
            "add",
            "dev",
            "--kind",
            "dev",
            "--api-url",
            "http://127.0.0.1:8000",
        ],
        "",
    )
    .ok();
    run(&["secrets", "set", "--env", "dev", "DEBUG"], "false").ok();
    let failed = run(
        &["--json", "secrets", "set", "--env", "dev", "JWT_SECRET_KEY"],
        JWT,
    );
    assert_eq!(failed.code(), 2);
    let error = &failed.json()["error"];
    assert_eq!(error["code"], "keyring_unavailable");
    assert!(
        error["details"]
            .as_str()
            .unwrap()
            .contains("gnome-keyring-daemon")
    );
    // Nothing was stored anywhere else instead.
    assert!(files_containing(dir.path(), JWT, &[]).is_empty());
    let shown = run(&["--json", "env", "show", "dev"], "").ok().json();
    assert!(shown["variables"].get("JWT_SECRET_KEY").is_none());
    let added_with_password = run(
        &[
            "env",
            "add",
            "x",
            "--kind",
            "dev",
            "--db-url",
            "postgresql://u:pw-xyz1@h/db",
        ],
        "",
    );
    assert_eq!(added_with_password.code(), 2);
    assert_eq!(
        run(&["--json", "env", "list"], "").ok().json()["environments"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn test_connection_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = Vec::new();
    let mut run = |args: &[&str]| afctl_in(dir.path(), args, "", &[], &mut log);
    run(&[
        "env",
        "add",
        "local",
        "--kind",
        "dev",
        "--db-url",
        "postgresql://postgres@127.0.0.1:5432/test",
        "--redis-url",
        "redis://127.0.0.1:6379",
    ])
    .ok();
    let ok = run(&["--json", "env", "test", "local"]).ok().json();
    let statuses: Vec<_> = ok["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(statuses, ["skipped", "ok", "ok"]);
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    run(&[
        "env",
        "add",
        "gone",
        "--kind",
        "dev",
        "--api-url",
        &format!("http://127.0.0.1:{closed}"),
    ])
    .ok();
    let failed = run(&["env", "test", "gone"]);
    assert_eq!(failed.code(), 1);
    assert_contains(&failed.stdout(), &["unreachable"]);
}

#[test]
fn env_test_sends_the_keyrings_password_and_a_wrong_one_fails_at_the_server() {
    use test_support::postgres::{PASSWORD_ROLE_SECRET, password_role_url};
    let dir = tempfile::tempdir().unwrap();
    let mut log = Vec::new();
    let mut run = |args: &[&str], stdin: &str| afctl_in(dir.path(), args, stdin, &[], &mut log);
    let url = password_role_url(PASSWORD_ROLE_SECRET);
    run(&["env", "add", "pw", "--kind", "dev", "--db-url", &url], "").ok();
    let passed = run(&["--json", "env", "test", "pw"], "").ok().json();
    assert_eq!(passed["results"][1]["target"], "database");
    assert_eq!(passed["results"][1]["status"], "ok", "{passed}");
    run(
        &["env", "credential", "pw", "db-password", "--yes"],
        "not-the-password\n",
    )
    .ok();
    let failed = run(&["env", "test", "pw"], "");
    assert_eq!(failed.code(), 1);
    assert_contains(&failed.stdout(), &["password authentication failed"]);
    assert!(files_containing(dir.path(), PASSWORD_ROLE_SECRET, &[]).is_empty());
}

#[test]
fn bad_files_are_clear_errors_that_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = Vec::new();
    let mut run = |args: &[&str]| afctl_in(dir.path(), args, "", &[], &mut log);
    run(&["env", "add", "dev", "--kind", "dev"]).ok();

    // A .env file that is not text.
    let binary = dir.path().join("binary.env");
    std::fs::write(&binary, [b'A', b'=', 0xff, 0xfe, b'\n']).unwrap();
    let out = run(&[
        "--json",
        "secrets",
        "import",
        "--env",
        "dev",
        binary.to_str().unwrap(),
    ]);
    assert_eq!(out.code(), 2);
    assert_eq!(out.json()["error"]["code"], "invalid_input");
    assert!(
        out.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not UTF-8")
    );
    let missing = run(&[
        "--json",
        "secrets",
        "import",
        "--env",
        "dev",
        "/nonexistent/x.env",
    ]);
    assert_eq!(missing.json()["error"]["code"], "not_found");

    // A settings file broken by hand: afctl reports it with the line and leaves it alone.
    let settings = dir.path().join("settings.json");
    std::fs::write(&settings, "{\n  \"environments\": [\n").unwrap();
    let out = run(&["env", "list"]);
    assert_eq!(out.code(), 2);
    assert_contains(&out.stderr(), &["settings.json", "line"]);
    assert_eq!(
        std::fs::read_to_string(&settings).unwrap(),
        "{\n  \"environments\": [\n"
    );
    assert!(!dir.path().join("settings.json.corrupt-1").exists());
}

#[test]
fn env_set_changes_only_what_is_given_and_keeps_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = Vec::new();
    let mut run = |args: &[&str], stdin: &str| afctl_in(dir.path(), args, stdin, &[], &mut log);
    let url = "postgresql://app:set-test-pw-8@127.0.0.1:5432/test";
    run(
        &[
            "env",
            "add",
            "qa",
            "--kind",
            "dev",
            "--api-url",
            "http://127.0.0.1:8000",
            "--db-url",
            url,
        ],
        "",
    )
    .ok();
    run(&["secrets", "set", "--env", "qa", "JWT_SECRET_KEY"], JWT).ok();

    let set = [
        "--json",
        "env",
        "set",
        "qa",
        "--kind",
        "production",
        "--rename",
        "prod-qa",
        "--db-url",
        "postgresql://app@db.internal:5433/app",
    ];
    // A new host does not get the stored password unless asked to.
    let refused = run(&set, "");
    assert_eq!(refused.code(), 2);
    let said = format!("{}{}", refused.stdout(), refused.stderr());
    assert_contains(&said, &["db.internal", "stored database password"]);
    let moved = run(&[&set[..], &["--keep-passwords"]].concat(), "")
        .ok()
        .json();
    assert_eq!(moved["name"], "prod-qa");
    assert_eq!(moved["safety"], "protected", "production becomes protected");
    assert_eq!(
        moved["apiUrl"], "http://127.0.0.1:8000",
        "not given, so unchanged"
    );
    assert_eq!(moved["database"]["host"], "db.internal");
    assert_eq!(
        moved["database"]["tls"], "verify-full",
        "a remote host defaults to full verification"
    );
    assert_eq!(
        moved["database"]["hasPassword"], true,
        "--keep-passwords keeps the stored one for the new host"
    );
    let revealed = run(
        &[
            "secrets",
            "get",
            "--env",
            "prod-qa",
            "JWT_SECRET_KEY",
            "--reveal",
        ],
        "",
    )
    .ok();
    assert_eq!(
        revealed.stdout().trim_end(),
        JWT,
        "secrets moved with the rename"
    );
    assert_eq!(run(&["env", "show", "qa"], "").code(), 2);
    let bad = run(&["env", "set", "prod-qa", "--color", "red"], "");
    assert_eq!(bad.code(), 2);
    assert!(bad.stderr().contains("#rrggbb"), "{}", bad.stderr());
}

#[test]
fn a_custom_secret_becomes_plain_only_through_make_plain_with_a_confirmation() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = Vec::new();
    let mut run = |args: &[&str], stdin: &str| afctl_in(dir.path(), args, stdin, &[], &mut log);
    run(&["env", "add", "qa", "--kind", "dev"], "").ok();
    let var = "PARTNER_ENDPOINT_CODE";
    run(
        &["secrets", "set", "--env", "qa", var, "--secret"],
        "pc-one-31337",
    )
    .ok();
    run(&["secrets", "set", "--env", "qa", var], "pc-two-31337").ok();
    let plain = run(
        &["secrets", "set", "--env", "qa", var, "--plain"],
        "pc-three-31337",
    );
    assert_eq!(plain.code(), 2);
    assert_contains(&plain.stderr(), &["kept in the OS keyring", "make-plain"]);
    let unconfirmed = run(&["secrets", "make-plain", "--env", "qa", var], "");
    assert_eq!(unconfirmed.code(), 1);
    assert_contains(&unconfirmed.stderr(), &["--yes", "settings file on disk"]);
    for value in ["pc-one-31337", "pc-two-31337", "pc-three-31337"] {
        assert!(
            files_containing(dir.path(), value, &[]).is_empty(),
            "{value} reached a file"
        );
    }
    run(&["secrets", "make-plain", "--env", "qa", var, "--yes"], "").ok();
    let shown = run(&["--json", "secrets", "get", "--env", "qa", var], "")
        .ok()
        .json();
    assert_eq!(
        (shown["secret"].as_bool(), shown["value"].as_str()),
        (Some(false), Some("pc-two-31337"))
    );
    // The diagnostics bundle names the variable, but leaves out the value the settings file holds.
    let bundle = dir.path().join("diagnostics.zip");
    run(&["diagnostics", bundle.to_str().unwrap()], "").ok();
    let settings = bundle_entries(&bundle)
        .into_iter()
        .find(|(n, _)| n == "settings.json")
        .unwrap()
        .1;
    assert!(
        settings.contains(var) && !settings.contains("pc-two-31337"),
        "{settings}"
    );
}

/// Every entry of a zip, as text.
fn bundle_entries(path: &Path) -> Vec<(String, String)> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).unwrap();
            let mut text = String::new();
            entry.read_to_string(&mut text).unwrap();
            (entry.name().unwrap().into_owned(), text)
        })
        .collect()
}

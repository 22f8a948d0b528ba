//! Running afctl as a pipeline does: a configuration folder, a value on stdin, the output kept.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Runs the afctl `binary` with `AFC_CONFIG_DIR=config_dir`, `stdin` piped in and `AFC_LOG`
/// unset (so stderr holds only what an operator would see), plus `env`.
pub fn run(
    binary: &Path,
    config_dir: &Path,
    args: &[&str],
    stdin: &str,
    env: &[(&str, &str)],
) -> Output {
    let mut child = Command::new(binary)
        .args(args)
        .env("AFC_CONFIG_DIR", config_dir)
        .env_remove("AFC_LOG")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("afctl runs");
    let written = child
        .stdin
        .take()
        .expect("a stdin pipe")
        .write_all(stdin.as_bytes());
    // A command that ends before reading (a refusal) closes the pipe first: not an error.
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        panic!("afctl's stdin could not be written: {e}");
    }
    child.wait_with_output().expect("afctl finishes")
}

/// stdout as JSON (afctl's `--json` output), or a panic showing what was printed instead.
pub fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

/// Everything afctl printed: stdout, then stderr.
pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `afctl env add` for a dev environment `name` on the API at `api_url`, the machine's
/// PostgreSQL (database `test`, no TLS) and the Redis at `redis_url`.
pub fn add_local_environment<'a>(
    name: &'a str,
    api_url: &'a str,
    redis_url: &'a str,
) -> [&'a str; 11] {
    [
        "env",
        "add",
        name,
        "--kind",
        "dev",
        "--api-url",
        api_url,
        "--db-url",
        "postgresql://postgres@127.0.0.1:5432/test?sslmode=disable",
        "--redis-url",
        redis_url,
    ]
}

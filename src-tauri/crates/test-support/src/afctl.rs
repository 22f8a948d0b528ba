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
    child
        .stdin
        .take()
        .expect("a stdin pipe")
        .write_all(stdin.as_bytes())
        .expect("afctl reads stdin");
    child.wait_with_output().expect("afctl finishes")
}

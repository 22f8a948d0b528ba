//! The command surface the window gets (src/commands/, scanned as build.rs scans it): every write
//! carries the operator's answer to the write policy, and no command takes a path. Plain tests,
//! not ignored: they need no window.

use std::path::Path;

use command_surface::{Command, Ty, scan};

/// Commands with an argument that names a file or folder: the window would choose a path.
fn taking_paths(commands: &[Command]) -> Vec<String> {
    commands
        .iter()
        .flat_map(|c| c.args.iter().map(move |(arg, _)| (c, arg)))
        .filter(|(_, arg)| {
            ["path", "file", "dir", "folder"]
                .iter()
                .any(|w| arg.contains(w))
        })
        .map(|(c, arg)| format!("{}({arg})", c.name))
        .collect()
}

/// Commands that change what an environment holds (its profile, secrets or database) but
/// take no `confirmation`: the window could not pass on the operator's answer to the write
/// policy, so the change would either be refused always or not be guarded.
fn unguarded_writes(commands: &[Command]) -> Vec<String> {
    const WRITES: [&str; 10] = [
        "update_environment",
        "delete_environment",
        "set_variable",
        "change_variable",
        "apply_",
        "revert_",
        "adopt_",
        "save_agent",
        "delete_agent",
        "reconcile_agents",
    ];
    commands
        .iter()
        .filter(|c| WRITES.iter().any(|w| c.name.starts_with(w)))
        .filter(|c| !c.args.iter().any(|(arg, _)| arg == "confirmation"))
        .map(|c| c.name.clone())
        .collect()
}

#[test]
fn every_write_command_carries_the_operators_answer_to_the_write_policy() {
    let unguarded = Command {
        module: "secrets".into(),
        name: "change_variable".into(),
        doc: String::new(),
        args: vec![
            ("environment".into(), Ty::String),
            ("name".into(), Ty::String),
        ],
        returns: Ty::Null,
    };
    assert_eq!(unguarded_writes(&[unguarded]), ["change_variable"]);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let commands = scan(&dir.join("src/commands")).unwrap();
    let writes = [
        "update_environment",
        "delete_environment",
        "set_variable",
        "change_variable",
        "apply_import",
        "apply_migrations",
        "revert_migrations",
        "adopt_database",
        "save_agent",
        "save_agents",
        "delete_agent",
        "reconcile_agents",
    ];
    for w in writes {
        assert!(
            commands.iter().any(|c| c.name == w),
            "{w} is gone: update this test"
        );
    }
    assert_eq!(unguarded_writes(&commands), Vec::<String>::new());
}

#[test]
fn no_command_takes_a_path_and_the_window_cannot_open_file_dialogs() {
    let old = Command {
        module: "secrets".into(),
        name: "export_variables".into(),
        doc: String::new(),
        args: vec![
            ("environment".into(), Ty::String),
            ("path".into(), Ty::String),
        ],
        returns: Ty::Null,
    };
    assert_eq!(taking_paths(&[old]), ["export_variables(path)"]);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let commands = scan(&dir.join("src/commands")).unwrap();
    assert!(commands.len() > 30, "the scan found the commands");
    assert_eq!(taking_paths(&commands), Vec::<String>::new());
    let capability = std::fs::read_to_string(dir.join("capabilities/main.json")).unwrap();
    assert!(!capability.contains("\"dialog:"), "{capability}");
}

//! The layer rules of docs/architecture.md, checked on the source: no import cycle between
//! afc-core's modules; only `api` builds an HTTP client, only `db` opens a PostgreSQL connection.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The top-level module a file belongs to (`migrate` for src/migrate/apply.rs).
fn module(path: &Path) -> String {
    let rel = path.strip_prefix(src()).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_owned()
}

/// Code without comments (doc links name modules too).
fn code(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let mut files = Vec::new();
    sources(&src(), &mut files);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &files {
        let from = module(f);
        let text = code(f);
        for (i, _) in text.match_indices("crate::") {
            let to: String = text[i + 7..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if !to.is_empty() && to != from {
                edges.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    // Depth-first search for a path back to the start.
    fn reaches(
        edges: &BTreeMap<String, BTreeSet<String>>,
        from: &str,
        target: &str,
        seen: &mut BTreeSet<String>,
        path: &mut Vec<String>,
    ) -> bool {
        for next in edges.get(from).into_iter().flatten() {
            path.push(next.clone());
            if next == target
                || (seen.insert(next.clone()) && reaches(edges, next, target, seen, path))
            {
                return true;
            }
            path.pop();
        }
        false
    }
    for start in edges.keys() {
        let mut path = vec![start.clone()];
        let found = reaches(&edges, start, start, &mut BTreeSet::new(), &mut path);
        assert!(!found, "an import cycle: {}", path.join(" -> "));
    }
    assert!(edges.len() > 15, "the scan found the modules: {edges:?}");
}

#[test]
fn only_api_builds_http_clients_and_only_db_connects_to_postgresql() {
    let mut files = Vec::new();
    sources(&src(), &mut files);
    for f in &files {
        let text = code(f);
        let m = module(f);
        if m != "api" {
            assert!(
                !text.contains("reqwest::Client"),
                "{} builds an HTTP client",
                f.display()
            );
        }
        if m != "db" {
            for connects in [
                "PgConnectOptions",
                "PgPoolOptions",
                "PgConnection::connect",
                ".connect_with(",
            ] {
                assert!(
                    !text.contains(connects),
                    "{} connects to PostgreSQL ({connects})",
                    f.display()
                );
            }
        }
    }
}

/// The `format!(…)` calls in `text` that build SQL (a statement starts in their literal).
fn sql_format_calls(text: &str) -> Vec<String> {
    const VERBS: [&str; 7] = [
        "ALTER ", "DROP ", "CREATE ", "UPDATE ", "SELECT ", "INSERT ", "DELETE ",
    ];
    let mut found = Vec::new();
    for (start, _) in text.match_indices("format!(") {
        // The call: up to the parenthesis that closes it.
        let mut depth = 0;
        let mut end = start;
        for (i, c) in text[start..].char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = start + i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let call = &text[start..end];
        // A statement starts the literal, or follows `;`, `\n` or a line continuation.
        let flat = call.split_whitespace().collect::<Vec<_>>().join(" ");
        let starts_sql = VERBS.iter().any(|v| {
            ["\"", "; ", "\\n", "\\n ", "\\ "]
                .iter()
                .any(|before| flat.contains(&format!("{before}{v}")))
        });
        if starts_sql {
            found.push(call.to_owned());
        }
    }
    found
}

/// The SQL-building calls in `text` that take a `.name` without quoting it through
/// `db::ident`, `db::public` or `db::idents` (or, as a value, `db::literal`).
fn unquoted_sql_names(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for call in sql_format_calls(text) {
        // What is left once every quoted name is taken out.
        let mut rest = call.clone();
        for quoting in ["idents(", "public(", "ident(", "literal("] {
            while let Some(at) = rest.find(quoting) {
                let close = rest[at..].find(')').map_or(rest.len(), |c| at + c + 1);
                rest.replace_range(at..close, "");
            }
        }
        if rest.contains(".name") {
            found.push(call);
        }
    }
    found
}

#[test]
fn sql_takes_names_only_quoted() {
    // The check can fail: the adoption repair's old rename.
    let old = r#"format!("ALTER INDEX public.{} RENAME TO {}", other.name, ix.name)"#;
    assert_eq!(unquoted_sql_names(old).len(), 1);
    let quoted = r#"format!("ALTER INDEX {} RENAME TO {}", public(&other.name), ident(ix.name))"#;
    assert!(unquoted_sql_names(quoted).is_empty());
    let mut files = Vec::new();
    sources(&src(), &mut files);
    let scanned: usize = files.iter().map(|f| sql_format_calls(&code(f)).len()).sum();
    assert!(
        scanned > 15,
        "the scan finds the SQL the console builds ({scanned})"
    );
    for f in &files {
        let bad = unquoted_sql_names(&code(f));
        assert!(
            bad.is_empty(),
            "{} formats unquoted names into SQL: {bad:#?}",
            f.display()
        );
    }
}

//! `.env` files: a parser that reports every problem with its line number instead of guessing,
//! and a writer whose output the parser reads back to exactly the same values.
//!
//! Written here rather than taken from the `dotenvy` crate because the console needs what that
//! crate does not give: every problem in one pass with line numbers (it stops at the first),
//! duplicate keys reported rather than silently resolved, and a writer that round-trips any value.
//!
//! Accepted syntax: `KEY=value`, optional `export ` prefix, spaces around `=`, blank lines and
//! `#` comments; unquoted values end at ` #` (an inline comment); `'single'` quotes are literal;
//! `"double"` quotes understand `\n \r \t \\ \" \$ \`` and may span lines.

use std::collections::HashMap;

use serde::Serialize;
use ts_rs::TS;

use super::catalog::is_valid_name;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DotenvEntry {
    pub key: String,
    pub value: String,
    /// 1-based line where the entry starts.
    pub line: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// The line was skipped.
    Invalid,
    /// The key appeared before; the last value wins.
    Duplicate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DotenvProblem {
    pub line: u32,
    pub kind: ProblemKind,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct ParsedDotenv {
    /// One entry per key (the last occurrence), in order of first appearance.
    pub entries: Vec<DotenvEntry>,
    pub problems: Vec<DotenvProblem>,
}

pub fn parse(text: &str) -> ParsedDotenv {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let mut out = ParsedDotenv::default();
    // Where each key is in `out.entries`, so duplicates are found without a scan per line.
    let mut index = HashMap::new();
    let mut i = 0;
    while i < lines.len() {
        let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        match parse_entry(&lines, &mut i) {
            Ok(None) => {}
            Ok(Some((key, value))) => add(&mut out, &mut index, key, value, line_no),
            Err(message) => out.problems.push(DotenvProblem {
                line: line_no,
                kind: ProblemKind::Invalid,
                message,
            }),
        }
        i += 1;
    }
    out
}

fn add(
    out: &mut ParsedDotenv,
    index: &mut HashMap<String, usize>,
    key: String,
    value: String,
    line: u32,
) {
    if let Some(existing) = index.get(&key).map(|&at| &mut out.entries[at]) {
        out.problems.push(DotenvProblem {
            line,
            kind: ProblemKind::Duplicate,
            message: format!(
                "{key} is also set on line {}; the value from line {line} is used",
                existing.line
            ),
        });
        existing.value = value;
        existing.line = line;
    } else {
        index.insert(key.clone(), out.entries.len());
        out.entries.push(DotenvEntry { key, value, line });
    }
}

/// Parses the entry starting at `lines[*i]`, advancing `*i` past any continuation lines of a
/// multi-line quoted value. `Ok(None)` for blank and comment lines.
fn parse_entry(lines: &[&str], i: &mut usize) -> Result<Option<(String, String)>, String> {
    let line = lines[*i].trim_start();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let line = line.strip_prefix("export ").map_or(line, str::trim_start);
    let Some((key, rest)) = line.split_once('=') else {
        return Err("Not a KEY=value line (no \"=\")".to_owned());
    };
    let key = key.trim_end();
    if !is_valid_name(key) {
        // Not echoed: a line that is not KEY=value may be a secret on its own.
        return Err(
            "The name before \"=\" is not a variable name (letters, digits and _, not starting with a digit)"
                .to_owned(),
        );
    }
    let rest = rest.trim_start();
    let value = match rest.chars().next() {
        Some(q @ ('"' | '\'')) => quoted(lines, i, &rest[1..], q)?,
        _ => unquoted(rest),
    };
    Ok(Some((key.to_owned(), value)))
}

fn unquoted(rest: &str) -> String {
    // An inline comment starts at a `#` preceded by whitespace.
    let end = rest
        .char_indices()
        .find(|&(at, c)| c == '#' && rest[..at].ends_with([' ', '\t']))
        .map_or(rest.len(), |(at, _)| at);
    rest[..end].trim_end().to_owned()
}

fn quoted(lines: &[&str], i: &mut usize, first: &str, quote: char) -> Result<String, String> {
    let start = *i;
    let mut value = String::new();
    let mut text = first;
    loop {
        let mut joined = false;
        let mut chars = text.char_indices();
        while let Some((at, c)) = chars.next() {
            if c == quote {
                return after_quote(&text[at + 1..]).map(|()| value);
            }
            if c == '\\' && quote == '"' {
                match chars.next().map(|(_, e)| e) {
                    Some('n') => value.push('\n'),
                    Some('r') => value.push('\r'),
                    Some('t') => value.push('\t'),
                    Some(e @ ('\\' | '"' | '$' | '`')) => value.push(e),
                    Some(other) => {
                        value.push('\\');
                        value.push(other);
                    }
                    // A backslash at the end of a line joins it to the next, as in a shell.
                    None => joined = true,
                }
            } else {
                value.push(c);
            }
        }
        *i += 1;
        match lines.get(*i) {
            Some(next) => {
                if !joined {
                    value.push('\n');
                }
                text = next;
            }
            None => {
                *i = start;
                return Err(format!("The {quote}quoted value is never closed"));
            }
        }
    }
}

fn after_quote(tail: &str) -> Result<(), String> {
    let tail = tail.trim_start();
    if tail.is_empty() || tail.starts_with('#') {
        Ok(())
    } else {
        Err("Unexpected text after the closing quote".to_owned())
    }
}

/// Characters that never need quoting.
fn is_bare(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_-./:@%+,=~^*!?[]{}".contains(c)
}

/// A `.env` line for `key`, quoted so that [`parse`] gives back exactly `value`.
pub fn format_entry(key: &str, value: &str) -> String {
    if value.chars().all(is_bare) {
        return format!("{key}={value}");
    }
    let mut out = String::with_capacity(key.len() + value.len() + 3);
    out.push_str(key);
    out.push_str("=\"");
    for c in value.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '$' => out.push_str("\\$"),
            // A shell that sources the file would run what is between backticks.
            '`' => out.push_str("\\`"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A whole file, one entry per line, with a header comment.
pub fn format_file<'a>(
    header: &str,
    entries: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> String {
    let mut out = String::new();
    for line in header.lines() {
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
    }
    for (key, value) in entries {
        out.push_str(&format_entry(key, value));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn values(text: &str) -> Vec<(String, String)> {
        parse(text)
            .entries
            .into_iter()
            .map(|e| (e.key, e.value))
            .collect()
    }

    fn kv(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_shell_that_sources_an_export_gets_the_values_and_runs_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("ran");
        let value = format!(
            "a`touch {}`b $(touch {}) \"q\" \\ $HOME",
            marker.display(),
            marker.display()
        );
        let file = dir.path().join("x.env");
        std::fs::write(&file, format_file("test", [("V", value.as_str())])).unwrap();
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(". {}; printf %s \"$V\"", file.display()))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(String::from_utf8_lossy(&out.stdout), value);
        assert!(!marker.exists(), "the shell ran a command from a value");
        assert_eq!(
            values(&std::fs::read_to_string(&file).unwrap()),
            kv(&[("V", &value)])
        );
    }

    #[test]
    fn comments_blank_lines_and_export() {
        let text =
            "# a comment\n\n  # indented comment\nexport A=1\nB=2 # inline\nC=x#not-a-comment\n";
        assert_eq!(
            values(text),
            kv(&[("A", "1"), ("B", "2"), ("C", "x#not-a-comment")])
        );
        assert!(parse(text).problems.is_empty());
    }

    #[test]
    fn quotes_and_escapes() {
        let text = r#"S='single $HOME \n "kept"'
D="double \"q\" \\ \$HOME tab\tend"
E="a # not a comment" # but this is
SPACED = "  padded  "
"#;
        assert_eq!(
            values(text),
            kv(&[
                ("S", r#"single $HOME \n "kept""#),
                ("D", "double \"q\" \\ $HOME tab\tend"),
                ("E", "a # not a comment"),
                ("SPACED", "  padded  "),
            ])
        );
    }

    #[test]
    fn multi_line_double_quoted_value() {
        let text = "KEY=\"-----BEGIN KEY-----\nline two\n-----END KEY-----\"\nNEXT=1\n";
        let parsed = parse(text);
        assert_eq!(
            parsed.entries[0].value,
            "-----BEGIN KEY-----\nline two\n-----END KEY-----"
        );
        assert_eq!(
            parsed.entries[1],
            DotenvEntry {
                key: "NEXT".into(),
                value: "1".into(),
                line: 4
            }
        );
    }

    #[test]
    fn equals_signs_and_empty_values() {
        assert_eq!(
            values("URL=postgresql://u:p@h/db?sslmode=require&a=b\nEMPTY=\nQ=\"\"\n"),
            kv(&[
                ("URL", "postgresql://u:p@h/db?sslmode=require&a=b"),
                ("EMPTY", ""),
                ("Q", "")
            ])
        );
    }

    #[test]
    fn duplicates_are_reported_and_the_last_wins() {
        let parsed = parse("A=1\nB=2\nA=3\n");
        assert_eq!(
            parsed.entries[0],
            DotenvEntry {
                key: "A".into(),
                value: "3".into(),
                line: 3
            }
        );
        assert_eq!(parsed.problems.len(), 1);
        let p = &parsed.problems[0];
        assert_eq!((p.line, p.kind), (3, ProblemKind::Duplicate));
        assert!(p.message.contains("line 1"), "{}", p.message);
    }

    #[test]
    fn invalid_lines_are_reported_with_line_numbers_and_skipped() {
        let parsed = parse("GOOD=1\njust words\n1BAD=2\nA-B=3\nQ=\"open\nR=2\n");
        let lines: Vec<_> = parsed.problems.iter().map(|p| (p.line, p.kind)).collect();
        assert_eq!(
            lines,
            vec![
                (2, ProblemKind::Invalid),
                (3, ProblemKind::Invalid),
                (4, ProblemKind::Invalid),
                (5, ProblemKind::Invalid),
            ]
        );
        assert!(parsed.problems[3].message.contains("never closed"));
        // After an unclosed quote, parsing resumes on the next line.
        assert_eq!(
            values("GOOD=1\nQ=\"open\nR=2\n"),
            kv(&[("GOOD", "1"), ("R", "2")])
        );
        assert!(
            parse("A=\"x\" trailing\n").problems[0]
                .message
                .contains("after the closing quote")
        );
    }

    #[test]
    fn crlf_and_bom() {
        assert_eq!(
            values("\u{feff}A=1\r\nB=\"x\"\r\n"),
            kv(&[("A", "1"), ("B", "x")])
        );
    }

    #[test]
    fn writer_quotes_only_when_needed() {
        assert_eq!(
            format_entry("A", "plain-value_1.2:3/4"),
            "A=plain-value_1.2:3/4"
        );
        assert_eq!(format_entry("A", ""), "A=");
        assert_eq!(format_entry("A", "has space"), "A=\"has space\"");
        assert_eq!(format_entry("A", "a\"b$c\\d\ne"), r#"A="a\"b\$c\\d\ne""#);
    }

    fn name() -> impl Strategy<Value = String> {
        "[A-Za-z_][A-Za-z0-9_]{0,20}"
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn export_then_import_round_trips_every_value(
            entries in proptest::collection::btree_map(name(), any::<String>(), 0..12)
        ) {
            let file = format_file("exported", entries.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            let parsed = parse(&file);
            prop_assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
            let back: std::collections::BTreeMap<_, _> =
                parsed.entries.into_iter().map(|e| (e.key, e.value)).collect();
            prop_assert_eq!(back, entries);
        }

        #[test]
        fn any_input_parses_without_panicking(text in any::<String>()) {
            let parsed = parse(&text);
            let lines = text.split('\n').count();
            for p in &parsed.problems {
                prop_assert!(p.line >= 1 && p.line as usize <= lines);
            }
        }

        #[test]
        fn dotenv_like_input_parses_without_panicking(
            text in "([A-Z_]{1,4}|export |[ =\"'#\\\\\\n\\r$a-z])*"
        ) {
            let _ = parse(&text);
        }
    }
}

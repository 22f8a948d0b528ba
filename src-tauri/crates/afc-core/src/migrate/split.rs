//! Splits a migration file into statements, keeping each one's position in the file so a server
//! error can be reported as a line and column of the file the operator wrote.
//!
//! Our own rather than a SQL parser crate: we need the exact source text of each statement
//! (parsers re-print it), and PostgreSQL's lexical rules that matter for splitting are few:
//! quotes, dollar quotes and comments.

/// One statement: its text (without the trailing `;`) and where it starts in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub sql: String,
    /// Byte offset of the statement's first character in the file.
    pub offset: usize,
    /// 1-based line of the first character.
    pub line: u32,
}

pub fn split(sql: &str) -> Vec<Statement> {
    let bytes = sql.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(end) = skip_literal(sql, i) {
            i = end;
            continue;
        }
        i = match bytes[i] {
            b';' => {
                push(sql, start, i, &mut out);
                start = i + 1;
                i + 1
            }
            _ => i + 1,
        };
    }
    push(sql, start, bytes.len(), &mut out);
    out
}

/// Adds `sql[start..end]` as a statement unless it holds only blanks and comments.
fn push(sql: &str, start: usize, end: usize, out: &mut Vec<Statement>) {
    let chunk = &sql[start..end.min(sql.len())];
    let Some(lead) = first_code(chunk) else {
        return;
    };
    let offset = start + lead;
    // Lines counted on from the previous statement, not from the top: a file of many
    // statements stays linear.
    let (from, line) = out.last().map_or((0, 1), |s| (s.offset, s.line));
    out.push(Statement {
        sql: sql[offset..end.min(sql.len())].trim_end().to_owned(),
        offset,
        line: line.saturating_add(line_of(&sql[from..offset], offset - from) - 1),
    });
}

/// The offset of the first character that is neither blank nor inside a comment.
fn first_code(chunk: &str) -> Option<usize> {
    let bytes = chunk.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        i = match bytes[i] {
            b if b.is_ascii_whitespace() => i + 1,
            b'-' if bytes.get(i + 1) == Some(&b'-') => skip_line(bytes, i),
            b'/' if bytes.get(i + 1) == Some(&b'*') => skip_block_comment(bytes, i),
            _ => return Some(i),
        };
    }
    None
}

/// A word of a statement outside quotes and comments, lower-cased, with its parenthesis depth
/// and byte offset: enough to tell what a statement does without a full parser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub depth: u32,
    pub offset: usize,
}

/// The words of `sql` (identifiers and key words; quoted names, strings, numbers and
/// punctuation other than parentheses are skipped).
pub fn words(sql: &str) -> Vec<Word> {
    let bytes = sql.as_bytes();
    let mut out = Vec::new();
    let mut depth = 0u32;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(end) = skip_literal(sql, i) {
            i = end;
            continue;
        }
        i = match bytes[i] {
            b'(' => {
                depth += 1;
                i + 1
            }
            b')' => {
                depth = depth.saturating_sub(1);
                i + 1
            }
            b if b.is_ascii_alphabetic() || b == b'_' || b >= 0x80 => {
                let end = bytes[i..]
                    .iter()
                    .position(|c| {
                        !(c.is_ascii_alphanumeric() || *c == b'_' || *c == b'$' || *c >= 0x80)
                    })
                    .map_or(bytes.len(), |p| i + p);
                out.push(Word {
                    text: sql[i..end].to_lowercase(),
                    depth,
                    offset: i,
                });
                end
            }
            b if b.is_ascii_digit() => bytes[i..]
                .iter()
                .position(|c| !(c.is_ascii_alphanumeric() || *c == b'.' || *c == b'_'))
                .map_or(bytes.len(), |p| i + p),
            _ => i + 1,
        };
    }
    out
}

pub fn line_of(sql: &str, offset: usize) -> u32 {
    let newlines = sql.as_bytes()[..offset.min(sql.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count();
    u32::try_from(newlines)
        .unwrap_or(u32::MAX)
        .saturating_add(1)
}

/// Where the string, quoted name, comment or dollar-quoted body that starts at `i` ends, if one
/// starts there.
fn skip_literal(sql: &str, i: usize) -> Option<usize> {
    let bytes = sql.as_bytes();
    Some(match bytes[i] {
        b'\'' => skip_quoted(bytes, i, b'\'', is_escape_string(bytes, i)),
        b'"' => skip_quoted(bytes, i, b'"', false),
        b'-' if bytes.get(i + 1) == Some(&b'-') => skip_line(bytes, i),
        b'/' if bytes.get(i + 1) == Some(&b'*') => skip_block_comment(bytes, i),
        b'$' => skip_dollar_quoted(sql, i),
        _ => return None,
    })
}

/// `E'…'` strings treat backslash as an escape character.
fn is_escape_string(bytes: &[u8], quote: usize) -> bool {
    quote > 0
        && matches!(bytes[quote - 1], b'e' | b'E')
        && (quote < 2 || !(bytes[quote - 2].is_ascii_alphanumeric() || bytes[quote - 2] == b'_'))
}

fn skip_quoted(bytes: &[u8], open: usize, quote: u8, backslash: bool) -> usize {
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if backslash => i += 2,
            // A doubled quote is a quote inside the string.
            b if b == quote && bytes.get(i + 1) == Some(&quote) => i += 2,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

fn skip_line(bytes: &[u8], i: usize) -> usize {
    bytes[i..]
        .iter()
        .position(|b| *b == b'\n')
        .map_or(bytes.len(), |p| i + p + 1)
}

/// Block comments nest in PostgreSQL.
fn skip_block_comment(bytes: &[u8], open: usize) -> usize {
    let mut depth = 0;
    let mut i = open;
    while i < bytes.len() {
        if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'*') {
            depth += 1;
            i += 2;
        } else if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    bytes.len()
}

/// `$tag$ … $tag$` (tag may be empty). A `$` that does not open a tag (`$1`) is skipped alone.
fn skip_dollar_quoted(sql: &str, open: usize) -> usize {
    let rest = &sql[open + 1..];
    let tag_len = rest
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count();
    let opens_tag = rest.as_bytes().get(tag_len) == Some(&b'$')
        && !rest.as_bytes().first().is_some_and(u8::is_ascii_digit);
    if !opens_tag {
        return open + 1;
    }
    let delimiter = &sql[open..open + tag_len + 2];
    let body = open + delimiter.len();
    sql[body..]
        .find(delimiter)
        .map_or(sql.len(), |p| body + p + delimiter.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn texts(sql: &str) -> Vec<String> {
        split(sql).into_iter().map(|s| s.sql).collect()
    }

    #[test]
    fn splits_on_semicolons_outside_quotes_comments_and_dollar_bodies() {
        let sql = "-- head; comment\nCREATE TABLE a (x text DEFAULT 'a;b');\n\
                   /* c; /* nested; */ still; */ INSERT INTO \"we;ird\" VALUES (E'\\';');\n\
                   CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;\n\
                   DO $$ BEGIN PERFORM 1; END $$;\nSELECT $1 ; -- trailing\n";
        assert_eq!(
            texts(sql),
            vec![
                "CREATE TABLE a (x text DEFAULT 'a;b')",
                "INSERT INTO \"we;ird\" VALUES (E'\\';')",
                "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql",
                "DO $$ BEGIN PERFORM 1; END $$",
                "SELECT $1",
            ]
        );
    }

    #[test]
    fn records_where_each_statement_starts() {
        let sql = "-- one\n\nSELECT 1;\n  SELECT\n 2;";
        let s = split(sql);
        assert_eq!((s[0].line, s[0].offset), (3, 8));
        assert_eq!(
            (s[1].line, &sql[s[1].offset..s[1].offset + 6]),
            (4, "SELECT")
        );
    }

    #[test]
    fn comment_only_and_empty_input_have_no_statements() {
        assert!(split("").is_empty());
        assert!(split("-- nothing\n/* here */ ;\n").is_empty());
    }

    #[test]
    fn unterminated_quotes_end_at_the_end_of_the_file() {
        assert_eq!(
            texts("SELECT 'open; SELECT 2"),
            vec!["SELECT 'open; SELECT 2"]
        );
        assert_eq!(texts("SELECT $x$ open;"), vec!["SELECT $x$ open;"]);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]
        #[test]
        fn never_panics_and_offsets_point_at_the_text(sql in "\\PC{0,200}") {
            for s in split(&sql) {
                prop_assert!(sql[s.offset..].starts_with(&s.sql));
            }
        }
    }
}

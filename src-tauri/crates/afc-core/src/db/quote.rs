//! Quoting identifiers. Every table, column, index or constraint name that goes into SQL the
//! console writes passes through [`ident`], the canonical model's own names included, so a name
//! read from a database (an index called `e RENAME TO f;CREATE TABLE pwned(a int);…`) or from a
//! file can only ever be a name. The architecture test keeps `format!`ed SQL from taking a
//! `.name` any other way.

/// PostgreSQL's reserved key words (those that cannot be a bare column or table name).
const RESERVED: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "binary",
    "both",
    "case",
    "cast",
    "check",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "false",
    "fetch",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "group",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "intersect",
    "into",
    "is",
    "isnull",
    "join",
    "lateral",
    "leading",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "natural",
    "not",
    "notnull",
    "null",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "outer",
    "overlaps",
    "placing",
    "primary",
    "references",
    "returning",
    "right",
    "select",
    "session_user",
    "similar",
    "some",
    "symmetric",
    "system_user",
    "table",
    "tablesample",
    "then",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
];

/// `name` as SQL sees exactly that name: bare when PostgreSQL would read it back unchanged
/// (lower case, digits and `_`, not a reserved word), otherwise in double quotes with inner
/// quotes doubled — what the server's own `quote_ident` does.
pub fn ident(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !RESERVED.contains(&name);
    if plain {
        name.to_owned()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// `public.name`, quoted as [`ident`] does.
pub fn public(name: &str) -> String {
    format!("public.{}", ident(name))
}

/// A comma-separated list of quoted names (an index's columns).
pub fn idents<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names.into_iter().map(ident).collect::<Vec<_>>().join(", ")
}

/// `value` as an SQL string literal, for statements an operator reviews before they run (an
/// adoption's back-fill): an escape string (`E'…'`) reads the same whatever the server's
/// `standard_conforming_strings`, with quotes and backslashes doubled. A NUL, which no text
/// value can hold, is refused.
pub fn literal(value: &str) -> crate::Result<String> {
    if value.contains('\0') {
        return Err(crate::AppError::invalid_input(
            "A value cannot contain a NUL character",
        ));
    }
    Ok(format!(
        "E'{}'",
        value.replace('\\', "\\\\").replace('\'', "''")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_double_quotes_and_backslashes() {
        assert_eq!(literal("{}").unwrap(), "E'{}'");
        assert_eq!(literal(r"it's \x").unwrap(), r"E'it''s \\x'");
        assert!(literal("a\0b").is_err());
    }

    #[test]
    fn plain_names_stay_bare_and_everything_else_is_quoted() {
        assert_eq!(ident("agents"), "agents");
        assert_eq!(ident("api_keys_2"), "api_keys_2");
        assert_eq!(ident("user"), "\"user\"");
        assert_eq!(ident("Agents"), "\"Agents\"");
        assert_eq!(ident("1st"), "\"1st\"");
        assert_eq!(ident(""), "\"\"");
        assert_eq!(ident("tâche"), "\"tâche\"");
        assert_eq!(
            ident("e RENAME TO f;CREATE TABLE pwned(a int);ALTER INDEX f"),
            "\"e RENAME TO f;CREATE TABLE pwned(a int);ALTER INDEX f\""
        );
        assert_eq!(ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(public("My Table"), "public.\"My Table\"");
        assert_eq!(idents(["id", "Order"]), "id, \"Order\"");
    }
}

//! The Prometheus text exposition format (what `/metrics` serves as `text/plain; version=0.0.4`
//! and `version=1.0.0`; the two are the same text format). Borrowing parser: names and label
//! values point into the input unless they had escapes.
//!
//! Our own rather than a crate: the maintained Rust parsers either build an owned tree per line
//! (too slow for the 300 MB/s goal) or stop at the first error without a line number. This one
//! reports the line of any malformed input and never panics (a property test feeds it noise).

use std::borrow::Cow;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
    Histogram,
    Summary,
    Untyped,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sample<'a> {
    /// The full sample name, e.g. `http_request_duration_seconds_bucket`.
    pub name: &'a str,
    pub labels: Vec<(&'a str, Cow<'a, str>)>,
    pub value: f64,
    pub timestamp_ms: Option<i64>,
}

impl Sample<'_> {
    pub fn label(&self, name: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_ref())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Family<'a> {
    pub name: &'a str,
    pub kind: Kind,
    pub help: Option<Cow<'a, str>>,
    pub samples: Vec<Sample<'a>>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Exposition<'a> {
    pub families: Vec<Family<'a>>,
}

impl<'a> Exposition<'a> {
    pub fn family(&self, name: &str) -> Option<&Family<'a>> {
        self.families.iter().find(|f| f.name == name)
    }

    /// The single value of a gauge or counter family without labels (e.g. `process_start_time_seconds`).
    pub fn scalar(&self, name: &str) -> Option<f64> {
        self.family(name)?.samples.first().map(|s| s.value)
    }

    pub fn sample_count(&self) -> usize {
        self.families.iter().map(|f| f.samples.len()).sum()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based.
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

pub fn parse(text: &str) -> Result<Exposition<'_>, ParseError> {
    let mut out = Exposition::default();
    for (i, raw) in text.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let fail = |message: String| ParseError {
            line: i + 1,
            message,
        };
        if line.trim().is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            directive(comment, &mut out).map_err(fail)?;
            continue;
        }
        let sample = sample(line).map_err(fail)?;
        add(&mut out, sample).map_err(fail)?;
    }
    Ok(out)
}

/// `# HELP name text` or `# TYPE name kind`; other comments are ignored.
fn directive<'a>(comment: &'a str, out: &mut Exposition<'a>) -> Result<(), String> {
    let comment = comment.trim_start_matches(' ');
    let (keyword, rest) = comment.split_once(' ').unwrap_or((comment, ""));
    if keyword != "HELP" && keyword != "TYPE" {
        return Ok(());
    }
    let rest = rest.trim_start_matches(' ');
    let (name, value) = rest.split_once(' ').unwrap_or((rest, ""));
    if !is_metric_name(name) {
        return Err(format!("# {keyword} needs a metric name, found \"{name}\""));
    }
    let family = family_for_directive(out, name);
    if keyword == "HELP" {
        family.help = Some(unescape(value, false)?);
        return Ok(());
    }
    if !family.samples.is_empty() {
        return Err(format!("# TYPE for {name} comes after its samples"));
    }
    family.kind = match value.trim() {
        "counter" => Kind::Counter,
        "gauge" => Kind::Gauge,
        "histogram" => Kind::Histogram,
        "summary" => Kind::Summary,
        "untyped" | "unknown" => Kind::Untyped,
        other => return Err(format!("unknown metric type \"{other}\" for {name}")),
    };
    Ok(())
}

fn family_for_directive<'a, 'b>(out: &'b mut Exposition<'a>, name: &'a str) -> &'b mut Family<'a> {
    let is_last = out.families.last().is_some_and(|f| f.name == name);
    if !is_last {
        out.families.push(Family {
            name,
            kind: Kind::Untyped,
            help: None,
            samples: Vec::new(),
        });
    }
    out.families.last_mut().expect("a family was just ensured")
}

/// Adds a sample to the family it belongs to (the current one, when the name fits its kind).
fn add<'a>(out: &mut Exposition<'a>, sample: Sample<'a>) -> Result<(), String> {
    if let Some(f) = out.families.last_mut()
        && belongs(f, sample.name)
    {
        if matches!(f.kind, Kind::Histogram)
            && sample.name.ends_with("_bucket")
            && sample.label("le").is_none()
        {
            return Err(format!(
                "histogram bucket {} has no \"le\" label",
                sample.name
            ));
        }
        f.samples.push(sample);
        return Ok(());
    }
    out.families.push(Family {
        name: sample.name,
        kind: Kind::Untyped,
        help: None,
        samples: vec![sample],
    });
    Ok(())
}

fn belongs(f: &Family<'_>, name: &str) -> bool {
    let Some(suffix) = name.strip_prefix(f.name) else {
        return false;
    };
    matches!(
        (f.kind, suffix),
        (_, "")
            | (Kind::Counter, "_total" | "_created")
            | (Kind::Histogram, "_bucket" | "_sum" | "_count" | "_created")
            | (Kind::Summary, "_sum" | "_count" | "_created")
    )
}

// The per-byte loops below index a class table and search with memchr instead of chaining
// iterator closures: the release profile optimises for size, which inlines almost nothing, and a
// call per byte halved the parser's throughput (docs/benchmarks.md, "Metrics and charts").
const NAME: u8 = 1;
const COLON: u8 = 2;
const DIGIT: u8 = 4;
const BLANK: u8 = 8;
static CLASS: [u8; 256] = {
    let mut table = [0; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = if c.is_ascii_alphabetic() || c == b'_' {
            NAME
        } else if c.is_ascii_digit() {
            NAME | DIGIT
        } else if c == b':' {
            COLON
        } else if c == b' ' || c == b'\t' {
            BLANK
        } else {
            0
        };
        b += 1;
    }
    table
};

/// How many bytes from `from` on are in `classes`.
fn span(bytes: &[u8], from: usize, classes: u8) -> usize {
    let mut i = from;
    while i < bytes.len() && CLASS[bytes[i] as usize] & classes != 0 {
        i += 1;
    }
    i - from
}

/// A name as `name_end` found it is one unless it is empty or starts with a digit.
fn starts_name(name: &str) -> bool {
    name.as_bytes()
        .first()
        .is_some_and(|&b| CLASS[b as usize] & DIGIT == 0)
}

fn is_metric_name(name: &str) -> bool {
    starts_name(name) && name_end(name, true) == name.len()
}

fn name_end(s: &str, colon: bool) -> usize {
    span(s.as_bytes(), 0, if colon { NAME | COLON } else { NAME })
}

/// `s` without the spaces and tabs it starts with.
fn skip_blanks(s: &str) -> &str {
    &s[span(s.as_bytes(), 0, BLANK)..]
}

/// `s` without the spaces and tabs it ends with.
fn trim_blanks_end(s: &str) -> &str {
    let bytes = s.as_bytes();
    let mut end = bytes.len();
    while end > 0 && CLASS[bytes[end - 1] as usize] & BLANK != 0 {
        end -= 1;
    }
    &s[..end]
}

fn sample(line: &str) -> Result<Sample<'_>, String> {
    let end = name_end(line, true);
    let name = &line[..end];
    if !starts_name(name) {
        return Err(format!(
            "expected a metric name, found \"{}\"",
            preview(line)
        ));
    }
    let mut rest = &line[end..];
    let mut labels = Vec::new();
    if let Some(inner) = rest.strip_prefix('{') {
        rest = parse_labels(inner, &mut labels)?;
    }
    let rest = skip_blanks(rest);
    if rest.is_empty() {
        return Err(format!("{name} has no value"));
    }
    let (value_text, ts_text) = match memchr::memchr2(b' ', b'\t', rest.as_bytes()) {
        Some(p) => (&rest[..p], trim_blanks_end(skip_blanks(&rest[p..]))),
        None => (rest, ""),
    };
    let value = parse_value(value_text)
        .ok_or_else(|| format!("{name} has an invalid value \"{}\"", preview(value_text)))?;
    let timestamp_ms = if ts_text.is_empty() {
        None
    } else {
        Some(
            ts_text
                .parse::<i64>()
                .map_err(|_| format!("{name} has an invalid timestamp \"{}\"", preview(ts_text)))?,
        )
    };
    Ok(Sample {
        name,
        labels,
        value,
        timestamp_ms,
    })
}

fn parse_value(text: &str) -> Option<f64> {
    match text {
        "+Inf" | "Inf" => Some(f64::INFINITY),
        "-Inf" => Some(f64::NEG_INFINITY),
        "NaN" => Some(f64::NAN),
        // Rust also accepts "inf"/"infinity" spellings the format does not; reject words.
        t if t
            .bytes()
            .any(|b| b.is_ascii_alphabetic() && b != b'e' && b != b'E') =>
        {
            None
        }
        t => t.parse().ok(),
    }
}

/// Parses `name="value",…}` and returns what follows the closing brace.
fn parse_labels<'a>(
    mut s: &'a str,
    labels: &mut Vec<(&'a str, Cow<'a, str>)>,
) -> Result<&'a str, String> {
    loop {
        s = skip_blanks(s);
        if let Some(rest) = s.strip_prefix('}') {
            return Ok(rest);
        }
        let end = name_end(s, false);
        let name = &s[..end];
        if !starts_name(name) {
            return Err(format!("expected a label name, found \"{}\"", preview(s)));
        }
        s = skip_blanks(&s[end..]);
        s = s
            .strip_prefix('=')
            .ok_or_else(|| format!("label {name} has no \"=\""))?;
        s = skip_blanks(s);
        s = s
            .strip_prefix('"')
            .ok_or_else(|| format!("label {name}'s value is not quoted"))?;
        let close =
            closing_quote(s).ok_or_else(|| format!("label {name}'s value is not closed"))?;
        let value = unescape(&s[..close], true)?;
        if labels.iter().any(|(n, _)| *n == name) {
            return Err(format!("label {name} appears twice"));
        }
        labels.push((name, value));
        s = skip_blanks(&s[close + 1..]);
        if let Some(rest) = s.strip_prefix(',') {
            s = rest;
        } else if !s.starts_with('}') {
            return Err(format!("expected \",\" or \"}}\" after label {name}"));
        }
    }
}

/// The index of the `"` that closes a label value (skipping escaped characters).
fn closing_quote(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut from = 0;
    while let Some(found) = memchr::memchr2(b'"', b'\\', bytes.get(from..)?) {
        let i = from + found;
        if bytes[i] == b'"' {
            return Some(i);
        }
        from = i + 2;
    }
    None
}

/// `\\`, `\n` (and `\"` in label values) unescaped; borrowed when there is nothing to unescape.
fn unescape(s: &str, quotes: bool) -> Result<Cow<'_, str>, String> {
    if !s.contains('\\') {
        return Ok(Cow::Borrowed(s));
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some('n') => out.push('\n'),
            Some('"') if quotes => out.push('"'),
            // HELP text keeps unknown escapes as written.
            Some(other) if !quotes => {
                out.push('\\');
                out.push(other);
            }
            Some(other) => return Err(format!("invalid escape \"\\{other}\" in a label value")),
            None => return Err("a label value ends with a lone backslash".into()),
        }
    }
    Ok(Cow::Owned(out))
}

fn preview(s: &str) -> String {
    let cut: String = s.chars().take(40).collect();
    if cut.len() < s.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const RECORDED: &str = include_str!("../../../../../tests/fixtures/platform-api/metrics.txt");

    #[test]
    fn parses_the_recorded_exposition() {
        let e = parse(RECORDED).unwrap();
        let requests = e
            .family("http_requests")
            .or_else(|| e.family("http_requests_total"))
            .unwrap();
        assert_eq!(requests.kind, Kind::Counter);
        let live = requests
            .samples
            .iter()
            .find(|s| s.name == "http_requests_total" && s.label("endpoint") == Some("/live"))
            .unwrap();
        assert_eq!((live.label("status_code"), live.value), (Some("200"), 2.0));
        let hist = e.family("http_request_duration_seconds").unwrap();
        assert_eq!(hist.kind, Kind::Histogram);
        assert!(hist.samples.iter().any(|s| s.label("le") == Some("+Inf")));
        assert_eq!(e.scalar("process_resident_memory_bytes"), Some(1.222656e8));
        assert_eq!(
            e.families
                .iter()
                .filter(|f| f.kind == Kind::Histogram)
                .count(),
            3
        );
    }

    #[test]
    fn tricky_but_valid_expositions() {
        let text = "# HELP esc A \\\\ backslash and \\n newline\n# TYPE esc gauge\n\
                    esc{path=\"C:\\\\dir\",quote=\"say \\\"hi\\\"\",nl=\"a\\nb\",} 1 1700000000000\n\
                    # a plain comment\n\n\
                    inf_values{x=\"1\"} +Inf\ninf_values{x=\"2\"} -Inf\ninf_values{x=\"3\"} NaN\n\
                    # TYPE lat summary\nlat{quantile=\"0.5\"} 0.2\nlat_sum 10.5\nlat_count 40\n\
                    sci 1.5e-3\r\n  \t\nno_labels{} 7\n";
        let e = parse(text).unwrap();
        let esc = &e.family("esc").unwrap();
        assert_eq!(esc.help.as_deref(), Some("A \\ backslash and \n newline"));
        let s = &esc.samples[0];
        assert_eq!(s.label("path"), Some("C:\\dir"));
        assert_eq!(s.label("quote"), Some("say \"hi\""));
        assert_eq!(s.label("nl"), Some("a\nb"));
        assert_eq!(s.timestamp_ms, Some(1_700_000_000_000));
        let inf = &e.family("inf_values").unwrap().samples;
        assert_eq!(inf[0].value, f64::INFINITY);
        assert_eq!(inf[1].value, f64::NEG_INFINITY);
        assert!(inf[2].value.is_nan());
        let lat = e.family("lat").unwrap();
        assert_eq!((lat.kind, lat.samples.len()), (Kind::Summary, 3));
        assert_eq!(e.scalar("sci"), Some(0.0015));
        assert_eq!(e.scalar("no_labels"), Some(7.0));
    }

    #[test]
    fn malformed_input_is_reported_with_its_line() {
        let cases = [
            ("ok 1\nbad{x=\"1\" 2\n", 2, "expected \",\""),
            ("a{x=1} 2", 1, "not quoted"),
            ("a{x=\"1\",x=\"2\"} 2", 1, "appears twice"),
            ("a 1\nb\n", 2, "has no value"),
            ("a one", 1, "invalid value"),
            ("a inf", 1, "invalid value"),
            ("a 1 soon", 1, "invalid timestamp"),
            (
                "# TYPE a counter\na_total 1\n# TYPE a gauge",
                3,
                "after its samples",
            ),
            ("# TYPE a gauges", 1, "unknown metric type"),
            (
                "# TYPE h histogram\nh_bucket{x=\"1\"} 2",
                2,
                "no \"le\" label",
            ),
            ("{x=\"1\"} 1", 1, "expected a metric name"),
            ("a{x=\"\\q\"} 1", 1, "invalid escape"),
            ("a{x=\"open} 1", 1, "not closed"),
        ];
        for (text, line, needle) in cases {
            let err = parse(text).unwrap_err();
            assert_eq!(err.line, line, "{text:?}: {err}");
            assert!(err.message.contains(needle), "{text:?}: {err}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]
        #[test]
        fn never_panics(text in "\\PC{0,300}") {
            let _ = parse(&text);
        }

        #[test]
        fn never_panics_on_near_valid_lines(
            name in "[a-z_]{1,8}",
            label in "[a-z]{1,4}",
            value in "[ -~]{0,12}",
            num in "[-+0-9.eEInfa]{0,8}",
        ) {
            let _ = parse(&format!("# TYPE {name} histogram\n{name}_bucket{{{label}=\"{value}\"}} {num}\n"));
        }
    }
}

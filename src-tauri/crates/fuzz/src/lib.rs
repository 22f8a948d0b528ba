//! Fuzzing every parser of outside input on the stable toolchain.
//!
//! cargo-fuzz (libFuzzer) needs a nightly compiler this project does not use, so this is a small
//! harness of its own: an AFL-style mutator (bit flips, byte changes, the format's interesting
//! tokens inserted, splices of two inputs, repeats and truncation) over each target's seeds and
//! its corpus in `corpus/<target>/`, run under `catch_unwind`, with each input timed. A panic is
//! a failure (the input is saved to the corpus); the slowest inputs and a scaling check (the same
//! input at 64 KiB and at 1 MiB) show quadratic blow-ups. `scripts/fuzz.sh` runs a million inputs
//! per target; this crate's test replays the corpus and a few thousand inputs, so a fixed bug
//! stays fixed.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// One parser and what it is fed.
pub struct Target {
    pub name: &'static str,
    /// Inputs that are valid (or nearly), to mutate from.
    pub seeds: &'static [&'static str],
    /// Fragments the format gives meaning to, inserted by the mutator.
    pub tokens: &'static [&'static str],
    /// Parses one input; must return for any bytes, never panic.
    pub run: fn(&[u8]),
}

fn text(input: &[u8]) -> String {
    String::from_utf8_lossy(input).into_owned()
}

fn dotenv(input: &[u8]) {
    let _ = afc_core::secrets::dotenv::parse(&text(input));
}

fn metrics(input: &[u8]) {
    let text = text(input);
    if let Ok(exposition) = afc_core::metrics::parse(&text) {
        let _ = format!("{exposition:?}");
    }
}

fn sql(input: &[u8]) {
    use afc_core::dbadmin::{TableRef, sql};
    use afc_core::migrate::split;
    let text = text(input);
    for statement in split::split(&text) {
        let _ = sql::classify(&statement.sql);
    }
    let _ = split::words(&text);
    let _ = sql::statements(&text);
    let _ = TableRef::parse(&text);
}

fn platform_json(input: &[u8]) {
    let _ = afc_core::probe::health_check_lines(input);
    let _ = serde_json::from_slice::<Vec<afc_core::agents::ApiAgent>>(input);
    let _ = serde_json::from_slice::<afc_core::agents::RunResult>(input);
}

fn smoke_flow(input: &[u8]) {
    let _ = afc_core::smoke::flow::parse("fuzz", "fuzz", "fuzz.yaml", &text(input));
}

fn demo_script(input: &[u8]) {
    let _ = afc_core::demo::script::parse("fuzz.yaml", &text(input));
}

pub const TARGETS: &[Target] = &[
    Target {
        name: "dotenv",
        seeds: &[
            "# platform\nDATABASE_URL=postgresql://u:p@db:5432/app\nexport JWT_SECRET_KEY='s3cret'\nDEBUG=false\n",
            "A=\"multi\nline\\n\" # c\nB=${A}\nC=\nD='x'y\n",
        ],
        tokens: &[
            "=", "\"", "'", "\\", "\n", "#", "export ", "${", "}", "\r\n", "\u{feff}",
        ],
        run: dotenv,
    },
    Target {
        name: "metrics",
        seeds: &[include_str!(
            "../../../../tests/fixtures/platform-api/metrics.txt"
        )],
        tokens: &[
            "{",
            "}",
            "=\"",
            "\",",
            "# HELP ",
            "# TYPE ",
            " counter\n",
            "_bucket",
            "le=\"+Inf\"",
            " NaN",
            " 1e308",
            "\\\"",
            "\n",
        ],
        run: metrics,
    },
    Target {
        name: "sql",
        seeds: &[
            include_str!("../../../../migrations/0001_core_tables.up.sql"),
            "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d; UPDATE \"a\"\"b\".c SET x = E'\\'' WHERE y = $tag$;$tag$;",
            "\"Odd \"\"Schema\"\"\".\"Tab le ü\"",
        ],
        tokens: &[
            "'",
            "\"",
            "$$",
            "$a$",
            "--",
            "/*",
            "*/",
            ";",
            "(",
            ")",
            "E'",
            "\\",
            "DROP ",
            "DELETE FROM ",
            "WHERE ",
            ".",
        ],
        run: sql,
    },
    Target {
        name: "platform-json",
        seeds: &[
            include_str!("../../../../tests/fixtures/platform-api/health-degraded-db.json"),
            include_str!("../../../../tests/fixtures/platform-api/agents-list.json"),
            include_str!("../../../../tests/fixtures/platform-api/agents-run-no-llm.json"),
        ],
        tokens: &[
            "{",
            "}",
            "[",
            "]",
            "\"",
            ":",
            ",",
            "null",
            "true",
            "1e999",
            "\"status\"",
            "\"checks\"",
            "\\u0000",
            "\\ud800",
        ],
        run: platform_json,
    },
    Target {
        name: "smoke-flow",
        seeds: &[
            include_str!("../../afc-core/flows/agent-lifecycle.yaml"),
            include_str!("../../afc-core/flows/auth.yaml"),
        ],
        tokens: &[
            "{{",
            "}}",
            "vars.",
            "capture.",
            "secret.",
            ": ",
            "\n  - ",
            "&a",
            "*a",
            "<<: ",
            "!!binary ",
            "\t",
            "'",
        ],
        run: smoke_flow,
    },
    Target {
        name: "demo-script",
        seeds: &[
            include_str!("../../afc-core/demo/quick.yaml"),
            include_str!("../../afc-core/demo/extended.yaml"),
        ],
        tokens: &[
            "after: ", "action: ", "check: ", "\n- id: ", ": ", "&a", "*a", "<<: *a", "{", "[",
            "'", "\t",
        ],
        run: demo_script,
    },
];

pub fn target(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|t| t.name == name)
}

/// xorshift64*: deterministic for a seed, fast, and all a mutator needs.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// A new input from `pool` (seeds and corpus): one to five mutations of one of them.
pub fn mutate(rng: &mut Rng, target: &Target, pool: &[Vec<u8>]) -> Vec<u8> {
    let mut input = pool[rng.below(pool.len())].clone();
    for _ in 0..=rng.below(5) {
        let at = rng.below(input.len() + 1);
        match rng.below(7) {
            0 if !input.is_empty() => {
                let i = rng.below(input.len());
                input[i] ^= 1 << rng.below(8);
            }
            1 if !input.is_empty() => {
                let i = rng.below(input.len());
                input[i] = rng.next() as u8;
            }
            2 => {
                let token = target.tokens[rng.below(target.tokens.len())];
                input.splice(at..at, token.bytes());
            }
            3 if !input.is_empty() => {
                let end = (at + 1 + rng.below(64)).min(input.len());
                input.drain(at.min(end)..end);
            }
            4 => {
                let other = &pool[rng.below(pool.len())];
                let from = rng.below(other.len() + 1);
                let to = (from + rng.below(256)).min(other.len());
                input.splice(at..at, other[from..to].iter().copied());
            }
            5 if !input.is_empty() => {
                // A run repeated: long lines, deep nesting.
                let from = rng.below(input.len());
                let to = (from + 1 + rng.below(16)).min(input.len());
                let run: Vec<u8> = input[from..to].repeat(1 + rng.below(64));
                input.splice(at..at, run);
            }
            _ => input.truncate(at),
        }
    }
    input.truncate(256 * 1024);
    input
}

/// The files of `corpus/<target>/`.
pub fn corpus_dir(target: &Target) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target.name)
}

pub fn corpus(target: &Target) -> Vec<Vec<u8>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir(target))
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    files.iter().filter_map(|p| std::fs::read(p).ok()).collect()
}

/// The seeds and the corpus.
pub fn pool(target: &Target) -> Vec<Vec<u8>> {
    let mut pool: Vec<Vec<u8>> = target.seeds.iter().map(|s| s.as_bytes().to_vec()).collect();
    pool.extend(corpus(target));
    pool
}

/// Runs one input; Err(panic message) if the target panicked.
pub fn run_one(target: &Target, input: &[u8]) -> Result<Duration, String> {
    let start = Instant::now();
    catch_unwind(AssertUnwindSafe(|| (target.run)(input)))
        .map(|()| start.elapsed())
        .map_err(|p| {
            p.downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic without a message".to_owned())
        })
}

/// What a run of `inputs` generated inputs found.
#[derive(Debug)]
pub struct Report {
    pub target: &'static str,
    pub inputs: u64,
    pub panics: Vec<(Vec<u8>, String)>,
    pub total: Duration,
    pub slowest: Duration,
    pub slowest_input: Vec<u8>,
    /// The first seed repeated to 64 KiB and to 1 MiB, each parsed once: a ratio near 16 is
    /// linear, far above it quadratic.
    pub scale_64k: Duration,
    pub scale_1m: Duration,
}

pub fn fuzz(target: &'static Target, inputs: u64, seed: u64) -> Report {
    let pool = pool(target);
    let mut rng = Rng::new(seed);
    let mut report = Report {
        target: target.name,
        inputs,
        panics: Vec::new(),
        total: Duration::ZERO,
        slowest: Duration::ZERO,
        slowest_input: Vec::new(),
        scale_64k: Duration::ZERO,
        scale_1m: Duration::ZERO,
    };
    for input in &pool {
        if let Err(message) = run_one(target, input) {
            report.panics.push((input.clone(), message));
        }
    }
    for _ in 0..inputs {
        let input = mutate(&mut rng, target, &pool);
        match run_one(target, &input) {
            Ok(took) => {
                report.total += took;
                if took > report.slowest {
                    report.slowest = took;
                    report.slowest_input = input;
                }
            }
            Err(message) => report.panics.push((input, message)),
        }
    }
    let grown = |size: usize| -> Vec<u8> {
        let seed = target.seeds[0].as_bytes();
        seed.iter().copied().cycle().take(size).collect()
    };
    report.scale_64k = run_one(target, &grown(64 * 1024)).unwrap_or_default();
    report.scale_1m = run_one(target, &grown(1024 * 1024)).unwrap_or_default();
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every corpus file and seed of every target parses without a panic, and so do a few
    /// thousand fresh mutations (the million-input runs are scripts/fuzz.sh's).
    #[test]
    fn the_corpus_and_fresh_inputs_never_panic() {
        let quiet = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let reports: Vec<Report> = TARGETS.iter().map(|t| fuzz(t, 1_000, 2026)).collect();
        std::panic::set_hook(quiet);
        for r in &reports {
            assert!(
                r.panics.is_empty(),
                "{}: {} panics, the first: {:?} on {:?}",
                r.target,
                r.panics.len(),
                r.panics[0].1,
                String::from_utf8_lossy(&r.panics[0].0)
            );
        }
    }

    #[test]
    fn the_mutator_makes_new_inputs_from_the_pool() {
        let t = target("sql").unwrap();
        let pool = pool(t);
        let mut rng = Rng::new(7);
        let made: std::collections::HashSet<Vec<u8>> =
            (0..200).map(|_| mutate(&mut rng, t, &pool)).collect();
        assert!(made.len() > 150, "{} distinct of 200", made.len());
    }
}

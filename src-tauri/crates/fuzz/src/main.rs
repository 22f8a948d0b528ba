//! `afc-fuzz [--inputs N] [--seed S] [TARGET…]`: fuzzes each target (all by default) with N
//! generated inputs and prints a Markdown table for docs/benchmarks.md. A panicking input is saved
//! in `corpus/<target>/` (so the tests replay it) and the exit code is 1.

use std::process::ExitCode;
use std::time::Duration;

use afc_fuzz::{TARGETS, Target, corpus_dir, fuzz, target};

fn micros(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1e6)
}

fn main() -> ExitCode {
    let mut inputs = 1_000_000u64;
    let mut seed = 2026u64;
    let mut chosen: Vec<&'static Target> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let number = |v: Option<String>| v.and_then(|v| v.replace('_', "").parse::<u64>().ok());
        match arg.as_str() {
            "--inputs" => match number(args.next()) {
                Some(n) => inputs = n,
                None => return usage("--inputs takes a number"),
            },
            "--seed" => match number(args.next()) {
                Some(n) => seed = n,
                None => return usage("--seed takes a number"),
            },
            name => match target(name) {
                Some(t) => chosen.push(t),
                None => return usage(&format!("no target {name}")),
            },
        }
    }
    if chosen.is_empty() {
        chosen = TARGETS.iter().collect();
    }
    // The targets' panics are what we count; their messages would drown the table.
    std::panic::set_hook(Box::new(|_| {}));
    println!(
        "| target | inputs | panics | mean µs/input | slowest µs (its size) | 64 KiB → 1 MiB input |"
    );
    println!("|---|---|---|---|---|---|");
    let mut failed = false;
    for t in chosen {
        let r = fuzz(t, inputs, seed);
        let mean = r.total / u32::try_from(r.inputs.max(1)).unwrap_or(u32::MAX);
        println!(
            "| {} | {} | {} | {} | {} ({} B) | {} → {} µs (×{:.1}) |",
            r.target,
            r.inputs,
            r.panics.len(),
            micros(mean),
            micros(r.slowest),
            r.slowest_input.len(),
            micros(r.scale_64k),
            micros(r.scale_1m),
            r.scale_1m.as_secs_f64() / r.scale_64k.as_secs_f64().max(1e-9)
        );
        // The slowest input, to time again alone (a busy machine makes one-off slow inputs).
        let slow = std::env::temp_dir().join(format!("afc-fuzz-slowest-{}", r.target));
        let again = afc_fuzz::run_one(t, &r.slowest_input).unwrap_or_default();
        let _ = std::fs::write(&slow, &r.slowest_input);
        eprintln!(
            "{}: the slowest input ({}) takes {} µs alone",
            r.target,
            slow.display(),
            micros(again)
        );
        for (i, (input, message)) in r.panics.iter().enumerate().take(10) {
            failed = true;
            let dir = corpus_dir(t);
            let path = dir.join(format!("panic-{seed}-{i}"));
            let _ = std::fs::create_dir_all(&dir);
            let _ = std::fs::write(&path, input);
            eprintln!(
                "{}: panic \"{message}\" on the input saved as {}",
                r.target,
                path.display()
            );
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn usage(problem: &str) -> ExitCode {
    eprintln!(
        "{problem}\nusage: afc-fuzz [--inputs N] [--seed S] [TARGET…]  (targets: {})",
        TARGETS
            .iter()
            .map(|t| t.name)
            .collect::<Vec<_>>()
            .join(", ")
    );
    ExitCode::from(2)
}

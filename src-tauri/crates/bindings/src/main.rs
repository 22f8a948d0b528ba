//! `npm run bindings`: writes the window's generated TypeScript (see the library).

use std::process::ExitCode;

fn main() -> ExitCode {
    let files = match bindings::generate() {
        Ok(files) => files,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let root = bindings::root();
    let stale = bindings::stale(&files);
    for path in &stale {
        let full = root.join(path);
        let written = match files.get(path) {
            Some(text) => std::fs::write(&full, text),
            // Left over from a type that no longer exists.
            None => std::fs::remove_file(&full),
        };
        if let Err(e) = written {
            eprintln!("error: {}: {e}", full.display());
            return ExitCode::from(2);
        }
        println!("{}", path.display());
    }
    println!("{} file(s) updated", stale.len());
    ExitCode::SUCCESS
}

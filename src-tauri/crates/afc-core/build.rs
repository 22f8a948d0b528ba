//! Records the git commit the crate is built from, for the About dialog and `afctl info`, and
//! embeds the repository's `migrations/` folder so the app and afctl ship the canonical schema.

use std::path::Path;
use std::process::Command;

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(&manifest)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    if let Some(commit) = git(&["rev-parse", "--short=10", "HEAD"]) {
        println!("cargo:rustc-env=AFC_GIT_COMMIT={commit}");
    }
    // Rebuild when HEAD moves: a new commit rewrites the branch ref (loose or packed).
    if let Some(git_dir) = git(&["rev-parse", "--absolute-git-dir"]) {
        let git_dir = Path::new(&git_dir);
        println!("cargo:rerun-if-changed={}", git_dir.join("HEAD").display());
        println!(
            "cargo:rerun-if-changed={}",
            git_dir.join("packed-refs").display()
        );
        if let Some(branch_ref) = git(&["symbolic-ref", "-q", "HEAD"]) {
            println!(
                "cargo:rerun-if-changed={}",
                git_dir.join(branch_ref).display()
            );
        }
    }
    embed_migrations(Path::new(&manifest));
    println!("cargo:rerun-if-changed=build.rs");
}

/// Writes `migrations.rs` into OUT_DIR: `(file name, include_str!(path))` for every `.sql` file,
/// sorted by name. The migration loader checks names and pairs up/down files at run time.
fn embed_migrations(manifest: &Path) {
    let dir = manifest.join("../../../migrations");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the migrations folder is readable")
        .map(|e| e.expect("a readable folder entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    let mut out = String::from("&[\n");
    for path in files {
        let path = path.canonicalize().expect("a migration file path");
        let name = path.file_name().expect("a file name").to_string_lossy();
        out.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            path.display()
        ));
    }
    out.push_str("]\n");
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out_dir).join("migrations.rs"), out).expect("OUT_DIR is writable");
}

//! Embeds the trusted documents (`documents/*.graphql`, one named operation per file) in the
//! binary, so that their hashes and the manifest come from the reviewed files themselves.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    // The directory of this run, read at run time: `env!` would freeze the path of whichever
    // checkout first compiled this script, and a build-script binary is shared by every
    // checkout that uses the same target directory.
    let Some(manifest_dir) = std::env::var_os("CARGO_MANIFEST_DIR") else {
        eprintln!("CARGO_MANIFEST_DIR is not set: run this through cargo");
        std::process::exit(1);
    };
    let dir = Path::new(&manifest_dir).join("../documents");
    println!("cargo:rerun-if-changed={}", dir.display());
    // A missing folder is a broken checkout, not "no trusted documents": stop the build.
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(err) => {
            eprintln!(
                "cannot read the trusted documents in {}: {err}",
                dir.display()
            );
            std::process::exit(1);
        }
    };
    let mut out = String::new();
    list(&mut out, "DOCUMENTS", "The trusted documents", entries);
    // Earlier versions of documents that changed, still answered by hash (portals and cached
    // widgets send them) but no longer listed in the manifest.
    let retired = dir.join("retired");
    println!("cargo:rerun-if-changed={}", retired.display());
    match std::fs::read_dir(&retired) {
        Ok(entries) => list(&mut out, "RETIRED", "Retired versions", entries),
        Err(_) => out
            .push_str("/// Retired versions: none.\npub static RETIRED: &[(&str, &str)] = &[];\n"),
    }
    let target = Path::new(&std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into()))
        .join("trusted_documents.rs");
    if let Err(err) = std::fs::write(&target, out) {
        println!("cargo:warning=could not write {}: {err}", target.display());
    }
}

/// Writes `static NAME: &[(file stem, text)]` for the `.graphql` files of `entries`.
fn list(out: &mut String, name: &str, doc: &str, entries: std::fs::ReadDir) {
    let mut files: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "graphql"))
        .collect();
    files.sort();
    let _ = writeln!(out, "/// {doc}: (file stem, text).");
    let _ = writeln!(out, "pub static {name}: &[(&str, &str)] = &[");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "    ({stem:?}, include_str!({:?})),",
            path.display().to_string()
        );
    }
    out.push_str("];\n");
}

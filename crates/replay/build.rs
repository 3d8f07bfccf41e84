//! Embeds every `prompts/<locale>/*.j2` file into the binary as a static table.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let root = Path::new(&manifest).join("prompts");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut entries: Vec<(String, String, String)> = Vec::new();
    let locales = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("cannot read prompt folder {}: {e}", root.display()));
    for locale in locales.flatten() {
        let dir = locale.path();
        if !dir.is_dir() {
            continue;
        }
        println!("cargo:rerun-if-changed={}", dir.display());
        let locale_name = locale.file_name().to_string_lossy().into_owned();
        let files = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read prompt folder {}: {e}", dir.display()));
        for file in files.flatten() {
            let path = file.path();
            if path.extension().and_then(|e| e.to_str()) != Some("j2") {
                continue;
            }
            println!("cargo:rerun-if-changed={}", path.display());
            let name = file.file_name().to_string_lossy().into_owned();
            entries.push((locale_name.clone(), name, path.display().to_string()));
        }
    }
    entries.sort();
    let mut out = String::from(
        "/// Embedded prompt templates: (locale tag, file name, source).\n\
         pub(crate) static PROMPT_FILES: &[(&str, &str, &str)] = &[\n",
    );
    for (locale, name, path) in &entries {
        let _ = writeln!(out, "    ({locale:?}, {name:?}, include_str!({path:?})),");
    }
    out.push_str("];\n");
    let out_dir = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    std::fs::write(Path::new(&out_dir).join("prompt_files.rs"), out)
        .unwrap_or_else(|e| panic!("cannot write generated prompt table: {e}"));
}

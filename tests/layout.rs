//! The crate's layout rule, checked on its source: modules import only from the layers before
//! them (the test-only mutate → config, rng, data, latent → nets → weights → train → inference → quality → web), so there is
//! no import circle, and no file in a module folder imports from its folder's `mod.rs` what
//! that `mod.rs` builds from its children (the factory in `train`, the classes in `web`).
#![cfg(not(target_arch = "wasm32"))]

use std::fs;
use std::path::{Path, PathBuf};

/// Each top-level module's layer: it may import from lower layers only.
const LAYERS: [(&str, usize); 12] = [
    // Test-only: the mutations the parsers' tests feed them, self-contained.
    ("mutate", 0),
    ("config", 1),
    ("rng", 1),
    ("data", 1),
    ("latent", 1),
    ("nets", 2),
    ("weights", 3),
    ("train", 4),
    ("pytorch", 4),
    ("inference", 5),
    ("quality", 6),
    ("web", 7),
];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().find(|(name, _)| *name == module).map(|&(_, layer)| layer)
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The top-level modules a file names as `crate::module`, outside comments.
fn crate_imports(source: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in source.lines().filter(|l| !l.trim_start().starts_with("//")) {
        for (at, _) in line.match_indices("crate::") {
            let rest = &line[at + "crate::".len()..];
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            found.push(name);
        }
    }
    found
}

#[test]
fn imports_run_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut problems = Vec::new();
    let mut checked = 0;
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let first = relative.components().next().unwrap().as_os_str().to_string_lossy();
        let module = first.trim_end_matches(".rs");
        if module == "bin" || module == "lib" {
            continue;
        }
        let own = layer(module).unwrap_or_else(|| panic!("{} is in no layer: add it to LAYERS", relative.display()));
        checked += 1;
        for target in crate_imports(&fs::read_to_string(file).unwrap()) {
            let Some(target_layer) = layer(&target) else {
                problems.push(format!("{} imports crate::{target}, which is in no layer", relative.display()));
                continue;
            };
            if target != module && target_layer >= own {
                problems.push(format!("{} ({module}, layer {own}) imports crate::{target} (layer {target_layer})", relative.display()));
            }
        }
    }
    assert!(checked >= 20, "only {checked} files checked");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A child of `train` or `web` takes nothing from its parent's `mod.rs`: the parent builds on
/// the children, not the other way round.
#[test]
fn children_do_not_import_their_parent() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for folder in ["train", "web", "quality", "nets"] {
        let parent = fs::read_to_string(src.join(folder).join("mod.rs")).unwrap();
        // Names the parent defines itself (not its `pub mod` children).
        let defined: Vec<&str> = parent
            .lines()
            .filter_map(|l| l.strip_prefix("pub fn ").or_else(|| l.strip_prefix("pub async fn ")))
            .map(|l| l.split(['(', '<']).next().unwrap())
            .collect();
        // Every file below the folder, its children's own folders (`train/manual_grads/`) included.
        let mut files = Vec::new();
        rust_files(&src.join(folder), &mut files);
        for path in files {
            if path == src.join(folder).join("mod.rs") {
                continue;
            }
            let source = fs::read_to_string(&path).unwrap();
            for name in &defined {
                for pattern in [format!("super::{name}"), format!("{folder}::{name}(")] {
                    assert!(
                        !source.contains(&pattern),
                        "{} uses {pattern}, which its parent mod.rs defines",
                        path.display()
                    );
                }
            }
        }
    }
}

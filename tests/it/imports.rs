//! The import graph of the core's top-level modules (`src/<module>.rs`, `src/<module>/…`): every
//! `crate::<module>` path in code (comments and doc examples left out; a name the crate root
//! re-exports, such as `crate::Ticket`, counts as its module) is an edge, and the graph has no
//! cycle except through the edges listed in [`KNOWN_BACK_EDGES`].
//!
//! Those edges close the one cycle the core has today, `kpi ↔ stats` (docs/architecture.md,
//! "The layers"). They are listed so that the cycle can only shrink: a new edge that closes a
//! cycle fails here, and so does a listed edge that is gone (take it off the list).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The edges that close today's cycle, each with what it imports.
///
/// - `stats → kpi`: `Metric`, `Accumulator` and `incompatible`, which the duration summary and
///   the trend functions use; `kpi` uses `stats::DurationSummary`.
///
/// (`columnar → report` closed `kpi → columnar → report → kpi` until the id hasher moved to
/// `crate::hash` and `ColumnarInput::from_input` to `report`.)
const KNOWN_BACK_EDGES: [(&str, &str); 1] = [("stats", "kpi")];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file of `src/` belongs to; `None` for `lib.rs`.
fn module_of(file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src()).unwrap();
    let first = rel.components().next()?.as_os_str().to_str()?.to_owned();
    match first.strip_suffix(".rs") {
        Some("lib") => None,
        Some(m) => Some(m.to_owned()),
        None => Some(first),
    }
}

/// The code of a file: lines that are not comments, with a trailing `//` comment cut off
/// (a `//` inside a string literal, as in a URL, would cut too early, which can only hide a
/// path, and the core has none after one).
fn code_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter_map(|line| {
        let t = line.trim_start();
        if t.starts_with("//") {
            return None;
        }
        Some(match t.find("//") {
            Some(i) => &t[..i],
            None => t,
        })
    })
}

fn ident_at(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// Every name a `crate::` path in `code` starts with (`crate::kpi::Metric` → `kpi`,
/// `crate::{Ticket, kpi::Nps}` → `Ticket`, `kpi`), over the whole text so that a `use` split
/// over lines is read whole.
fn crate_paths(code: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        // `supportkpi_crate::` or `$crate::` are not this crate's root.
        let before = rest[..i].chars().next_back();
        rest = &rest[i + "crate::".len()..];
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            // Only the group's top-level names: `{a, b::{c, d}}` gives a and b.
            let mut depth = 0;
            let mut start = true;
            for (j, c) in group[..end].char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && depth == 0 && !c.is_whitespace() => {
                        start = false;
                        names.push(ident_at(&group[j..]).to_owned());
                    }
                    _ => {}
                }
            }
        } else {
            names.push(ident_at(rest).to_owned());
        }
    }
    names
}

/// Names the crate root re-exports (`pub use error::{Error, …}` in lib.rs), by their module.
fn root_reexports() -> BTreeMap<String, String> {
    let lib = std::fs::read_to_string(src().join("lib.rs")).unwrap();
    let mut map = BTreeMap::new();
    for line in code_lines(&lib) {
        let Some(rest) = line.strip_prefix("pub use ") else {
            continue;
        };
        let module = ident_at(rest).to_owned();
        let names = rest[module.len()..]
            .trim_start_matches("::")
            .trim_start_matches('{');
        for name in names.split([',', '}', ';']) {
            let name = name.trim();
            if !name.is_empty() {
                map.insert(name.to_owned(), module.clone());
            }
        }
    }
    map
}

/// The module-to-module edges of `src/`, each with one file that makes it.
fn import_graph() -> BTreeMap<(String, String), PathBuf> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    files.sort();
    let modules: BTreeSet<String> = files.iter().filter_map(|f| module_of(f)).collect();
    let reexports = root_reexports();
    let mut edges = BTreeMap::new();
    for file in &files {
        let Some(from) = module_of(file) else {
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        let code: Vec<&str> = code_lines(&text).collect();
        for name in crate_paths(&code.join("\n")) {
            let to = if modules.contains(&name) {
                name
            } else if let Some(m) = reexports.get(&name) {
                m.clone()
            } else {
                continue;
            };
            if to != from {
                edges
                    .entry((from.clone(), to))
                    .or_insert_with(|| file.clone());
            }
        }
    }
    edges
}

/// The modules on a cycle of `edges`, if any: what is left after peeling off, again and again,
/// the edges out of a module nothing imports and into a module that imports nothing.
fn cyclic(edges: &BTreeSet<(&str, &str)>) -> BTreeSet<String> {
    let mut left: BTreeSet<(&str, &str)> = edges.clone();
    loop {
        let sources: BTreeSet<&str> = left.iter().map(|e| e.0).collect();
        let targets: BTreeSet<&str> = left.iter().map(|e| e.1).collect();
        let before = left.len();
        left.retain(|e| targets.contains(e.0) && sources.contains(e.1));
        if left.len() == before {
            return left
                .iter()
                .flat_map(|e| [e.0, e.1])
                .map(String::from)
                .collect();
        }
    }
}

#[test]
fn the_parser_reads_paths_groups_and_skips_comments() {
    let code = "use crate::kpi::{Metric, Accumulator};\nuse crate::{Ticket, time::{Period, Bucketer}};\n\
                let x = crate::par::map(&v, f); $crate::nope";
    assert_eq!(crate_paths(code), ["kpi", "Ticket", "time", "par"]);
    let lines: Vec<&str> =
        code_lines("/// [`crate::kpi`]\n// crate::io\nuse a; // crate::b").collect();
    assert_eq!(lines, ["use a; "]);
    let edges: BTreeSet<(&str, &str)> = [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")].into();
    let names: Vec<String> = cyclic(&edges).into_iter().collect();
    assert_eq!(names, ["a", "b", "c"]);
    assert!(cyclic(&[("a", "b"), ("b", "c")].into()).is_empty());
}

#[test]
fn the_module_graph_has_no_cycle_but_the_known_one() {
    let graph = import_graph();
    // The graph is what the test thinks it is: a few edges every version of the core has.
    for edge in [("model", "error"), ("kpi", "model"), ("report", "kpi")] {
        let key = (edge.0.to_owned(), edge.1.to_owned());
        assert!(graph.contains_key(&key), "no edge {edge:?} in {graph:?}");
    }
    for (from, to) in KNOWN_BACK_EDGES {
        assert!(
            graph.contains_key(&(from.to_owned(), to.to_owned())),
            "{from} no longer imports {to}: take ({from:?}, {to:?}) off KNOWN_BACK_EDGES"
        );
    }
    let edges: BTreeSet<(&str, &str)> = graph
        .keys()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .filter(|e| !KNOWN_BACK_EDGES.contains(e))
        .collect();
    let cycle = cyclic(&edges);
    let made_by: Vec<String> = graph
        .iter()
        .filter(|((a, b), _)| cycle.contains(a) && cycle.contains(b))
        .map(|((a, b), file)| format!("{a} -> {b} ({})", file.display()))
        .collect();
    assert!(
        cycle.is_empty(),
        "an import cycle among {cycle:?}; its edges: {made_by:#?}"
    );
}

/// The synthetic helpdesk is its own crate (`crates/supportkpi-synth`): no module of the core
/// library generates data, and the core's manifest needs it only to test and benchmark.
#[test]
fn the_core_does_not_compile_synth() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let synth: Vec<&PathBuf> = files
        .iter()
        .filter(|f| module_of(f).as_deref() == Some("synth"))
        .collect();
    assert!(synth.is_empty(), "{synth:?}");
    let lib = std::fs::read_to_string(src().join("lib.rs")).unwrap();
    assert!(!code_lines(&lib).any(|l| l.contains("mod synth")));
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    let deps = manifest
        .split("\n[dependencies]\n")
        .nth(1)
        .and_then(|rest| rest.split("\n[").next())
        .unwrap();
    assert!(!deps.contains("synth"), "{deps}");
}

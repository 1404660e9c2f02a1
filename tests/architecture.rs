//! The structure the code promises in ARCHITECTURE.md, drawn from the code itself: no import
//! circle between source files, and the picture of which top-level module uses which is the one
//! in ARCHITECTURE.md (between the `imports:begin` and `imports:end` markers).
//!
//! Imports are read from the text: every `crate::a::b…` and `super::…` path (in `use` lines and
//! in code), resolved to the file that defines the name — through a folder's `mod.rs`
//! re-exports (`pub use x::{A, B}`) to the file behind them. A `mod.rs`'s own `mod`/`pub use`
//! lines are declarations, not uses.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module path, `index::build::generation`; the crate root is empty.
type Module = Vec<String>;

struct Source {
    /// Module of each file.
    files: BTreeMap<Module, PathBuf>,
    /// For a folder module: name re-exported → the child module it comes from.
    reexports: BTreeMap<Module, BTreeMap<String, String>>,
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn module_of(path: &Path) -> Option<Module> {
    let rel = path.strip_prefix(src_dir()).ok()?;
    let mut parts: Module = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop()?;
    let stem = last.strip_suffix(".rs")?;
    if !matches!(stem, "mod" | "lib" | "main") {
        parts.push(stem.to_owned());
    }
    (stem != "main").then_some(parts)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Identifiers in a brace list, e.g. `{A, b::C, self}` → A, b, self (a name's first part).
fn idents(list: &str) -> Vec<String> {
    list.split([',', '{', '}'])
        .map(|s| s.trim().split("::").next().unwrap_or("").trim())
        .map(|s| s.split_whitespace().next().unwrap_or(""))
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

impl Source {
    fn read() -> Source {
        let mut paths = Vec::new();
        walk(&src_dir(), &mut paths);
        let mut files = BTreeMap::new();
        let mut reexports: BTreeMap<Module, BTreeMap<String, String>> = BTreeMap::new();
        for p in paths {
            let Some(m) = module_of(&p) else { continue };
            if p.ends_with("mod.rs") || p.ends_with("lib.rs") {
                let text = std::fs::read_to_string(&p).unwrap();
                let table = reexports.entry(m.clone()).or_default();
                for stmt in text.split(';') {
                    let stmt = stmt.trim();
                    let Some(rest) = stmt
                        .strip_prefix("pub use ")
                        .map(|r| r.trim_start_matches("self::"))
                    else {
                        continue;
                    };
                    if let Some((child, list)) = rest.split_once("::") {
                        for name in idents(list) {
                            table.insert(name, child.to_owned());
                        }
                    }
                }
            }
            files.insert(m, p);
        }
        Source { files, reexports }
    }

    /// The file module that `path` (from the crate root) names: the longest module prefix,
    /// followed through re-exports.
    fn resolve(&self, path: &[String]) -> Module {
        let mut m: Module = Vec::new();
        for part in path {
            let mut next = m.clone();
            next.push(part.clone());
            if self.files.contains_key(&next) {
                m = next;
                continue;
            }
            if let Some(child) = self.reexports.get(&m).and_then(|t| t.get(part)) {
                let mut via = m.clone();
                via.push(child.clone());
                if self.files.contains_key(&via) {
                    m = via;
                }
            }
            break;
        }
        m
    }

    /// Each file and the file modules it uses.
    fn edges(&self) -> BTreeMap<Module, BTreeSet<Module>> {
        let mut out = BTreeMap::new();
        for (m, p) in &self.files {
            let text = std::fs::read_to_string(p).unwrap();
            let folder = p.ends_with("mod.rs") || p.ends_with("lib.rs");
            let code: String = text
                .lines()
                .map(|l| l.split("//").next().unwrap_or(""))
                .collect::<Vec<_>>()
                .join("\n");
            let mut uses = BTreeSet::new();
            for stmt in code.split(';') {
                let t = stmt.trim_start();
                if folder && (t.starts_with("pub use ") || t.starts_with("mod ")) {
                    continue;
                }
                for (prefix, base) in [("crate::", Vec::new()), ("super::", parent(m))] {
                    for (i, _) in stmt.match_indices(prefix) {
                        if stmt[..i].ends_with("::") {
                            continue; // `super::super::` is read from the first
                        }
                        let mut found = Vec::new();
                        self.use_tree(&base, &stmt[i + prefix.len()..], &mut found);
                        for target in found {
                            if &target != m && !target.is_empty() {
                                uses.insert(target);
                            }
                        }
                    }
                }
            }
            out.insert(m.clone(), uses);
        }
        out
    }

    /// The modules a use tree names (`a::b::{C, d::E}`, or a path in code), from `base`.
    fn use_tree(&self, base: &Module, text: &str, out: &mut Vec<Module>) {
        let mut path = base.clone();
        let mut rest = text.trim_start();
        loop {
            if let Some(inner) = rest.strip_prefix('{') {
                // The list up to the matching brace, split at top-level commas.
                let mut depth = 0;
                let mut start = 0;
                for (i, c) in inner.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => {
                            self.use_tree(&path, &inner[start..i], out);
                            return;
                        }
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            self.use_tree(&path, &inner[start..i], out);
                            start = i + 1;
                        }
                        _ => {}
                    }
                }
                return;
            }
            let len = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            let ident = &rest[..len];
            if ident.is_empty() || ident == "self" {
                break;
            }
            path.push(ident.to_owned());
            match rest[len..].strip_prefix("::") {
                Some(next) => rest = next.trim_start(),
                None => break,
            }
        }
        out.push(self.resolve(&path));
    }
}

/// The module `super` names in module `m` (its parent).
fn parent(m: &Module) -> Module {
    let mut m = m.clone();
    m.pop();
    m
}

/// A cycle in the file graph, if any.
fn find_cycle(edges: &BTreeMap<Module, BTreeSet<Module>>) -> Option<Vec<Module>> {
    fn visit(
        m: &Module,
        edges: &BTreeMap<Module, BTreeSet<Module>>,
        state: &mut BTreeMap<Module, u8>,
        stack: &mut Vec<Module>,
    ) -> Option<Vec<Module>> {
        state.insert(m.clone(), 1);
        stack.push(m.clone());
        for t in edges.get(m).into_iter().flatten() {
            match state.get(t).copied().unwrap_or(0) {
                1 => {
                    let from = stack.iter().position(|x| x == t).unwrap();
                    let mut cycle = stack[from..].to_vec();
                    cycle.push(t.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(t, edges, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(m.clone(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for m in edges.keys() {
        if state.get(m).copied().unwrap_or(0) == 0 {
            let mut stack = Vec::new();
            if let Some(c) = visit(m, edges, &mut state, &mut stack) {
                return Some(c);
            }
        }
    }
    None
}

fn name(m: &Module) -> String {
    if m.is_empty() {
        "crate".into()
    } else {
        m.join("::")
    }
}

#[test]
fn no_import_circle_between_source_files() {
    let src = Source::read();
    let edges = src.edges();
    assert!(
        edges.len() > 40,
        "read only {} files: is src/ there?",
        edges.len()
    );
    // The reader must see known imports, or a passing test would prove nothing.
    let app = edges.get(&vec!["app".to_string()]).unwrap();
    assert!(app.contains(&vec!["api".to_string()]), "{app:?}");
    let quote = edges
        .get(&vec!["query".to_string(), "quote".to_string()])
        .unwrap();
    assert!(
        quote.contains(&vec!["index".to_string(), "handle".to_string()]),
        "query::quote uses IndexHandle (re-exported by index/mod.rs): {quote:?}"
    );
    if let Some(cycle) = find_cycle(&edges) {
        let names: Vec<String> = cycle.iter().map(name).collect();
        panic!("import circle: {}", names.join(" → "));
    }
}

/// `module → used modules` for the top-level modules, one line each: the picture kept in
/// ARCHITECTURE.md.
fn top_level_picture(edges: &BTreeMap<Module, BTreeSet<Module>>) -> String {
    let mut top: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (m, uses) in edges {
        let Some(from) = m.first() else { continue };
        let entry = top.entry(from.clone()).or_default();
        for u in uses {
            if let Some(to) = u.first().filter(|t| *t != from) {
                entry.insert(to.clone());
            }
        }
    }
    top.iter()
        .map(|(m, uses)| {
            let list: Vec<&str> = uses.iter().map(String::as_str).collect();
            let list = if list.is_empty() {
                "(nothing of the crate)".to_owned()
            } else {
                list.join(", ")
            };
            format!("{m:<9} → {list}\n")
        })
        .collect()
}

#[test]
fn architecture_md_shows_the_imports_the_code_has() {
    let edges = Source::read().edges();
    let picture = top_level_picture(&edges);
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md"))
            .unwrap();
    let shown = doc
        .split_once("<!-- imports:begin -->\n```text\n")
        .and_then(|(_, rest)| rest.split_once("```\n<!-- imports:end -->"))
        .map(|(block, _)| block);
    assert_eq!(
        shown,
        Some(picture.as_str()),
        "ARCHITECTURE.md's import picture is not the code's; put this between the markers:\n\
         <!-- imports:begin -->\n```text\n{picture}```\n<!-- imports:end -->"
    );
}

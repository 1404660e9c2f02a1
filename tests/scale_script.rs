//! `benches/scale.py`, the scaling benchmark, run end to end at a small scale (corpora of a
//! fraction of a MB made from a few documents of `../shared/corpora`) so that it cannot rot:
//! it makes the corpora, builds, updates, times the commands and `bench`, and prints its table.

use std::path::Path;
use std::process::Command;

use crate::util::required_corpora;

/// A few documents of each collection, with the manifests, as `make-scale-corpus` reads them.
fn small_corpora(from: &Path, to: &Path) {
    let pick = |rel: &str, n: usize| {
        let mut files: Vec<_> = walk(&from.join(rel));
        files.sort();
        for f in files.into_iter().take(n) {
            let rel = f.strip_prefix(from).unwrap();
            let dest = to.join(rel);
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            std::fs::copy(&f, dest).unwrap();
        }
    };
    pick("cctv_xwlb", 40);
    pick("gov_reports", 3);
    pick("rmrb_2020", 20);
    pick("manifests", 10);
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
#[ignore = "needs ../shared/corpora: cargo test --release -- --include-ignored"]
fn the_scale_benchmark_runs_and_prints_its_table() {
    let corpora = required_corpora();
    let work = tempfile::tempdir().unwrap();
    let small = work.path().join("corpora");
    small_corpora(&corpora, &small);
    let out = work.path().join("scale");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = Command::new("python3")
        .arg(root.join("benches/scale.py"))
        .args([
            "--sizes", "0.4,0.8", "--count", "10", "--runs", "1", "--repeat", "1",
        ])
        .arg("--out")
        .arg(&out)
        .arg("--corpora")
        .arg(&small)
        .arg("--bin")
        .arg(env!("CARGO_BIN_EXE_jiansuo"))
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "scale.py failed\n{stdout}\n{stderr}");
    // The table: a column per size, every row filled.
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].contains("0.4 MB") && lines[0].contains("0.8 MB"),
        "{stdout}"
    );
    for row in [
        "| build (s) |",
        "| build peak RSS (MB) |",
        "| index ÷ text |",
        "| update, one file added (s) |",
        "| `phrase (rare) --count` (s) |",
        "| `quotes` (s) |",
        "| `shared` (s) |",
        "| bench search p99 (ms) |",
        "| bench quote hits |",
    ] {
        let line = lines
            .iter()
            .find(|l| l.starts_with(row))
            .unwrap_or_else(|| panic!("no row {row}\n{stdout}"));
        assert!(!line.contains('–'), "an empty cell: {line}");
    }
    // The figures as JSON: the bigger corpus has more text and more documents.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("scale.json")).unwrap()).unwrap();
    let sizes = json.as_array().unwrap();
    assert_eq!(sizes.len(), 2);
    let docs = |i: usize| sizes[i]["build"]["documents"].as_u64().unwrap();
    assert!(docs(1) > docs(0), "{} then {}", docs(0), docs(1));
    assert!(sizes[1]["text_bytes"].as_u64() > sizes[0]["text_bytes"].as_u64());
    // The rare phrase is counted at every size.
    assert!(
        sizes[0]["commands"]["phrase (common) --count"]["hits"]
            .as_u64()
            .unwrap()
            > 100
    );
}

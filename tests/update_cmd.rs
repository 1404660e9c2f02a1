//! Incremental `jiansuo index`, builds killed or failing at every stage, and queries running
//! while the index is updated.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::util::{Fixture, docx_bytes};

/// Stdout of a JSON command with the timings removed, line by line.
fn answers(f: &Fixture, index: &str, args: &[&str]) -> Vec<serde_json::Value> {
    let mut all = vec!["--index", index];
    all.extend_from_slice(args);
    let run = f.run(&all);
    assert!(run.code() <= 1, "{args:?}: {}", run.stderr());
    run.stdout()
        .lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            if let Some(o) = v.as_object_mut() {
                o.remove("elapsed_us");
            }
            v
        })
        .collect()
}

fn index_json(run: crate::util::Run) -> serde_json::Value {
    serde_json::from_str(run.stdout().trim()).unwrap()
}

fn seed_named(f: &Fixture, prefix: &str) -> String {
    std::fs::read_dir(f.path("corpus"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .find(|n| n.starts_with(prefix))
        .unwrap()
}

#[test]
fn an_update_answers_exactly_as_a_full_rebuild() {
    let f = Fixture::with_seeds();
    let first = index_json(f.run(&["index", "--json"]).expect(0));
    assert_eq!(first["mode"], "full");

    // New files in three formats, one changed, one removed, one touched.
    let html = "<html><head><meta charset=\"gbk\"><title>调研报告</title></head><body>\
        <p>习近平总书记强调，“调查研究是谋事之基、成事之道”。</p><p>信访接待下基层，现场办公解难题。</p></body></html>";
    f.write("corpus/new/page.html", &encoding_rs::GBK.encode(html).0);
    f.write(
        "corpus/new/report.docx",
        &docx_bytes(&["工作总结", "大兴调查研究之风，没有调查就没有发言权。"]),
    );
    f.write(
        "corpus/new/notes.md",
        "# 学习笔记\n\n**四下基层**：宣传政策下基层、\n调查研究下基层。\n".as_bytes(),
    );
    let changed = f.path(&format!("corpus/{}", seed_named(&f, "000_")));
    let mut text = std::fs::read_to_string(&changed).unwrap();
    text.push_str("\n补充一段：调查研究是谋事之基、成事之道，要在全党大兴调查研究。\n");
    std::fs::write(&changed, text).unwrap();
    std::fs::remove_file(f.path(&format!("corpus/{}", seed_named(&f, "001_")))).unwrap();
    let touched = std::fs::File::options()
        .write(true)
        .open(f.path(&format!("corpus/{}", seed_named(&f, "002_"))))
        .unwrap();
    touched
        .set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(5))
        .unwrap();
    drop(touched);
    // A repost of a seed: a group of near-duplicates for `docs --duplicates` and `--once`.
    let seed3 = seed_named(&f, "003_");
    let repost = std::fs::read_to_string(f.path(&format!("corpus/{seed3}"))).unwrap();
    f.write(
        "corpus/new/repost.txt",
        format!(
            "转载：{}",
            repost.replacen('\n', "\n（来源：学习材料）\n", 1)
        )
        .as_bytes(),
    );

    let v = index_json(f.run(&["index", "--json"]).expect(0));
    assert_eq!(v["mode"], "update", "{v}");
    assert_eq!(
        v["changes"],
        serde_json::json!({"added": 4, "changed": 1, "removed": 1, "unchanged": 3}),
        "{v}"
    );
    assert_eq!(v["documents"], 8, "{v}");
    // The update added segments (one per writer thread that received documents) and left the
    // base's (with the changed and removed files' passages deleted in them), so the answers
    // below are those of an index with deletions.
    let (before, after) = (
        first["segments"].as_u64().unwrap(),
        v["segments"].as_u64().unwrap(),
    );
    let threads = v["threads"].as_u64().unwrap();
    assert!(
        after > before && after <= before + threads,
        "{before} segments before, {after} after: {v}"
    );
    let full = index_json(
        f.run(&["index", "--index", "full", "--full", "--json"])
            .expect(0),
    );
    for figure in [
        "documents",
        "paragraphs",
        "passages",
        "chars",
        "bytes",
        "quotations",
        "word_tokens",
    ] {
        assert_eq!(v[figure], full[figure], "{figure}");
    }

    let queries: &[&[&str]] = &[
        &["search", "调查研究", "--json", "-n", "100"],
        &["search", "信访接待", "群众", "--json"],
        &["search", "--theme", "信访接待", "--json", "-n", "30"],
        &["search", "--theme", "调查研究", "基层", "--json"],
        &["phrase", "调查研究", "--json"],
        &["phrase", "下基层", "--count", "--json"],
        &["phrase", "谋事之基", "--strict", "--json"],
        &["quote", "调查研究是谋事之基、成事之道", "--json"],
        &["quote", "没有调查就没有发言权", "--json"],
        &["quotes", "--json"],
        &["themes", "--json"],
        &["keywords", "--json"],
        &["shared", "--json"],
        &["shared", "--json", "--sort", "docs", "--min-chars", "4"],
        &["docs", "--json"],
        &["docs", "--duplicates", "--json"],
        &["phrase", "调查研究", "--count", "--once", "--json"],
        &["reuse", "--doc", "new/repost.txt", "--json", "-n", "0"],
        &["compare", &seed3, "new/repost.txt", "--json"],
    ];
    for q in queries {
        let updated = answers(&f, "index", q);
        assert!(!updated.is_empty(), "{q:?}");
        assert_eq!(updated, answers(&f, "full", q), "{q:?}");
    }
    let docs = answers(&f, "index", &["docs", "--json"]);
    let format_of = |path: &str| {
        docs.iter()
            .find(|d| d["path"] == path)
            .map(|d| (d["format"].clone(), d["encoding"].clone()))
            .unwrap()
    };
    assert_eq!(
        format_of("new/page.html"),
        ("html".into(), "gb18030".into())
    );
    assert_eq!(
        format_of("new/report.docx"),
        ("docx".into(), "UTF-8".into())
    );
    assert_eq!(format_of("new/notes.md").0, "markdown");
    let hits = answers(&f, "index", &["phrase", "没有调查就没有发言权", "--json"]);
    assert!(
        hits.iter().any(|h| h["doc"] == "new/report.docx"),
        "{hits:?}"
    );

    // Nothing changed since: nothing is read.
    let v = index_json(f.run(&["index", "--json"]).expect(0));
    assert_eq!(v["mode"], "up-to-date", "{v}");
    assert_eq!(v["changes"]["unchanged"], 8, "{v}");

    // Another user dictionary: the whole index is rebuilt, and says why.
    f.write("my.dict", "谋事之基 500 n\n".as_bytes());
    let run = f
        .run(&["index", "--user-dict", "my.dict", "--json"])
        .expect(0);
    assert!(
        run.stderr()
            .contains("rebuilding the whole index: the user dictionary changed"),
        "{}",
        run.stderr()
    );
    let v = index_json(run);
    assert_eq!(v["mode"], "full", "{v}");
    assert_eq!(v["rebuild_reason"], "the user dictionary changed");
    // The dictionary sticks: the next plain `index` updates with it.
    let v = index_json(f.run(&["index", "--json"]).expect(0));
    assert_eq!(v["mode"], "up-to-date", "{v}");

    // Damaged index files: rebuilt whole, not updated from.
    let live = std::fs::read_to_string(f.path("index/CURRENT")).unwrap();
    std::fs::write(f.path(&format!("index/{live}/meta.json")), "garbage").unwrap();
    let run = f.run(&["index", "--json"]).expect(0);
    assert!(
        run.stderr()
            .contains("the live generation is damaged (meta.json"),
        "{}",
        run.stderr()
    );
    assert_eq!(index_json(run)["mode"], "full");
    assert_eq!(
        answers(&f, "index", &["docs", "--json"]),
        answers(&f, "full", &["docs", "--json"])
    );
}

/// Start `jiansuo index` stopped at `stage`, wait until it says so, and SIGKILL it.
fn kill_at(f: &Fixture, stage: &str, args: &[&str]) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_jiansuo"))
        .args(args)
        .current_dir(f.dir.path())
        .env("JIANSUO_FAIL_AT", stage)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut said = String::new();
    for line in BufReader::new(child.stderr.take().unwrap()).lines() {
        let line = line.unwrap();
        said.push_str(&line);
        said.push('\n');
        if line.contains(&format!("paused at {stage}")) {
            break;
        }
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(said.contains("paused at"), "{stage}: {said}");
}

fn count(f: &Fixture, phrase: &str) -> u64 {
    let out = f
        .run(&["phrase", phrase, "--count", "--json"])
        .expect(0)
        .stdout();
    let summary: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    summary["hits"].as_u64().unwrap()
}

fn generations(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with("gen-") || n.starts_with(".trash"))
        .collect();
    names.sort();
    names
}

#[test]
#[cfg_attr(not(feature = "failpoints"), ignore = "needs --features failpoints")]
fn a_build_killed_or_failing_at_any_stage_leaves_the_previous_index() {
    let f = Fixture::with_seeds();
    f.run(&["index"]).expect(0);
    let before = count(&f, "调查研究");
    f.write(
        "corpus/extra.txt",
        "增补\n调查研究，调查研究，再调查研究。\n".as_bytes(),
    );
    for stage in ["start", "halfway", "commit", "merged", "written", "publish"] {
        kill_at(&f, stage, &["index"]);
        assert_eq!(count(&f, "调查研究"), before, "killed at {stage} (update)");
        kill_at(&f, stage, &["index", "--full"]);
        assert_eq!(count(&f, "调查研究"), before, "killed at {stage} (full)");
    }
    // The lock file still names a killed process: that lock is not held, so it is no obstacle.
    let holder = std::fs::read_to_string(f.path("index/.lock")).unwrap();
    assert!(holder.parse::<u32>().is_ok(), "{holder}");
    // Injected write errors ("no space left on device"): a clear message, exit 2, old index.
    for stage in ["start", "commit", "written", "publish"] {
        let run = f
            .run_env(
                &["index"],
                &[("JIANSUO_FAIL_AT", &format!("{stage}:error"))],
            )
            .expect(2);
        assert!(
            run.stderr().contains("no space left on device"),
            "{stage}: {}",
            run.stderr()
        );
        assert_eq!(count(&f, "调查研究"), before, "write error at {stage}");
    }
    // The next build succeeds and leaves one generation, no trash.
    let out = f.run(&["index"]).expect(0).stdout();
    assert!(out.contains("1 added"), "{out}");
    assert_eq!(count(&f, "调查研究"), before + 3);
    assert_eq!(generations(&f.path("index")).len(), 1);
}

#[test]
fn a_real_write_error_keeps_the_previous_index() {
    // A file-size limit makes writes fail with EFBIG, as a full disk fails them with ENOSPC.
    let f = Fixture::with_seeds();
    f.run(&["index"]).expect(0);
    let before = count(&f, "调查研究");
    f.write("corpus/extra.txt", "调查研究\n".repeat(20_000).as_bytes());
    let script = format!(
        "trap '' XFSZ; ulimit -f 64; exec {} index",
        env!("CARGO_BIN_EXE_jiansuo")
    );
    let out = Command::new("sh")
        .args(["-c", &script])
        .current_dir(f.dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("could not write"), "{stderr}");
    assert!(
        stderr.contains("the previous index, if any, is unchanged"),
        "{stderr}"
    );
    assert_eq!(count(&f, "调查研究"), before);
    f.run(&["index"]).expect(0);
    assert_eq!(count(&f, "调查研究"), before + 20_000);
    assert_eq!(generations(&f.path("index")).len(), 1);
}

#[test]
fn queries_during_updates_see_the_old_or_the_new_index() {
    let f = Fixture::with_seeds();
    f.run(&["index"]).expect(0);
    let before = count(&f, "调查研究");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    // Readers of three kinds: postings only (phrase), and commands that read more files of the
    // generation after opening it (jieba's user dictionary, quotations, theme scores).
    let readers: Vec<_> = [
        vec!["phrase", "调查研究", "--count", "--json"],
        vec!["search", "调查研究", "--json", "-n", "200"],
        vec!["quote", "调查研究是谋事之基、成事之道", "--json"],
        vec!["themes", "--json"],
    ]
    .into_iter()
    .map(|args| {
        let stop = stop.clone();
        let dir = f.dir.path().to_path_buf();
        std::thread::spawn(move || {
            let mut runs = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let out = Command::new(env!("CARGO_BIN_EXE_jiansuo"))
                    .args(&args)
                    .current_dir(&dir)
                    .output()
                    .unwrap();
                assert_eq!(
                    out.status.code(),
                    Some(0),
                    "{args:?}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                runs.push(String::from_utf8_lossy(&out.stdout).into_owned());
            }
            runs
        })
    })
    .collect();
    for i in 0..12 {
        if i % 2 == 0 {
            f.write(
                "corpus/extra.txt",
                "增补\n调查研究，调查研究。\n".as_bytes(),
            );
        } else {
            std::fs::remove_file(f.path("corpus/extra.txt")).unwrap();
        }
        f.run(&["index", "-q"]).expect(0);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut runs: Vec<Vec<String>> = readers.into_iter().map(|r| r.join().unwrap()).collect();
    assert!(
        runs.iter().all(|r| r.len() >= 2),
        "{:?}",
        runs.iter().map(Vec::len).collect::<Vec<_>>()
    );
    for out in runs.remove(0) {
        let last: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
        let hits = last["hits"].as_u64().unwrap();
        assert!(
            hits == before || hits == before + 2,
            "{hits} not {before} or {}",
            before + 2
        );
    }
    // Generations still read when replaced are removed by a later build.
    f.run(&["index", "--full", "-q"]).expect(0);
    assert_eq!(generations(&f.path("index")).len(), 1);
}

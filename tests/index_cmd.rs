//! `jiansuo index`: summary figures, atomic rebuilds, clear errors for bad index directories.

use crate::util::{Fixture, copy_dir, without_timings};

#[test]
fn summary_of_the_seeds() {
    let f = Fixture::with_seeds();
    let out = f.run(&["index"]).expect(0).stdout();
    assert!(out.starts_with("indexed 5 documents ("), "{out}");
    assert!(out.contains("skipped 0 files"), "{out}");
    assert!(out.contains("MB/s"), "{out}");
    let generations: Vec<_> = std::fs::read_dir(f.path("index"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with("gen-"))
        .collect();
    assert_eq!(generations, vec!["gen-000001"]);
}

#[test]
fn rebuild_replaces_the_generation_and_a_failed_one_keeps_the_old() {
    let f = Fixture::with_seeds();
    f.run(&["index"]).expect(0);
    f.run(&["index", "--full"]).expect(0);
    let current = std::fs::read_to_string(f.path("index/CURRENT")).unwrap();
    assert_eq!(current, "gen-000002");
    assert!(!f.path("index/gen-000001").exists());

    // A failed build (missing corpus, bad user dictionary) leaves the index as it was.
    let run = f.run(&["index", "no-such-corpus"]).expect(2);
    assert!(run.stderr().contains("no-such-corpus"), "{}", run.stderr());
    f.write("bad.dict", "词 notanumber\n".as_bytes());
    let run = f.run(&["index", "--user-dict", "bad.dict"]).expect(2);
    assert!(run.stderr().contains("line 1"), "{}", run.stderr());
    assert_eq!(
        std::fs::read_to_string(f.path("index/CURRENT")).unwrap(),
        "gen-000002"
    );
    f.run(&["search", "信访"]).expect(0);

    // Junk left by a killed build is removed by the next build.
    std::fs::create_dir(f.path("index/gen-000009")).unwrap();
    f.run(&["index", "--full"]).expect(0);
    assert!(!f.path("index/gen-000009").exists());
    f.run(&["search", "信访"]).expect(0);
}

#[test]
fn index_directory_that_is_a_file() {
    let f = Fixture::with_seeds();
    f.write("ixfile", b"x");
    let run = f.run(&["index", "--index", "ixfile"]).expect(2);
    assert!(run.stderr().contains("is a file"), "{}", run.stderr());
    let run = f.run(&["search", "信访", "--index", "ixfile"]).expect(2);
    assert!(run.stderr().contains("is a file"), "{}", run.stderr());
}

#[test]
fn other_schema_version_asks_for_a_rebuild() {
    let f = Fixture::with_seeds();
    f.run(&["index"]).expect(0);
    let meta = f.path("index/gen-000001/jiansuo.json");
    let text = std::fs::read_to_string(&meta).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["schema_version"] = 999.into();
    std::fs::write(&meta, v.to_string()).unwrap();
    let run = f.run(&["search", "信访"]).expect(2);
    assert!(
        run.stderr().contains("schema version 999"),
        "{}",
        run.stderr()
    );
    assert!(
        run.stderr().contains("rebuild it with `jiansuo index`"),
        "{}",
        run.stderr()
    );
    f.run(&["index"]).expect(0);
    f.run(&["search", "信访"]).expect(0);
    // An index from before readers' locks (schema < 5) is old, not "vanished".
    let generation = std::fs::read_to_string(f.path("index/CURRENT")).unwrap();
    let generation = f.path(&format!("index/{}", generation.trim()));
    let meta = generation.join("jiansuo.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&meta).unwrap()).unwrap();
    v["schema_version"] = 3.into();
    std::fs::write(&meta, v.to_string()).unwrap();
    std::fs::remove_file(generation.join(".readers")).unwrap();
    let run = f.run(&["phrase", "信访"]).expect(2);
    assert!(
        run.stderr().contains("schema version 3"),
        "{}",
        run.stderr()
    );
    f.run(&["index"]).expect(0);
    f.run(&["phrase", "信访"]).expect(0);
}

#[test]
fn damaged_index_is_reported_not_panicked() {
    let f = Fixture::with_seeds();
    f.run(&["index"]).expect(0);
    std::fs::write(f.path("index/gen-000001/docs.bin"), b"not\ta table").unwrap();
    let run = f.run(&["search", "信访"]).expect(2);
    assert!(run.stderr().contains("damaged"), "{}", run.stderr());
    std::fs::write(f.path("index/CURRENT"), b"../../etc").unwrap();
    let run = f.run(&["search", "信访"]).expect(2);
    assert!(run.stderr().contains("damaged"), "{}", run.stderr());
}

#[test]
fn user_dictionary_is_kept_with_the_index() {
    let f = Fixture::with_seeds();
    f.write("my.dict", "谋事之基 500 n\n".as_bytes());
    f.run(&["index", "--user-dict", "my.dict"]).expect(0);
    let kept = std::fs::read_to_string(f.path("index/gen-000001/user-dict.txt")).unwrap();
    assert_eq!(kept, "谋事之基 500 n\n");
    let out = f.run(&["search", "谋事之基", "--json"]).expect(0).stdout();
    assert!(out.contains("\"terms\":[\"谋事\",\"谋事之基\"]"), "{out}");
}

#[test]
fn a_second_build_of_the_same_index_is_refused_while_the_first_runs() {
    let f = Fixture::empty();
    write_big_corpus(&f);
    let mut first = std::process::Command::new(env!("CARGO_BIN_EXE_jiansuo"))
        .args(["index", "big", "--index", "ix", "-q"])
        .current_dir(f.dir.path())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the first build holds the lock (its pid is written into it).
    let lock = f.path("ix/.lock");
    let pid = first.id().to_string();
    for _ in 0..500 {
        if std::fs::read_to_string(&lock).is_ok_and(|s| s == pid) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let run = f.run(&["index", "big", "--index", "ix"]);
    let done = first.wait().unwrap();
    assert!(done.success());
    // The second build either met the lock (exit 2, naming the pid) or, on a fast machine,
    // started after the first ended.
    eprintln!("second build exited {}", run.code());
    if run.code() == 2 {
        assert!(
            run.stderr()
                .contains(&format!("being updated by another process (pid {pid})")),
            "{}",
            run.stderr()
        );
    } else {
        run.expect(0);
    }
    // Either way the index answers.
    f.run(&["--index", "ix", "phrase", "调查研究", "--count"])
        .expect(0);
}

#[test]
fn a_killed_build_leaves_the_previous_index_usable_and_no_junk() {
    let f = Fixture::with_seeds();
    f.run(&["index", "corpus", "--index", "ix"]).expect(0);
    write_big_corpus(&f);
    // Kill the rebuild at several points: just started, reading files, later.
    for delay_ms in [50u64, 400, 1200] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_jiansuo"))
            .args(["index", "big", "--index", "ix", "-q"])
            .current_dir(f.dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        // The previous index (of the five seeds, unless the build finished first) answers.
        let out = f
            .run(&["--index", "ix", "phrase", "调查研究", "--count", "--json"])
            .expect(0)
            .stdout();
        assert!(out.contains("\"type\":\"summary\""), "{out}");
    }
    // The next build succeeds and leaves one generation only.
    f.run(&["index", "big", "--index", "ix"]).expect(0);
    let generations: Vec<String> = std::fs::read_dir(f.path("ix"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with("gen-"))
        .collect();
    assert_eq!(generations.len(), 1, "{generations:?}");
    let out = f
        .run(&["--index", "ix", "phrase", "调查研究", "--count"])
        .expect(0)
        .stdout();
    assert!(out.contains("in 750 documents"), "{out}");
}

/// `big/`: 150 copies of the five seeds (750 documents), enough for a build to take seconds.
fn write_big_corpus(f: &Fixture) {
    for entry in std::fs::read_dir(crate::util::seeds_dir()).unwrap() {
        let entry = entry.unwrap();
        let text = std::fs::read(entry.path()).unwrap();
        for i in 0..150 {
            f.write(
                &format!("big/{i:03}/{}", entry.file_name().to_string_lossy()),
                &text,
            );
        }
    }
}

#[test]
fn two_first_searches_at_once_both_answer() {
    // Both find no index; one builds it, the other waits for that build and uses it.
    let f = Fixture::with_seeds();
    let spawn = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_jiansuo"))
            .args(["search", "信访"])
            .current_dir(f.dir.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    for child in [a, b] {
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("信访"));
    }
}

#[test]
fn a_mistyped_index_is_an_error_not_an_index_of_another_corpus() {
    // Robustness v2: building on a query's first run happens only for the default index of
    // the default corpus, or when --corpus is given.
    let f = Fixture::with_seeds();
    f.write(
        "news/only.txt",
        "唯一的文件\n\n共同富裕是社会主义的本质要求。\n".as_bytes(),
    );
    f.run(&["--index", "big-idx", "index", "news"]).expect(0);
    let run = f
        .run(&["--index", "big-idxx", "phrase", "共同富裕", "--count"])
        .expect(2);
    assert!(
        run.stderr().contains("no index at big-idxx"),
        "{}",
        run.stderr()
    );
    assert!(
        run.stderr().contains("big-idx:") || run.stderr().contains("big-idx "),
        "{}",
        run.stderr()
    );
    assert!(!f.path("big-idxx").exists(), "nothing was built");
    // With --corpus the first query builds, as asked.
    f.run(&[
        "--index",
        "seeds-idx",
        "--corpus",
        "corpus",
        "phrase",
        "四下基层",
        "--count",
    ])
    .expect(0);
    // `index` without a corpus updates an existing index from the corpus it was built from,
    // not from ./corpus.
    let run = f.run(&["--index", "big-idx", "index"]).expect(0);
    assert!(run.stdout().contains("1 document"), "{}", run.stdout());
    let docs = f
        .run(&["--index", "big-idx", "docs", "--json"])
        .expect(0)
        .stdout();
    assert!(
        docs.contains("only.txt") && !docs.contains("000_43c7a6c6068f4716"),
        "{docs}"
    );
    // The default index of the default corpus still builds on first use.
    f.run(&["search", "信访"]).expect(0);
}

#[test]
fn damaged_files_are_found_by_check_and_repaired_by_index() {
    // Every kind of file of a generation, damaged four ways: every query command exits 0, 1
    // or 2 (never a panic or a debug dump); `check` names the file and exits 2; `index`
    // rebuilds in full, saying why; then the answers equal those of the undamaged index.
    let f = Fixture::with_seeds();
    f.run(&["index"]).expect(0);
    let pristine = f.path("pristine");
    copy_dir(&f.path("index"), &pristine);
    let commands: Vec<Vec<&str>> = vec![
        vec!["phrase", "调查研究"],
        vec!["phrase", "调查研究", "--count", "--json"],
        vec!["search", "信访", "--json"],
        vec!["quote", "没有调查，就没有发言权", "--json"],
        vec!["quotes", "--json"],
        vec!["themes", "--json"],
        vec!["keywords", "--json"],
        vec!["docs", "--json"],
        vec!["show", "000_43c7a6c6068f4716.txt:3"],
        vec!["shared", "--json"],
    ];
    // What the commands answer, without their timings.
    let answers = |f: &Fixture| -> Vec<String> {
        commands
            .iter()
            .map(|c| without_timings(&f.run(c).stdout()))
            .collect()
    };
    let want = answers(&f);
    let generation = |f: &Fixture| {
        let index = f.path("index");
        let name = std::fs::read_to_string(index.join("CURRENT")).unwrap();
        index.join(name.trim())
    };
    let g = generation(&f);
    let mut targets: Vec<String> = Vec::new();
    for ext in ["idx", "term", "pos", "store", "fast", "fieldnorm"] {
        let file = std::fs::read_dir(&g)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .find(|n| n.ends_with(&format!(".{ext}")))
            .unwrap_or_else(|| panic!("no .{ext} file"));
        targets.push(file);
    }
    for name in [
        "meta.json",
        "docs.bin",
        "files.json.zst",
        "quotes.jsonl.zst",
        "themes.bin.zst",
        "words.tsv.zst",
        "jiansuo.json",
    ] {
        assert!(g.join(name).is_file(), "{name}");
        targets.push(name.to_owned());
    }
    let mut repaired = 0;
    for target in &targets {
        for how in ["flip", "truncate", "empty", "remove"] {
            std::fs::remove_dir_all(f.path("index")).unwrap();
            copy_dir(&pristine, &f.path("index"));
            let path = generation(&f).join(target);
            let bytes = std::fs::read(&path).unwrap();
            match how {
                "flip" => {
                    let mut b = bytes.clone();
                    let mid = b.len() / 2;
                    for x in b.iter_mut().skip(mid).take(16) {
                        *x ^= 0x5a;
                    }
                    std::fs::write(&path, b).unwrap();
                }
                "truncate" => std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap(),
                "empty" => std::fs::write(&path, b"").unwrap(),
                _ => std::fs::remove_file(&path).unwrap(),
            }
            let case = format!("{target} {how}");
            for c in &commands {
                let run = f.run(c);
                assert!(
                    [0, 1, 2].contains(&run.code()),
                    "{case}: {c:?} exited {}: {}",
                    run.code(),
                    run.stderr()
                );
                assert!(
                    !run.stderr().contains("panicked") && !run.stderr().contains("RUST_BACKTRACE"),
                    "{case}: {c:?}: {}",
                    run.stderr()
                );
            }
            let check = f.run(&["check"]);
            assert_eq!(check.code(), 2, "{case}: check said {}", check.stdout());
            assert!(
                check.stdout().contains(target.as_str()),
                "{case}: {}",
                check.stdout()
            );
            let rebuild = f.run(&["index"]);
            assert_eq!(rebuild.code(), 0, "{case}: {}", rebuild.stderr());
            f.run(&["check"]).expect(0);
            let got = answers(&f);
            for (i, c) in commands.iter().enumerate() {
                assert!(
                    got[i] == want[i],
                    "{case}: {c:?} answers otherwise after the repair"
                );
            }
            repaired += 1;
        }
    }
    assert_eq!(repaired, targets.len() * 4);
}

#[test]
fn an_index_on_a_read_only_disk_answers_every_query() {
    // A read-only bind mount where the test may mount (root in a container), else the index
    // made unwritable and read by an unprivileged user; the same answers as writable.
    let f = Fixture::with_seeds();
    f.run(&["index"]).expect(0);
    let ro = f.path("ro");
    std::fs::create_dir_all(&ro).unwrap();
    let src = f.path("index");
    let mounted = std::env::var_os("JIANSUO_TEST_NO_MOUNT").is_none()
        && std::process::Command::new("mount")
            .args(["--bind", src.to_str().unwrap(), ro.to_str().unwrap()])
            .status()
            .is_ok_and(|s| s.success())
        && std::process::Command::new("mount")
            .args(["-o", "remount,ro,bind", ro.to_str().unwrap()])
            .status()
            .is_ok_and(|s| s.success());
    struct Unmount(std::path::PathBuf, bool);
    impl Drop for Unmount {
        fn drop(&mut self) {
            if self.1 {
                let _ = std::process::Command::new("umount").arg(&self.0).status();
            }
        }
    }
    let _unmount = Unmount(ro.clone(), mounted);
    let commands: Vec<Vec<&str>> = vec![
        vec!["phrase", "调查研究", "--count", "--json"],
        vec!["search", "信访", "--json"],
        vec!["quote", "没有调查，就没有发言权", "--json"],
        vec!["quotes", "--json", "-n", "5"],
        vec!["themes", "--json"],
        vec!["keywords", "--json"],
        vec!["docs", "--json"],
        vec!["show", "000_43c7a6c6068f4716.txt:3"],
        vec!["shared", "--json", "-n", "5"],
        vec!["check", "--json"],
    ];
    let want: Vec<String> = commands
        .iter()
        .map(|c| without_timings(&f.run(c).stdout()))
        .collect();
    let index = if mounted {
        assert!(
            std::fs::write(ro.join("probe"), b"x").is_err(),
            "the mount is writable"
        );
        ro.to_str().unwrap().to_owned()
    } else {
        // Unwritable files and folders, read as another user when this one is root.
        let status = std::process::Command::new("chmod")
            .args(["-R", "a-w,a+rX", src.to_str().unwrap()])
            .status()
            .unwrap();
        assert!(status.success());
        src.to_str().unwrap().to_owned()
    };
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .unwrap()
        .stdout
        == b"0\n";
    for (c, want) in commands.iter().zip(&want) {
        let mut args = vec!["--index", index.as_str()];
        args.extend(c.iter());
        let got = if !mounted && root {
            // `setpriv` runs the binary as nobody; the fixture's folder must let it in.
            let _ = std::process::Command::new("chmod")
                .args(["a+rx", f.path("").to_str().unwrap()])
                .status();
            let out = std::process::Command::new("setpriv")
                .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(env!("CARGO_BIN_EXE_jiansuo"))
                .args(&args)
                .current_dir(f.path(""))
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{c:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8(out.stdout).unwrap()
        } else {
            f.run(&args).expect(0).stdout()
        };
        let (got, want) = if c[0] == "check" {
            // The generation's path differs; its files and damage do not.
            let at = |s: &str| {
                s.find("\"files\"")
                    .map(|i| s[i..].to_owned())
                    .unwrap_or_default()
            };
            (at(&got), at(want))
        } else {
            (without_timings(&got), want.clone())
        };
        assert_eq!(got, want, "{c:?} on the read-only index");
    }
    if !mounted {
        let _ = std::process::Command::new("chmod")
            .args(["-R", "u+w", src.to_str().unwrap()])
            .status();
    }
}

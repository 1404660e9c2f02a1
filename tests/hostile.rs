//! Hostile input: every bad file gets a clear warning and the rest of the corpus is indexed;
//! bad queries get a clear message and exit 1 or 2, never a panic.

use crate::util::Fixture;

/// A `.docx` whose document part is small compressed and expands past the bound.
fn zip_bomb() -> Vec<u8> {
    use std::io::Write;
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    zip.start_file("word/document.xml", opts).unwrap();
    let block = vec![b'a'; 1 << 20];
    for _ in 0..(jiansuo::load::formats::MAX_XML_BYTES >> 20) + 1 {
        zip.write_all(&block).unwrap();
    }
    zip.finish().unwrap();
    buf.into_inner()
}

#[test]
fn bad_files_are_skipped_with_reasons_and_the_rest_is_indexed() {
    let f = Fixture::with_seeds();
    let binary: Vec<u8> = (0..8192u32).map(|i| (i * 7919 % 251) as u8).collect();
    f.write("corpus/bad/binary.txt", &binary);
    f.write("corpus/bad/empty.txt", b"");
    let mut broken = "调查研究是谋事之基、成事之道。".repeat(10).into_bytes();
    broken[31] = 0xff;
    f.write("corpus/bad/broken.txt", &broken);
    f.write("corpus/bad/fake.docx", b"this is not a zip archive at all");
    let bomb = zip_bomb();
    assert!(bomb.len() < 1 << 20, "{}", bomb.len());
    f.write("corpus/bad/bomb.docx", &bomb);
    f.write("corpus/bad/scan.pdf", b"%PDF-1.4 ...");
    // Over the size bound (a sparse file: nothing is written, nothing is read).
    std::fs::File::create(f.path("corpus/bad/huge.txt"))
        .unwrap()
        .set_len(jiansuo::load::MAX_FILE_BYTES + 1)
        .unwrap();
    f.write(
        "corpus/bad/only-markers.txt",
        "##paidbegin##\n##paidend##\n".as_bytes(),
    );
    // A symbolic link loop, a file that cannot be read, a name that is not UTF-8.
    std::os::unix::fs::symlink("..", f.path("corpus/bad/loop")).unwrap();
    let locked = f.path("corpus/bad/locked.txt");
    std::fs::write(&locked, "调查研究").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let root_reads_anything = std::fs::read(&locked).is_ok();
    use std::os::unix::ffi::OsStrExt;
    let odd = f
        .path("corpus/bad")
        .join(std::ffi::OsStr::from_bytes(b"\xff\xfename.txt"));
    std::fs::write(odd, "调查研究").unwrap();
    // Control characters and a bidi override inside a document.
    f.write(
        "corpus/bad/controls.txt",
        "控制字符\n调查研究\u{202e}倒序\u{1b}[31m红色\u{7}结束\n".as_bytes(),
    );

    let run = f.run(&["index", "--json"]).expect(0);
    let warnings = run.stderr();
    for (path, reason) in [
        ("bad/binary.txt", "binary file"),
        ("bad/empty.txt", "empty file"),
        ("bad/broken.txt", "invalid UTF-8 at byte 30"),
        ("bad/fake.docx", "not a zip archive"),
        ("bad/bomb.docx", "zip bomb"),
        ("bad/scan.pdf", "pdftotext"),
        (
            "bad/huge.txt",
            "more than the 256 MB a document may have; split it",
        ),
        ("bad/only-markers.txt", "no text after cleaning"),
        ("loop", "loop"),
        ("name.txt", "not valid UTF-8; rename the file"),
    ] {
        assert!(
            warnings
                .lines()
                .any(|l| l.starts_with("jiansuo: warning: skipped")
                    && l.contains(path)
                    && l.contains(reason)),
            "{path}: {reason}\n{warnings}"
        );
    }
    if !root_reads_anything {
        assert!(
            warnings.contains("locked.txt") && warnings.contains("ermission denied"),
            "{warnings}"
        );
    }
    assert!(!warnings.contains("panicked"), "{warnings}");
    let v: serde_json::Value = serde_json::from_str(run.stdout().trim()).unwrap();
    // The five seeds and the document with control characters (and the locked file for root).
    let expected = if root_reads_anything { 7 } else { 6 };
    assert_eq!(v["documents"], expected, "{v}");

    // Indexing again reads nothing: the refused files are unchanged, and said again.
    let again = f.run(&["index", "--json"]).expect(0);
    let v: serde_json::Value = serde_json::from_str(again.stdout().trim()).unwrap();
    assert_eq!(v["mode"], "up-to-date", "{v}");
    assert!(
        again.stderr().contains("bad/bomb.docx"),
        "{}",
        again.stderr()
    );
    assert_eq!(
        again.stderr().matches("warning: skipped").count(),
        warnings.matches("warning: skipped").count()
    );

    // Control characters and bidi overrides are shown escaped on the terminal.
    let out = f.run(&["search", "倒序"]).expect(0).stdout();
    assert!(out.contains("\\u{202e}倒序\\u{1b}[31m红色\\u{7}"), "{out}");
    assert!(
        !out.contains('\u{202e}') && !out.contains('\u{1b}'),
        "{out}"
    );
}

#[test]
fn a_file_of_one_huge_line_is_indexed_whole() {
    // 2.4 million characters on one line, with quote marks that never close.
    let f = Fixture::empty();
    let unit = "“调查研究是谋事之基、成事之道，没有调查就没有发言权";
    let mut line = unit.repeat(100_000);
    line.push_str("末尾的独特短语在这里");
    f.write("corpus/one-line.txt", line.as_bytes());
    let run = f.run(&["index", "--json"]).expect(0);
    let v: serde_json::Value = serde_json::from_str(run.stdout().trim()).unwrap();
    assert_eq!(v["documents"], 1, "{v}");
    let out = f
        .run(&["phrase", "末尾的独特短语", "--json"])
        .expect(0)
        .stdout();
    assert!(out.contains("\"line\":1"), "{out}");
    let docs = f.run(&["docs", "--json"]).expect(0).stdout();
    let doc: serde_json::Value = serde_json::from_str(docs.lines().next().unwrap()).unwrap();
    assert_eq!(
        doc["title"].as_str().unwrap().chars().count(),
        jiansuo::passage::MAX_TITLE_CHARS
    );
    let count = f
        .run(&["phrase", "谋事之基", "--count", "--json"])
        .expect(0)
        .stdout();
    assert!(count.contains("\"hits\":100000"), "{count}");
    // The quotations index stays proportional to the text (no mark spans the whole line).
    let quotes = std::fs::read_dir(f.path("index"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("gen-"))
        .unwrap()
        .join("quotes.jsonl.zst");
    let table = zstd::stream::decode_all(&std::fs::read(quotes).unwrap()[..]).unwrap();
    let size = table.len() as u64;
    assert!(size < 20 * line.len() as u64, "{size}");
}

#[test]
fn hostile_queries_get_messages_not_panics() {
    let f = Fixture::with_seeds();
    f.run(&["index"]).expect(0);
    // 100,000 characters, as four arguments (Linux takes at most 128 KB in one argument; the
    // commands join their arguments with spaces).
    let piece = "调查研究是谋事之基、成事之道".repeat(25_000 / 14 + 1);
    let long: Vec<&str> = vec![piece.as_str(); 4];
    let long_latin = "a(b)\"c:d".repeat(12_500);
    let with = |cmd: &[&'static str], words: &[&str]| -> Vec<String> {
        cmd.iter()
            .map(|s| s.to_string())
            .chain(words.iter().map(|s| s.to_string()))
            .collect()
    };
    let long_cases: Vec<Vec<String>> = vec![
        with(&["search"], &long),
        with(&["search"], &[&long_latin]),
        with(&["phrase"], &long),
        with(&["phrase", "--strict"], &long),
        with(&["quote"], &long),
        with(&["quotes"], &long[..1]),
    ];
    let mut cases: Vec<Vec<&str>> = long_cases
        .iter()
        .map(|c| c.iter().map(String::as_str).collect())
        .collect();
    cases.extend(vec![
        vec!["search", "\"():*^~-+AND OR NOT"],
        vec!["phrase", "“”：，、。"],
        vec!["quote", "……"],
        vec!["search", "\u{202e}\u{1b}[31m"],
        vec!["search", "--theme", "没有这个主题"],
        vec!["themes", "--doc", "../../etc/passwd"],
    ]);
    for args in cases {
        let started = std::time::Instant::now();
        let run = f.run(&args);
        let shown: String = format!("{args:?}").chars().take(80).collect();
        // The long search is answered (every word of the query is in a passage); the others
        // find nothing (1) or say what is wrong (2).
        assert!(
            run.code() == 1 || run.code() == 2 || (run.code() == 0 && args[0] == "search"),
            "{shown}: exit {} {}",
            run.code(),
            run.stderr()
        );
        assert!(
            !run.stderr().contains("panicked"),
            "{shown}: {}",
            run.stderr()
        );
        assert!(!run.stderr().contains("\\\n"), "{shown}: {}", run.stderr());
        if run.code() == 2 {
            assert!(
                run.stderr().starts_with("jiansuo: error:"),
                "{shown}: {}",
                run.stderr()
            );
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{shown}: {:?}",
            started.elapsed()
        );
    }
}

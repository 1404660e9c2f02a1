//! Files in other encodings are read; binary, empty and undecodable files are skipped with a
//! warning naming them; site markers inside words are removed.

use crate::util::Fixture;

const GBK_TEXT: &str = "关于信访接待的报告\n信访接待下基层，能够让我们在一线听取群众呼声。\n";
const UTF16_TEXT: &str = "现场办公\n现场办公下基层，就地解决群众反映的问题。\n";

fn utf16(text: &str, le: bool) -> Vec<u8> {
    let mut out: Vec<u8> = if le {
        vec![0xff, 0xfe]
    } else {
        vec![0xfe, 0xff]
    };
    for u in text.encode_utf16() {
        out.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
    }
    out
}

fn gbk(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

fn mixed_corpus() -> Fixture {
    let f = Fixture::empty();
    f.write("c/gbk.txt", &gbk(GBK_TEXT));
    f.write("c/utf16le.txt", &utf16(UTF16_TEXT, true));
    f.write(
        "c/sub/utf16be.txt",
        &utf16("宣传政策\n宣传党的路线方针政策。\n", false),
    );
    f.write(
        "c/bom.md",
        "\u{feff}调查研究\n没有调查，就没有发言权。\n".as_bytes(),
    );
    f.write(
        "c/marker.txt",
        "统编教材\n推行使用国家统编教##paidbegin##材。\n".as_bytes(),
    );
    f.write("c/empty.txt", b"");
    f.write(
        "c/image.txt",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0\0\0\x01\0\x08\x06\0\0\0",
    );
    let mut broken = "习近平总书记强调，调查研究是谋事之基、成事之道。"
        .repeat(4)
        .into_bytes();
    broken[30] = 0xff;
    f.write("c/broken.txt", &broken);
    f.write("c/ignored.tsv", b"not a document");
    f
}

#[test]
fn index_reads_encodings_and_skips_bad_files_with_warnings() {
    let f = mixed_corpus();
    let run = f.run(&["index", "c", "--index", "ix"]).expect(0);
    let out = run.stdout();
    let err = run.stderr();
    assert!(out.contains("indexed 5 documents"), "{out}");
    assert!(out.contains("skipped 3 files"), "{out}");
    assert!(err.contains("skipped empty.txt: empty file"), "{err}");
    assert!(err.contains("skipped image.txt: binary file"), "{err}");
    assert!(
        err.contains("skipped broken.txt: undecodable text: invalid UTF-8 at byte 30"),
        "{err}"
    );
    assert!(!err.contains("ignored.tsv"));

    for (query, doc) in [
        ("信访接待", "gbk.txt"),
        ("现场办公", "utf16le.txt"),
        ("宣传", "sub/utf16be.txt"),
        ("发言权", "bom.md"),
    ] {
        let hit = f
            .run(&["--index", "ix", "search", query, "--json"])
            .expect(0)
            .stdout();
        assert!(
            hit.contains(&format!("\"doc\":\"{doc}\"")),
            "{query}: {hit}"
        );
    }
    let hit = f
        .run(&["--index", "ix", "search", "统编教材", "--json"])
        .expect(0)
        .stdout();
    assert!(hit.contains("推行使用国家统编教材。"), "{hit}");
    assert!(!hit.contains("paidbegin"));
}

#[test]
fn index_json_summary_lists_skipped_files() {
    let f = mixed_corpus();
    let out = f
        .run(&["index", "c", "--index", "ix", "--json"])
        .expect(0)
        .stdout();
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["type"], "index");
    assert_eq!(v["documents"], 5);
    assert_eq!(v["skipped"], 3);
    let reasons: Vec<&str> = v["skipped_files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["path"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, vec!["broken.txt", "empty.txt", "image.txt"]);
}

//! Helpers: a temporary work directory with a copy of the shipped corpus, and a way to run the
//! `jiansuo` binary in it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository's `corpus/` (the five seed documents).
pub fn seeds_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// The rows of a tab-separated file in `tests/data/` (lines starting with `#` left out).
pub fn data_rows(name: &str) -> Vec<Vec<String>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect()
}

/// `../shared/corpora` when it exists (the large real corpus), else `None`.
pub fn shared_corpora() -> Option<PathBuf> {
    let p = std::env::var_os("JIANSUO_SHARED_CORPORA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora"));
    p.is_dir().then_some(p)
}

/// `../shared/corpora`, for a test that needs it: such tests are `#[ignore]`d (they show as
/// ignored in a plain `cargo test`) and run with `cargo test --release -- --include-ignored`,
/// which the README's test command and CI use; there a missing corpus fails the test.
pub fn required_corpora() -> PathBuf {
    shared_corpora().unwrap_or_else(|| {
        panic!(
            "this test needs ../shared/corpora (or JIANSUO_SHARED_CORPORA=DIR); without it, run \
             `cargo test --release` without --include-ignored, which leaves it out as ignored"
        )
    })
}

/// The index of [`required_corpora`], built once per test run.
pub fn required_corpora_index() -> &'static Path {
    required_corpora();
    corpora_index().expect("the corpora are there")
}

/// An index of `../shared/corpora` (with its manifests, its README left out), built once per test run and shared by the tests that need
/// it; `None` when the corpora are not there.
fn corpora_index() -> Option<&'static Path> {
    static INDEX: std::sync::OnceLock<Option<tempfile::TempDir>> = std::sync::OnceLock::new();
    INDEX
        .get_or_init(|| {
            let root = shared_corpora()?;
            let dir = tempfile::tempdir().expect("temp dir");
            // As the README says to index them: with their manifests, the README left out.
            let opts = jiansuo::index::BuildOptions {
                sticky: jiansuo::index::Sticky {
                    meta: ["cctv_xwlb", "gov_reports", "rmrb_2020"]
                        .iter()
                        .map(|m| root.join(format!("manifests/{m}.tsv")))
                        .collect(),
                    exclude: vec!["README.md".into()],
                    ..Default::default()
                },
                ..Default::default()
            };
            jiansuo::index::build(&root, dir.path(), &opts, &jiansuo::index::Quiet)
                .expect("index ../shared/corpora");
            Some(dir)
        })
        .as_ref()
        .map(|d| d.path())
}

/// A temporary directory to run the binary in.
pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    /// An empty work directory.
    pub fn empty() -> Fixture {
        Fixture {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A work directory with `corpus/` holding a copy of the seed documents.
    pub fn with_seeds() -> Fixture {
        let f = Fixture::empty();
        copy_dir(&seeds_dir(), &f.path("corpus"));
        f
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Write a file (creating parent directories).
    pub fn write(&self, rel: &str, bytes: &[u8]) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }

    /// Run `jiansuo ARGS` with this directory as the working directory.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_env(args, &[])
    }

    /// Run `jiansuo ARGS` with `input` on its standard input.
    pub fn run_stdin(&self, args: &[&str], input: &[u8]) -> Run {
        use std::io::Write;
        let mut child = Command::new(env!("CARGO_BIN_EXE_jiansuo"))
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("JIANSUO_INDEX")
            .env_remove("JIANSUO_CORPUS")
            .env_remove("NO_COLOR")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run jiansuo");
        child.stdin.take().unwrap().write_all(input).unwrap();
        Run(child.wait_with_output().expect("run jiansuo"))
    }

    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_jiansuo"));
        cmd.args(args)
            .current_dir(self.dir.path())
            .env_remove("JIANSUO_INDEX")
            .env_remove("JIANSUO_CORPUS")
            .env_remove("NO_COLOR");
        for (k, v) in env {
            cmd.env(k, v);
        }
        Run(cmd.output().expect("run jiansuo"))
    }
}

/// The outcome of one run of the binary.
pub struct Run(pub Output);

impl Run {
    pub fn code(&self) -> i32 {
        self.0.status.code().expect("exit code")
    }
    pub fn stdout(&self) -> String {
        String::from_utf8(self.0.stdout.clone()).expect("stdout is UTF-8")
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }
    /// Assert the exit code, showing both streams when it differs.
    pub fn expect(self, code: i32) -> Run {
        assert_eq!(
            self.code(),
            code,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout(),
            self.stderr()
        );
        self
    }
}

/// Copy a directory tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// JSON output without its `"elapsed_us":N` timings, to compare two runs' answers.
pub fn without_timings(out: &str) -> String {
    out.split("\"elapsed_us\":")
        .enumerate()
        .map(|(i, p)| {
            if i == 0 {
                p
            } else {
                p.trim_start_matches(|c: char| c.is_ascii_digit())
            }
        })
        .collect()
}

/// A minimal `.docx` archive with these paragraphs.
pub fn docx_bytes(paragraphs: &[&str]) -> Vec<u8> {
    docx_with_core(paragraphs, None)
}

/// A minimal `.docx` archive with these paragraphs and, when given, a `docProps/core.xml`.
pub fn docx_with_core(paragraphs: &[&str], core: Option<&str>) -> Vec<u8> {
    use std::io::Write;
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"#,
    );
    for p in paragraphs {
        xml.push_str(&format!("<w:p><w:r><w:t>{p}</w:t></w:r></w:p>"));
    }
    xml.push_str("</w:body></w:document>");
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("[Content_Types].xml", opts).unwrap();
    zip.write_all(b"<Types/>").unwrap();
    zip.start_file("word/document.xml", opts).unwrap();
    zip.write_all(xml.as_bytes()).unwrap();
    if let Some(core) = core {
        zip.start_file("docProps/core.xml", opts).unwrap();
        zip.write_all(core.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    buf.into_inner()
}

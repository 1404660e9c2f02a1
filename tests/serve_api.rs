//! `jiansuo serve`'s HTTP API, in process (tower's `oneshot` on the router): every endpoint,
//! its errors and its schema; a new generation is served without a restart.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::Value;
use tower::ServiceExt;

use jiansuo::index::{BuildOptions, Quiet, build};
use jiansuo::serve::{AppState, Live, router};

use crate::util::Fixture;

/// The seeds, three dated documents and one that tries to inject a script.
fn corpus() -> Fixture {
    let f = Fixture::with_seeds();
    for (path, year) in [
        ("news/2021/a.txt", 2021),
        ("news/2022/b.txt", 2022),
        ("news/2023/c.txt", 2023),
    ] {
        f.write(
            &format!("corpus/{path}"),
            format!("{year}年的报道\n\n调查研究是谋事之基。{year}年，各地大兴调查研究。\n")
                .as_bytes(),
        );
    }
    f.write(
        "corpus/news/2023/x.txt",
        "标题<script>alert(1)</script>\n\n正文<img src=x onerror=\"window.__xss=1\">调查研究\n"
            .as_bytes(),
    );
    f
}

fn state(f: &Fixture, timeout: Duration) -> AppState {
    let index = f.path("index");
    build(&f.path("corpus"), &index, &BuildOptions::default(), &Quiet).unwrap();
    AppState::new(Arc::new(Live::open(&index).unwrap()), timeout, None)
}

async fn get(state: &AppState, uri: &str) -> (StatusCode, String, String) {
    let response = router(state.clone())
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let kind = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 26)
        .await
        .unwrap();
    (status, kind, String::from_utf8(bytes.to_vec()).unwrap())
}

async fn json(state: &AppState, uri: &str) -> Value {
    let (status, kind, body) = get(state, uri).await;
    assert_eq!(status, StatusCode::OK, "{uri}: {body}");
    assert!(kind.starts_with("application/json"), "{uri}: {kind}");
    serde_json::from_str(&body).unwrap()
}

/// The keys of an object, sorted.
fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

fn same_keys(v: &Value, want: &[&str]) {
    let mut want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(keys(v), want, "{v}");
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn every_endpoint_answers_with_the_cli_schema() {
    let f = corpus();
    let s = state(&f, Duration::from_secs(20));
    runtime().block_on(async {
        let h = json(&s, "/api/health").await;
        same_keys(
            &h,
            &[
                "status",
                "generation",
                "documents",
                "passages",
                "chars",
                "built",
                "version",
                "queries_stopped",
            ],
        );
        assert_eq!(h["documents"], 9);
        let r = json(&s, "/api/search?q=调查研究&limit=3").await;
        same_keys(&r, &["hits", "summary", "page"]);
        same_keys(
            &r["hits"][0],
            &[
                "rank",
                "score",
                "doc",
                "title",
                "date",
                "line",
                "paragraph",
                "passage",
                "start",
                "end",
                "text",
                "highlights",
            ],
        );
        assert_eq!(r["hits"].as_array().unwrap().len(), 3);
        assert_eq!(
            r["page"]["total"].as_u64(),
            r["hits"].as_array().map(|h| h.len() as u64)
        );
        // Paging: the second page starts where the first ended.
        let p2 = json(&s, "/api/search?q=调查研究&offset=3&limit=3").await;
        let all = json(&s, "/api/search?q=调查研究&limit=6").await;
        assert_eq!(p2["hits"][0], all["hits"][3]);
        // How the words combine: not, any, within, as the CLI options.
        let total = |r: &Value| r["summary"]["total"].as_u64().unwrap();
        let with = json(&s, "/api/search?q=调查研究&limit=1").await;
        let without = json(&s, "/api/search?q=调查研究&not=谋事&limit=1").await;
        assert!(total(&without) < total(&with), "{without}");
        assert_eq!(with["summary"]["words"], "all");
        let any = json(&s, "/api/search?q=调查研究+谋事&any=1&limit=1").await;
        assert_eq!(any["summary"]["words"], "any");
        assert!(total(&any) >= total(&with));
        let near = json(&s, "/api/search?q=调查+研究&within=4&limit=1").await;
        assert!(total(&near) >= 1);
        let p = json(&s, "/api/phrase?q=调查研究&limit=0").await;
        same_keys(&p, &["hits", "summary", "page"]);
        same_keys(
            &p["hits"][0],
            &[
                "doc", "title", "date", "line", "start", "end", "left", "match", "right",
            ],
        );
        let cli = f
            .run(&["phrase", "调查研究", "--count", "--json"])
            .expect(0)
            .stdout();
        let cli_total: u64 =
            serde_json::from_str::<Value>(cli.lines().last().unwrap()).unwrap()["hits"]
                .as_u64()
                .unwrap();
        assert_eq!(
            p["summary"]["hits"].as_u64(),
            Some(cli_total),
            "the API answers as the command does"
        );
        assert_eq!(p["hits"].as_array().unwrap().len() as u64, cli_total);
        let c = json(&s, "/api/phrase?q=调查研究&count=true").await;
        same_keys(&c["counts"][0], &["doc", "hits"]);
        let t = json(&s, "/api/phrase?q=调查研究&by=year&also=谋事之基").await;
        same_keys(&t, &["rows", "summary", "page"]);
        same_keys(
            &t["rows"][0],
            &[
                "bucket",
                "phrase",
                "hits",
                "docs",
                "per_million",
                "chars",
                "documents",
            ],
        );
        assert_eq!(
            t["rows"].as_array().unwrap().len(),
            6,
            "3 years × 2 phrases"
        );
        let q = json(&s, "/api/quote?q=调查研究是谋事之基").await;
        same_keys(
            &q["hits"][0],
            &[
                "doc", "title", "date", "line", "start", "end", "coverage", "identity", "quoted",
                "speaker", "text",
            ],
        );
        let qb = json(&s, "/api/quote?q=调查研究是谋事之基&by=year").await;
        same_keys(
            &qb["buckets"][0],
            &[
                "bucket",
                "hits",
                "docs",
                "per_million",
                "chars",
                "documents",
                "speakers",
            ],
        );
        let qs = json(&s, "/api/quotes?limit=2").await;
        same_keys(
            &qs["clusters"][0],
            &[
                "text",
                "matching",
                "kind",
                "occurrences",
                "docs",
                "variants",
                "speakers",
                "first",
                "last",
                "years",
            ],
        );
        let sp = json(&s, "/api/speakers?name=总书记&top=1").await;
        same_keys(&sp, &["speakers", "summary", "page"]);
        same_keys(
            &sp["speakers"][0],
            &[
                "name",
                "listed",
                "roles",
                "quotations",
                "docs",
                "first_date",
                "last_date",
                "top",
            ],
        );
        assert_eq!(sp["speakers"][0]["name"], "习近平", "{sp}");
        assert_eq!(
            sp["speakers"][0]["top"].as_array().map(Vec::len),
            Some(1),
            "{sp}"
        );
        let th = json(&s, "/api/themes?top=1&under=news").await;
        same_keys(&th, &["themes", "scope", "page"]);
        same_keys(
            &th["themes"][0],
            &["name", "share", "total", "passages", "top"],
        );
        let kw = json(&s, "/api/keywords?limit=5").await;
        same_keys(&kw["keywords"][0], &["word", "score", "tf", "df"]);
        let sh = json(&s, "/api/shared?min-chars=6&limit=2").await;
        same_keys(
            &sh["phrases"][0],
            &["phrase", "text", "chars", "docs", "hits", "documents"],
        );
        let d = json(&s, "/api/docs?collection=news").await;
        assert_eq!(d["docs"].as_array().unwrap().len(), 4);
        same_keys(
            &d["docs"][0],
            &[
                "path",
                "title",
                "title_source",
                "date",
                "date_source",
                "date_precision",
                "collection",
                "collection_source",
                "url",
                "fields",
                "format",
                "encoding",
                "paragraphs",
                "passages",
                "chars",
            ],
        );
        let cols = json(&s, "/api/docs?collections=true").await;
        same_keys(
            &cols["collections"][0],
            &[
                "name",
                "docs",
                "chars",
                "undated",
                "first_date",
                "last_date",
            ],
        );
        let sh = json(
            &s,
            "/api/show?doc=news/2022/b.txt&line=3&highlight=调查研究",
        )
        .await;
        same_keys(&sh, &["doc", "lines", "paragraphs", "page"]);
        assert!(
            sh["lines"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l["target"] == true)
        );
        // Filters as the CLI's.
        let since = json(&s, "/api/phrase?q=调查研究&since=2022&count=true").await;
        assert_eq!(since["counts"].as_array().unwrap().len(), 3, "{since}");
        assert_eq!(since["summary"]["scope"]["documents"], 3);
    });
}

async fn post_form(state: &AppState, uri: &str, kind: &str, body: Vec<u8>) -> (StatusCode, String) {
    let response = router(state.clone())
        .oneshot(
            Request::post(uri)
                .header("content-type", kind)
                .body(Body::from(body))
                .unwrap(),
        )
        .await
        .unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 26)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[test]
fn reuse_compare_and_duplicates_endpoints() {
    let f = corpus();
    let s = state(&f, Duration::from_secs(30));
    let seed = "002_5eb3d9691549dda2.txt";
    runtime().block_on(async {
        // A document of the index: sources as `reuse --json`, itself not among them.
        let r = json(&s, &format!("/api/reuse?doc={seed}&limit=3")).await;
        same_keys(&r, &["page", "sources", "summary"]);
        let first = &r["sources"][0];
        same_keys(
            first,
            &[
                "collection",
                "covered",
                "date",
                "doc",
                "share",
                "spans",
                "title",
            ],
        );
        assert!(
            r["sources"]
                .as_array()
                .unwrap()
                .iter()
                .all(|x| x["doc"] != seed),
            "{r}"
        );
        // A long text, posted as a form.
        let text = std::fs::read_to_string(f.path(&format!("corpus/{seed}"))).unwrap();
        let body = serde_urlencoded::to_string([("text", text.as_str()), ("limit", "1")]).unwrap();
        let (status, out) = post_form(
            &s,
            "/api/reuse",
            "application/x-www-form-urlencoded",
            body.into_bytes(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{out}");
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["sources"][0]["doc"], seed, "{out}");
        assert!(v["sources"][0]["share"].as_f64().unwrap() > 0.99);
        // Not a form, too long, neither text nor doc: clear errors, never a 500.
        let (status, _) = post_form(&s, "/api/reuse", "text/plain", b"text=x".to_vec()).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let big = format!("text={}", "调".repeat(400_000)).into_bytes();
        let (status, _) =
            post_form(&s, "/api/reuse", "application/x-www-form-urlencoded", big).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        let (status, _, body) = get(&s, "/api/reuse").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let (status, _, _) = get(&s, "/api/reuse?doc=nope.txt").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        // compare: spans and the paragraphs to mark.
        let c = json(&s, &format!("/api/compare?a={seed}&b={seed}&limit=0")).await;
        same_keys(&c, &["a_lines", "b_lines", "page", "spans", "summary"]);
        assert!(
            c["summary"]["a"]["share"].as_f64().unwrap() > 0.99,
            "{}",
            c["summary"]
        );
        let (status, _, _) = get(&s, "/api/compare?a=x").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        // duplicates: the seeds have none.
        let d = json(&s, "/api/duplicates").await;
        same_keys(&d, &["groups", "page", "summary"]);
        assert_eq!(d["summary"]["groups"], 0, "{d}");
        let (status, _, _) = get(&s, "/api/duplicates?min-share=3").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (status, _, _) = get(&s, "/api/phrase?q=调查研究&once=true&count=true").await;
        assert_eq!(status, StatusCode::OK);
    });
}

#[test]
fn bad_requests_are_400_unknown_documents_404_never_500() {
    let f = corpus();
    let s = state(&f, Duration::from_secs(20));
    runtime().block_on(async {
        for (uri, status, needle) in [
            (
                "/api/phrase?q=调查研究&sinse=2020",
                400,
                "unknown parameter",
            ),
            ("/api/phrase?q=调查研究&since=2020-13", 400, "YYYY-MM-DD"),
            ("/api/phrase?q=调查研究&since=2024&until=2020", 400, "after"),
            ("/api/phrase?q=，。", 400, "nothing to match"),
            ("/api/phrase", 400, "give"),
            ("/api/search?q=x&limit=many", 400, "number"),
            ("/api/search?q=x&by=week", 400, "year"),
            ("/api/search?q=x&within=0", 400, "--within"),
            ("/api/search?q=x&any=1&within=3", 400, "--within"),
            ("/api/quotes?collection=nope", 400, "collection"),
            ("/api/speakers?listed=maybe", 400, "listed"),
            ("/api/speakers?nmae=x", 400, "nmae"),
            ("/api/phrase?q=a&format=xml", 400, "csv"),
            ("/api/show?doc=../../etc/passwd", 404, "no indexed document"),
            ("/api/show?doc=news/2022/b.txt&line=999", 404, "no line"),
            ("/api/nothing", 404, "no endpoint"),
        ] {
            let (got, kind, body) = get(&s, uri).await;
            assert_eq!(got.as_u16(), status, "{uri}: {body}");
            assert!(kind.starts_with("application/json"), "{uri}: {kind}");
            let v: Value = serde_json::from_str(&body).unwrap();
            same_keys(&v, &["error", "hint"]);
            assert!(
                v["error"].as_str().unwrap().contains(needle),
                "{uri}: {body}"
            );
        }
        let long = format!("/api/phrase?q={}", "调".repeat(7000));
        assert_eq!(get(&s, &long).await.0, StatusCode::URI_TOO_LONG);
        let (status, _, _) = get(&s, "/etc/passwd").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    });
}

#[test]
fn downloads_page_assets_and_headers() {
    let f = corpus();
    let s = state(&f, Duration::from_secs(20));
    runtime().block_on(async {
        let (status, kind, body) = get(&s, "/api/phrase?q=调查研究&format=csv&limit=0").await;
        assert_eq!(status, StatusCode::OK);
        assert!(kind.starts_with("text/csv"), "{kind}");
        assert!(
            body.starts_with("doc,title,date,line,start,end,left,match,right"),
            "{body}"
        );
        let (_, _, excel) = get(&s, "/api/phrase?q=调查研究&format=excel").await;
        assert!(excel.starts_with('\u{feff}'));
        let (_, kind, lines) = get(&s, "/api/phrase?q=调查研究&format=jsonl&limit=0").await;
        assert!(kind.starts_with("application/x-ndjson"));
        let cli = f.run(&["phrase", "调查研究", "--json"]).expect(0).stdout();
        let strip = |s: &str| -> Vec<Value> {
            s.lines()
                .map(|l| {
                    let mut v: Value = serde_json::from_str(l).unwrap();
                    v.as_object_mut().unwrap().remove("elapsed_us");
                    v
                })
                .collect()
        };
        assert_eq!(
            strip(&lines),
            strip(&cli),
            "format=jsonl is the command's --json"
        );
        let (status, kind, page) = get(&s, "/").await;
        assert_eq!(status, StatusCode::OK);
        assert!(kind.starts_with("text/html"));
        assert!(page.contains("lang=\"zh-CN\"") && page.contains("检索"));
        let response = router(s.clone())
            .oneshot(Request::get("/app.js").body(Body::empty()).unwrap())
            .await
            .unwrap();
        let csp = response.headers()["content-security-policy"]
            .to_str()
            .unwrap();
        assert!(csp.contains("script-src 'self'"), "{csp}");
        assert!(
            response
                .headers()
                .get("access-control-allow-origin")
                .is_none(),
            "CORS is off"
        );
    });
}

#[test]
fn a_slow_query_is_stopped_at_the_time_budget() {
    let f = corpus();
    let s = state(&f, Duration::from_nanos(1));
    runtime().block_on(async {
        let (status, _, body) = get(&s, "/api/shared?min-chars=4").await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
        assert!(body.contains("--timeout"), "{body}");
    });
}

#[test]
fn a_new_generation_is_served_without_a_restart() {
    let f = corpus();
    let s = state(&f, Duration::from_secs(20));
    let rt = runtime();
    let before = rt.block_on(json(&s, "/api/phrase?q=新生成的词&count=true"));
    assert_eq!(before["summary"]["hits"], 0);
    let old = s.live.handle();
    f.write(
        "corpus/news/2024/new.txt",
        "新文件\n\n新生成的词出现了。\n".as_bytes(),
    );
    let opts = BuildOptions {
        update: true,
        ..BuildOptions::default()
    };
    build(&f.path("corpus"), &f.path("index"), &opts, &Quiet).unwrap();
    // A request that took the old handle still reads the old generation to its end.
    assert_eq!(
        jiansuo::api::phrase_counts(&old, &jiansuo::api::PhraseRequest::new("新生成的词"))
            .unwrap()
            .summary
            .hits,
        0
    );
    assert!(s.live.refresh(), "the watcher sees the new generation");
    let after = rt.block_on(json(&s, "/api/phrase?q=新生成的词&count=true"));
    assert_eq!(after["summary"]["hits"], 1);
    assert!(!s.live.refresh(), "nothing new");
}

/// Waits until every query turn is free again (the work behind a dropped or given-up request
/// has stopped), or `limit` passes; the time it took.
async fn turns_back(s: &AppState, limit: Duration) -> Option<Duration> {
    let started = std::time::Instant::now();
    let all = s.jobs;
    while started.elapsed() < limit {
        if s.running.available_permits() == all {
            return Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    None
}

#[test]
#[ignore = "needs ../shared/corpora: cargo test --release -- --include-ignored"]
fn a_query_past_its_budget_or_left_by_its_client_stops() {
    // `shared` on the corpora runs for many seconds: past a 1 s budget it answers 503 and the
    // work stops within a moment (the turn comes back); a client that goes away stops it too.
    let index = crate::util::required_corpora_index();
    let s = AppState::new(
        Arc::new(Live::open(index).unwrap()),
        Duration::from_secs(1),
        None,
    );
    runtime().block_on(async {
        let started = std::time::Instant::now();
        let (status, _, body) = get(&s, "/api/shared?limit=5").await;
        assert_eq!(status.as_u16(), 503, "{body}");
        assert!(body.contains("--timeout"), "{body}");
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
        let back = turns_back(&s, Duration::from_secs(5)).await;
        assert!(back.is_some(), "the query went on after its 503");
        assert_eq!(s.stopped.load(std::sync::atomic::Ordering::Relaxed), 1);

        // A generous budget, and a client that leaves after 300 ms.
        let patient = AppState::new(
            Arc::new(Live::open(index).unwrap()),
            Duration::from_secs(120),
            None,
        );
        let request = router(patient.clone()).oneshot(
            Request::get("/api/shared?limit=5")
                .body(Body::empty())
                .unwrap(),
        );
        let left = tokio::time::timeout(Duration::from_millis(300), request).await;
        assert!(left.is_err(), "the query finished within 300 ms");
        let back = turns_back(&patient, Duration::from_secs(5)).await;
        assert!(
            back.is_some(),
            "the queries went on after their client left"
        );
        let health = json(&patient, "/api/health").await;
        assert!(health["queries_stopped"].as_u64().unwrap() >= 1, "{health}");
    });
}

//! The routes: one `/api/<command>` per command, the page and its assets, errors as JSON.

use axum::Router;
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use serde_json::{Value, json};

use super::AppState;
use super::params::Params;
use crate::api::{self, By};
use crate::error::Error;
use crate::index::IndexHandle;

/// Longest query string read (bytes).
pub const MAX_QUERY_BYTES: usize = 16 * 1024;
/// Longest form body read (`POST /api/reuse`: a text to trace, up to about 300,000 characters).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

const PAGE: &str = include_str!("page/index.html");
const SCRIPT: &str = include_str!("page/app.js");
const STYLE: &str = include_str!("page/app.css");

/// The router of the API and the page.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/app.js", get(script))
        .route("/app.css", get(style))
        .route("/api/health", get(health))
        .route("/api/search", get(search))
        .route("/api/phrase", get(phrase))
        .route("/api/quote", get(quote))
        .route("/api/quotes", get(quotes))
        .route("/api/speakers", get(speakers))
        .route("/api/themes", get(themes))
        .route("/api/keywords", get(keywords))
        .route("/api/shared", get(shared))
        .route(
            "/api/reuse",
            get(reuse_get)
                .post(reuse_post)
                .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES)),
        )
        .route("/api/compare", get(compare))
        .route("/api/duplicates", get(duplicates))
        .route("/api/docs", get(docs))
        .route("/api/show", get(show))
        .fallback(not_found)
        .with_state(state)
}

fn secure(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    r
}

fn asset(body: &'static str, kind: &'static str) -> Response {
    secure(([(header::CONTENT_TYPE, kind)], body).into_response())
}

async fn page() -> Response {
    asset(PAGE, "text/html; charset=utf-8")
}

async fn script() -> Response {
    asset(SCRIPT, "text/javascript; charset=utf-8")
}

async fn style() -> Response {
    asset(STYLE, "text/css; charset=utf-8")
}

async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        error(
            StatusCode::NOT_FOUND,
            format!("no endpoint {}", uri.path()),
            "the endpoints are /api/health, search, phrase, quote, quotes, speakers, themes, keywords, \
             shared, reuse, compare, duplicates, docs and show",
        )
    } else {
        secure(
            (
                StatusCode::NOT_FOUND,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "404: no such page; the search page is at /",
            )
                .into_response(),
        )
    }
}

fn error(status: StatusCode, message: String, hint: &str) -> Response {
    secure((status, axum::Json(json!({"error": message, "hint": hint}))).into_response())
}

fn error_response(e: &Error) -> Response {
    match e {
        Error::Query(m) => error(
            StatusCode::BAD_REQUEST,
            m.clone(),
            "parameters are named as the command line's options (see the README's HTTP API)",
        ),
        Error::NotFound(m) => error(
            StatusCode::NOT_FOUND,
            m.clone(),
            "GET /api/docs lists the indexed documents",
        ),
        Error::Cancelled => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "the query took longer than the server's --timeout and was stopped".into(),
            "limit it with since, until, collection or under, or ask for less",
        ),
        other => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            other.to_string(),
            "the index may be damaged or being rebuilt; try again, or run `jiansuo index`",
        ),
    }
}

/// What a handler returns: the response body, and the key of its list of rows (paged, and
/// what CSV gives) with the `type` its `--json` lines carry.
struct Reply {
    body: Value,
    rows: &'static str,
    row_type: &'static str,
    /// The summary's key in `body` (the last `--json` line), if any.
    summary: Option<&'static str>,
    /// The number of rows in all, when the handler listed only those the page reaches.
    total: Option<usize>,
}

fn reply<T: Serialize>(
    value: &T,
    rows: &'static str,
    row_type: &'static str,
    summary: Option<&'static str>,
) -> Result<Reply, Error> {
    let body = serde_json::to_value(value).map_err(|e| Error::Io {
        context: "serialising a response".into(),
        cause: e.into(),
    })?;
    Ok(Reply {
        body,
        rows,
        row_type,
        summary,
        total: None,
    })
}

/// Cancels its token when dropped.
struct StopOnDrop(crate::cancel::Cancel);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// Run `f` on the blocking pool with the live handle and the request's parameters, within the
/// time budget; page its rows; format it.
async fn run<F>(state: AppState, query: Option<String>, default_limit: usize, f: F) -> Response
where
    F: FnOnce(&IndexHandle, &mut Params) -> Result<Reply, Error> + Send + 'static,
{
    run_within(state, query, MAX_QUERY_BYTES, default_limit, f).await
}

/// [`run`], for parameters of up to `max_bytes` (a form body may be longer than a query).
async fn run_within<F>(
    state: AppState,
    query: Option<String>,
    max_bytes: usize,
    default_limit: usize,
    f: F,
) -> Response
where
    F: FnOnce(&IndexHandle, &mut Params) -> Result<Reply, Error> + Send + 'static,
{
    let query = query.unwrap_or_default();
    if query.len() > max_bytes {
        return error(
            StatusCode::URI_TOO_LONG,
            format!(
                "the query string is {} bytes; at most {max_bytes} are read",
                query.len()
            ),
            "quote a shorter text",
        );
    }
    let pairs: Vec<(String, String)> = match serde_urlencoded::from_str(&query) {
        Ok(p) => p,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                format!("the query string does not parse: {e}"),
                "encode it as application/x-www-form-urlencoded",
            );
        }
    };
    let cors = state.cors.clone();
    // The time budget counts the wait for a turn too.
    let deadline = tokio::time::Instant::now() + state.timeout;
    let Ok(Ok(_turn)) =
        tokio::time::timeout_at(deadline, state.running.clone().acquire_owned()).await
    else {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "the server is busy: no query could start within {:.1} s (the server's --timeout)",
                state.timeout.as_secs_f64()
            ),
            "try again in a moment",
        );
    };
    let handle = state.live.handle();
    // The query stops (its loops check the token) at the deadline, or as soon as this future
    // is dropped: the response was given up (503) or the client went away.
    let token = crate::cancel::Cancel::new(Some(deadline.into_std()));
    let _stop_when_dropped = StopOnDrop(token.clone());
    let stopped = state.stopped.clone();
    let work =
        tokio::task::spawn_blocking(move || -> Result<(Reply, Format, (usize, usize)), Error> {
            // The turn is held until the work itself ends, so that queries given up do not
            // pile up on the cores.
            let _turn = _turn;
            let mut params = Params::new(pairs)?;
            let format = Format::of(params.get("format")?.as_deref())?;
            let page = params.page(default_limit)?;
            let r = crate::cancel::scope(&token, || f(&handle, &mut params));
            if matches!(r, Err(Error::Cancelled)) {
                stopped.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            Ok((r?, format, page))
        });
    let out = match tokio::time::timeout_at(deadline, work).await {
        Err(_) => {
            return error(
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "the query took longer than {:.1} s (the server's --timeout)",
                    state.timeout.as_secs_f64()
                ),
                "limit it with since, until, collection or under, or ask for less",
            );
        }
        Ok(Err(_)) => {
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the query failed inside the server".into(),
                "this is a bug; the server goes on answering",
            );
        }
        Ok(Ok(Err(e))) => return error_response(&e),
        Ok(Ok(Ok(out))) => out,
    };
    let (mut r, format, (offset, limit)) = out;
    if !r.rows.is_empty()
        && let Some(Value::Array(items)) = r.body.get_mut(r.rows)
    {
        let listed = items.len();
        let total = r.total.unwrap_or(listed);
        let end = if limit == 0 {
            total
        } else {
            offset.saturating_add(limit).min(listed)
        };
        let kept: Vec<Value> = items
            .drain(..)
            .skip(offset)
            .take(end.saturating_sub(offset))
            .collect();
        *items = kept;
        if let Value::Object(map) = &mut r.body {
            map.insert(
                "page".into(),
                json!({"offset": offset, "limit": limit, "total": total}),
            );
        }
    }
    let mut response = format.render(r);
    if let Some(origin) = cors
        && let Ok(v) = HeaderValue::from_str(&origin)
    {
        response
            .headers_mut()
            .insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, v);
    }
    secure(response)
}

#[derive(Clone, Copy)]
enum Format {
    Json,
    JsonLines,
    Csv { bom: bool },
}

impl Format {
    fn of(v: Option<&str>) -> Result<Format, Error> {
        match v {
            None | Some("json") => Ok(Format::Json),
            Some("jsonl") => Ok(Format::JsonLines),
            Some("csv") => Ok(Format::Csv { bom: false }),
            Some("excel") => Ok(Format::Csv { bom: true }),
            Some(other) => Err(Error::Query(format!(
                "format={other:?}: give json, jsonl, csv or excel"
            ))),
        }
    }

    fn render(self, r: Reply) -> Response {
        if let Format::Json = self {
            return axum::Json(r.body).into_response();
        }
        let rows: Vec<Value> = match r.body.get(r.rows) {
            Some(Value::Array(items)) => items.clone(),
            _ => Vec::new(),
        };
        match self {
            Format::Json => unreachable!("answered above"),
            Format::JsonLines => {
                let mut out = String::new();
                for row in rows {
                    let mut line = serde_json::Map::new();
                    line.insert("type".into(), Value::from(r.row_type));
                    if let Value::Object(m) = row {
                        line.extend(m);
                    }
                    out.push_str(&Value::Object(line).to_string());
                    out.push('\n');
                }
                if let Some(key) = r.summary
                    && let Some(Value::Object(m)) = r.body.get(key)
                {
                    let mut line = serde_json::Map::new();
                    line.insert("type".into(), Value::from("summary"));
                    line.extend(m.clone());
                    out.push_str(&Value::Object(line).to_string());
                    out.push('\n');
                }
                (
                    [
                        (header::CONTENT_TYPE, "application/x-ndjson; charset=utf-8"),
                        (
                            header::CONTENT_DISPOSITION,
                            "attachment; filename=\"jiansuo.jsonl\"",
                        ),
                    ],
                    out,
                )
                    .into_response()
            }
            Format::Csv { bom } => {
                let mut out = Vec::new();
                if crate::print::write_csv(&mut out, &rows, bom).is_err() {
                    return error(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "the rows could not be written as CSV".into(),
                        "ask for format=json",
                    );
                }
                (
                    [
                        (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                        (
                            header::CONTENT_DISPOSITION,
                            "attachment; filename=\"jiansuo.csv\"",
                        ),
                    ],
                    Body::from(out),
                )
                    .into_response()
            }
        }
    }
}

fn by_of(v: Option<String>) -> Result<Option<By>, Error> {
    match v.as_deref() {
        None => Ok(None),
        Some("year") => Ok(Some(By::Year)),
        Some("month") => Ok(Some(By::Month)),
        Some("day") => Ok(Some(By::Day)),
        Some("collection") => Ok(Some(By::Collection)),
        Some(other) => Err(Error::Query(format!(
            "by={other:?}: give year, month, day or collection"
        ))),
    }
}

/// The `limit` to ask the API for so that `offset + limit` rows exist (0: all).
fn wanted(p: &mut Params, default: usize) -> Result<usize, Error> {
    let offset: usize = p.number("offset", 0)?;
    let limit: usize = p.number("limit", default)?;
    Ok(if limit == 0 { 0 } else { offset + limit })
}

async fn health(State(state): State<AppState>, RawQuery(q): RawQuery) -> Response {
    let stopped = state.stopped.clone();
    run(state, q, 0, move |h, p| {
        p.finish("no parameters")?;
        let built = std::fs::metadata(h.generation().join(crate::index::meta::META_FILE))
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| iso_time(d.as_secs()));
        let s = &h.meta().stats;
        let body = json!({
            "status": "ok",
            "generation": h.generation().file_name().map(|n| n.to_string_lossy().into_owned()),
            "documents": s.documents,
            "passages": s.passages,
            "chars": s.chars,
            "built": built,
            "version": env!("CARGO_PKG_VERSION"),
            "queries_stopped": stopped.load(std::sync::atomic::Ordering::Relaxed),
        });
        Ok(Reply {
            body,
            rows: "",
            row_type: "",
            summary: None,
            total: None,
        })
    })
    .await
}

/// `YYYY-MM-DDTHH:MM:SSZ` of a Unix time.
fn iso_time(secs: u64) -> String {
    let (y, m, d) = crate::docmeta::date::civil_from_days((secs / 86_400) as i64);
    let rem = secs % 86_400;
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

async fn search(State(state): State<AppState>, RawQuery(q): RawQuery) -> Response {
    run(state, q, 20, |h, p| {
        let req = api::SearchRequest {
            query: p.get("q")?.or(p.get("query")?).unwrap_or_default(),
            themes: p.all("theme"),
            themes_file: None,
            limit: wanted(p, 20)?,
            explain: p.flag("explain")?,
            words: api::WordRules {
                any: p.flag("any")?,
                not: p.all("not"),
                within: p.opt_number("within")?,
            },
            filters: p.filters()?,
        };
        let by = by_of(p.get("by")?)?;
        p.finish(
            "q, theme, explain, any, not, within, by, since, until, under, collection, offset, \
             limit, format",
        )?;
        if req.query.trim().is_empty() && req.themes.is_empty() {
            return Err(Error::Query("give q (words to search for) or theme".into()));
        }
        match by {
            Some(b) => reply(
                &api::search_trend(h, &req, b)?,
                "buckets",
                "bucket",
                Some("summary"),
            ),
            None => reply(&api::search(h, &req)?, "hits", "hit", Some("summary")),
        }
    })
    .await
}

async fn phrase(State(state): State<AppState>, RawQuery(q): RawQuery) -> Response {
    run(state, q, 100, |h, p| {
        let phrase = match p.get("q")? {
            Some(v) => v,
            None => p.text("phrase", "the phrase to look up")?,
        };
        let sort = match p.get("sort")?.as_deref() {
            None | Some("doc") => api::SortOrder::Doc,
            Some("left") => api::SortOrder::Left,
            Some("right") => api::SortOrder::Right,
            Some(o) => return Err(Error::Query(format!("sort={o:?}: give doc, left or right"))),
        };
        let req = api::PhraseRequest {
            phrase,
            strict: p.flag("strict")?,
            context: p.number("context", 20)?.min(500),
            sort,
            filters: p.filters()?,
        };
        let count = p.flag("count")?;
        let by = by_of(p.get("by")?)?;
        let also = p.all("also");
        p.finish(
            "q, strict, context, sort, count, by, also, since, until, under, collection, offset, \
             limit, format",
        )?;
        if let Some(b) = by {
            let mut phrases = vec![req.phrase.clone()];
            phrases.extend(also);
            let t = api::TrendRequest {
                phrases,
                by: b,
                strict: req.strict,
                filters: req.filters.clone(),
            };
            return reply(
                &api::phrase_trend(h, &t)?,
                "rows",
                "bucket",
                Some("summary"),
            );
        }
        if count {
            // Only the documents the page shows are named (a common phrase has thousands).
            let counts = api::phrase_counts_top(h, &req, p.rows_wanted())?;
            let docs = counts.summary.docs;
            let mut r = reply(&counts, "counts", "count", Some("summary"))?;
            r.total = Some(docs);
            return Ok(r);
        }
        reply(&api::phrase_hits(h, &req)?, "hits", "hit", Some("summary"))
    })
    .await
}

async fn quote(State(state): State<AppState>, RawQuery(q): RawQuery) -> Response {
    run(state, q, 50, |h, p| {
        let text = match p.get("q")? {
            Some(v) => v,
            None => p.text("text", "the quotation to look for")?,
        };
        let req = api::QuoteRequest {
            text,
            min_coverage: p.opt_number("min-coverage")?,
            min_identity: p.number("min-identity", api::QuoteRequest::new("").min_identity)?,
            limit: 0,
            filters: p.filters()?,
        };
        let by = by_of(p.get("by")?)?;
        p.finish(
            "q, min-coverage, min-identity, by, since, until, under, collection, offset, limit, \
             format",
        )?;
        match by {
            Some(b) => reply(
                &api::quote_trend(h, &req, b)?,
                "buckets",
                "bucket",
                Some("summary"),
            ),
            None => reply(&api::quote(h, &req)?, "hits", "hit", Some("summary")),
        }
    })
    .await
}

async fn quotes(State(state): State<AppState>, RawQuery(q): RawQuery) -> Response {
    run(state, q, 50, |h, p| {
        let kind = match p.get("kind")?.as_deref() {
            None => None,
            Some("cited") => Some(api::QuoteKind::Cited),
            Some("term") => Some(api::QuoteKind::Term),
            Some("title") => Some(api::QuoteKind::Title),
            Some(o) => {
                return Err(Error::Query(format!(
                    "kind={o:?}: give cited, term or title"
                )));
            }
        };
        let req = api::QuotesRequest {
            text: p.get("q")?.or(p.get("text")?),
            speaker: p.get("speaker")?,
            kind,
            min_docs: p.number("min-docs", 1)?,
            filters: p.filters()?,
            limit: 0,
        };
        p.finish(
            "q, speaker, kind, min-docs, since, until, under, collection, offset, limit, format",
        )?;
        reply(
            &api::quotes(h, &req)?,
            "clusters",
            "cluster",
            Some("summary"),
        )
    })
    .await
}

async fn speakers(State(state): State<AppState>, RawQuery(q): RawQuery) -> Response {
    run(state, q, 50, |h, p| {
        let listed = match p.get("listed")?.as_deref() {
            None => None,
            Some("true" | "1" | "yes") => Some(true),
            Some("false" | "0" | "no") => Some(false),
            Some(o) => {
                return Err(Error::Query(format!("listed={o:?}: give true or false")));
            }
        };
        let req = api::SpeakersRequest {
            name: p.get("name")?.or(p.get("q")?),
            listed,
            min_quotations: p.number("min-quotes", 1)?,
            top: p.number("top", 3)?.min(100),
            filters: p.filters()?,
            limit: 0,
        };
        p.finish(
            "name, listed, min-quotes, top, since, until, under, collection, offset, limit, format",
        )?;
        reply(
            &api::speakers(h, &req)?,
            "speakers",
            "speaker",
            Some("summary"),
        )
    })
    .await
}

async fn themes(State(state): State<AppState>, RawQuery(q): RawQuery) -> Response {
    run(state, q, 0, |h, p| {
        let req = api::ThemesRequest {
            filters: p.filters()?,
            top: p.number("top", 3)?.min(100),
        };
        p.finish("top, since, until, under, collection, offset, limit, format")?;
        reply(&api::themes(h, &req)?, "themes", "theme", None)
    })
    .await
}

async fn keywords(State(state): State<AppState>, RawQuery(q): RawQuery) -> Response {
    run(state, q, 20, |h, p| {
        let req = api::KeywordsRequest {
            filters: p.filters()?,
            limit: match wanted(p, 20)? {
                0 => usize::MAX,
                n => n,
            },
        };
        p.finish("since, until, under, collection, offset, limit, format")?;
        reply(&api::keywords(h, &req)?, "keywords", "keyword", None)
    })
    .await
}

async fn shared(State(state): State<AppState>, RawQuery(q): RawQuery) -> Response {
    run(state, q, 100, |h, p| {
        let d = api::SharedRequest::default();
        let req = api::SharedRequest {
            min_chars: p.number("min-chars", d.min_chars)?,
            min_docs: p.number("min-docs", d.min_docs)?,
            max_docs: p.number("max-docs", d.max_docs)?,
            limit: wanted(p, 100)?,
            order: match p.get("sort")?.as_deref() {
                Some("score") => api::SharedOrder::Score,
                None | Some("length") => api::SharedOrder::Length,
                Some("docs") => api::SharedOrder::Docs,
                Some(v) => {
                    return Err(Error::Query(format!(
                        "sort={v:?}: give score, length or docs"
                    )));
                }
            },
            keep_boilerplate: p.flag("keep-boilerplate")?,
            filters: p.filters()?,
        };
        p.finish(
            "min-chars, min-docs, max-docs, sort, keep-boilerplate, since, until, under, \
             collection, once, offset, limit, format",
        )?;
        reply(&api::shared(h, &req)?, "phrases", "shared", Some("summary"))
    })
    .await
}

/// `reuse`'s parameters: `text` or `doc`, `min-chars`, `min-identity`, the filters.
fn reuse_request(p: &mut Params) -> Result<api::ReuseRequest, Error> {
    let text = match (p.get("text")?, p.get("doc")?) {
        (Some(t), None) => api::ReuseText::Text(t),
        (None, Some(d)) => api::ReuseText::Doc(d),
        _ => {
            return Err(Error::Query(
                "give the text to trace as `text` (POST it as a form for long texts) or a \
                 document of the index as `doc`, not both"
                    .into(),
            ));
        }
    };
    let d = api::ReuseRequest::new(text);
    let req = api::ReuseRequest {
        min_chars: p.number("min-chars", d.min_chars)?,
        min_identity: p.number("min-identity", d.min_identity)?,
        limit: 0,
        filters: {
            let mut f = p.filters()?;
            // `doc` names the text here, not a filter.
            f.under.retain(|_| false);
            f.under.extend(p.all("under"));
            f
        },
        ..d
    };
    p.finish(
        "text, doc, min-chars, min-identity, since, until, under, collection, once, offset, \
         limit, format",
    )?;
    Ok(req)
}

async fn reuse_get(State(state): State<AppState>, RawQuery(q): RawQuery) -> Response {
    run(state, q, 20, |h, p| {
        let req = reuse_request(p)?;
        reply(&api::reuse(h, &req)?, "sources", "source", Some("summary"))
    })
    .await
}

async fn reuse_post(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    body: String,
) -> Response {
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !form {
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "POST /api/reuse takes a form (application/x-www-form-urlencoded)".into(),
            "send text=…&min-chars=… as a form, as a browser's form or URLSearchParams does",
        );
    }
    run_within(state, Some(body), MAX_BODY_BYTES, 20, |h, p| {
        let req = reuse_request(p)?;
        reply(&api::reuse(h, &req)?, "sources", "source", Some("summary"))
    })
    .await
}

async fn compare(State(state): State<AppState>, RawQuery(q): RawQuery) -> Response {
    run(state, q, 0, |h, p| {
        let a = p.text("a", "the first document's path")?;
        let b = p.text("b", "the second document's path")?;
        let d = api::CompareRequest::new("", "");
        let req = api::CompareRequest {
            a,
            b,
            min_chars: p.number("min-chars", d.min_chars)?,
            min_identity: p.number("min-identity", d.min_identity)?,
        };
        p.finish("a, b, min-chars, min-identity, offset, limit, format")?;
        let r = api::compare(h, &req)?;
        let mut body = serde_json::to_value(&r).map_err(|e| Error::Io {
            context: "serialising a response".into(),
            cause: e.into(),
        })?;
        // The documents' paragraphs, for a marked view.
        body["a_lines"] = json!(r.a_lines);
        body["b_lines"] = json!(r.b_lines);
        Ok(Reply {
            body,
            rows: "spans",
            row_type: "span",
            summary: Some("summary"),
            total: None,
        })
    })
    .await
}

async fn duplicates(State(state): State<AppState>, RawQuery(q): RawQuery) -> Response {
    run(state, q, 100, |h, p| {
        let req = api::DuplicatesRequest {
            min_share: p.number("min-share", 0.8)?,
            filters: p.filters()?,
        };
        p.finish("min-share, since, until, under, collection, offset, limit, format")?;
        reply(
            &api::duplicates(h, &req)?,
            "groups",
            "group",
            Some("summary"),
        )
    })
    .await
}

async fn docs(State(state): State<AppState>, RawQuery(q): RawQuery) -> Response {
    run(state, q, 100, |h, p| {
        let mut filters = p.filters()?;
        filters.under.extend(p.all("path"));
        let collections = p.flag("collections")?;
        p.finish("path, collections, since, until, under, collection, offset, limit, format")?;
        if collections {
            let rows = api::collections(h, &filters)?;
            return reply(
                &json!({ "collections": rows }),
                "collections",
                "collection",
                None,
            );
        }
        reply(
            &api::docs(h, &api::DocsRequest { filters })?,
            "docs",
            "doc",
            Some("summary"),
        )
    })
    .await
}

async fn show(State(state): State<AppState>, RawQuery(q): RawQuery) -> Response {
    run(state, q, 0, |h, p| {
        let doc = p.text("doc", "the document's path, as results name it")?;
        let line: Option<u32> = p.opt_number("line")?;
        let req = api::ShowRequest {
            locator: match line {
                Some(l) => format!("{doc}:{l}"),
                None => doc,
            },
            context: p.number("context", 2)?.min(10_000),
            highlight: p.get("highlight")?,
        };
        p.finish("doc, line, context, highlight, offset, limit, format")?;
        reply(&api::show(h, &req)?, "lines", "line", None)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_times() {
        assert_eq!(iso_time(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_time(1_709_596_800), "2024-03-05T00:00:00Z");
        assert_eq!(iso_time(951_782_400 + 3661), "2000-02-29T01:01:01Z");
    }
}

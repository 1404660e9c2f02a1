//! `jiansuo export`: every passage as NDJSON for a search cluster, validated against the
//! documented JSON Schema (`docs/export.schema.json`), and the cluster's mapping checked
//! against the same schema.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use crate::util::{Fixture, required_corpora_index};

/// `docs/export.schema.json`.
fn schema_json() -> Value {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/export.schema.json"),
    )
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn schema() -> jsonschema::Validator {
    jsonschema::validator_for(&schema_json()).expect("a valid schema")
}

fn lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

/// Every line valid against the schema (the first failures shown).
fn assert_valid(rows: &[Value]) {
    let v = schema();
    let bad: Vec<String> = rows
        .iter()
        .filter(|r| !v.is_valid(r))
        .take(3)
        .map(|r| {
            let errors: Vec<String> = v.iter_errors(r).map(|e| e.to_string()).collect();
            format!("{}: {}", r["id"], errors.join("; "))
        })
        .collect();
    assert!(
        bad.is_empty(),
        "lines not valid against the schema: {bad:#?}"
    );
}

fn chars(s: &str) -> Vec<char> {
    s.chars().collect()
}

/// Quotations lie in their passage: the quoted text starts at its span.
fn assert_quotations_placed(rows: &[Value]) -> usize {
    let mut n = 0;
    for r in rows {
        let text = chars(r["text"].as_str().unwrap());
        let p_start = r["start"].as_u64().unwrap() as usize;
        for q in r["quotations"].as_array().unwrap() {
            let s = q["start"].as_u64().unwrap() as usize;
            assert!(s >= p_start, "{}: quotation before its passage", r["id"]);
            let from = s - p_start;
            let quoted = chars(q["text"].as_str().unwrap());
            let take = quoted.len().min(text.len() - from);
            assert_eq!(
                &text[from..from + take],
                &quoted[..take],
                "{}: quotation {:?} not at its span",
                r["id"],
                q["text"]
            );
            n += 1;
        }
    }
    n
}

#[test]
fn export_of_the_seeds_is_valid_ndjson_with_bulk_lines_and_a_mapping() {
    let f = Fixture::with_seeds();
    let out = f.run(&["export"]).expect(0);
    let rows = lines(&out.stdout());
    assert_valid(&rows);
    assert!(out.stderr().contains("passages of 5 documents exported"));
    // Every passage once: the totals `docs` gives.
    let docs = f.run(&["docs", "--json"]).expect(0);
    let passages: u64 = lines(&docs.stdout())
        .iter()
        .filter(|l| l["type"] == "doc")
        .map(|l| l["passages"].as_u64().unwrap())
        .sum();
    assert_eq!(rows.len() as u64, passages);
    let ids: BTreeSet<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), rows.len(), "ids are unique");
    assert!(assert_quotations_placed(&rows) > 100);
    // Documents in path order, passages in order within them.
    let keys: Vec<(String, u64)> = rows
        .iter()
        .map(|r| {
            (
                r["doc"].as_str().unwrap().to_owned(),
                r["passage"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);

    // The same documents as `_bulk` lines: an action naming the index and the id, then the
    // passage.
    let bulk = f.run(&["export", "--bulk", "policy"]).expect(0);
    let bulk = lines(&bulk.stdout());
    assert_eq!(bulk.len(), 2 * rows.len());
    for pair in bulk.chunks(2) {
        assert_eq!(pair[0]["index"]["_index"], "policy");
        assert_eq!(pair[0]["index"]["_id"], pair[1]["id"]);
    }
    assert_eq!(
        bulk.iter().skip(1).step_by(2).cloned().collect::<Vec<_>>(),
        rows
    );

    // The mapping names every field of the schema, with a type that holds it.
    let mapping: Value = serde_json::from_str(&f.run(&["export", "--mapping"]).expect(0).stdout())
        .expect("the mapping is one JSON object");
    let schema = schema_json();
    check_mapping(
        &mapping["mappings"]["properties"],
        &schema["properties"],
        "",
    );
    check_mapping(
        &mapping["mappings"]["properties"]["quotations"]["properties"],
        &schema["properties"]["quotations"]["items"]["properties"],
        "quotations.",
    );
    assert_eq!(
        mapping["mappings"]["properties"]["quotations"]["type"],
        "nested"
    );
    let theme_fields: BTreeSet<&String> = mapping["mappings"]["properties"]["themes"]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    let exported: BTreeSet<&String> = rows[0]["themes"].as_object().unwrap().keys().collect();
    assert_eq!(theme_fields, exported);
    assert!(theme_fields.contains(&"调查研究".to_owned()));
    // The analyzers the fields name are defined.
    let analyzers = &mapping["settings"]["analysis"]["analyzer"];
    for a in ["jiansuo_bigrams", "jiansuo_chars", "jiansuo_words"] {
        assert!(analyzers[a].is_object(), "analyzer {a}");
    }
    assert_eq!(
        mapping["settings"]["analysis"]["tokenizer"]["jiansuo_bigram"]["min_gram"],
        2
    );

    // A filter that selects nothing: no lines, exit 1.
    let none = f.run(&["export", "--since", "2099"]).expect(1);
    assert!(none.stdout().is_empty());
}

/// Every field the schema lists is in the mapping with a type that holds its values, and the
/// mapping has no field the export never writes.
fn check_mapping(mapping: &Value, schema: &Value, prefix: &str) {
    let m = mapping.as_object().unwrap();
    let s = schema.as_object().unwrap();
    let mk: BTreeSet<&String> = m.keys().collect();
    let sk: BTreeSet<&String> = s.keys().collect();
    assert_eq!(mk, sk, "fields of the mapping and of the schema ({prefix})");
    for (name, field) in s {
        let ty = m[name]["type"].as_str().unwrap_or("object");
        let json_type = match &field["type"] {
            Value::String(t) => t.clone(),
            Value::Array(ts) => ts
                .iter()
                .filter_map(Value::as_str)
                .find(|t| *t != "null")
                .unwrap()
                .to_owned(),
            _ if field["enum"].is_array() => "string".to_owned(),
            other => panic!("{prefix}{name}: type {other}"),
        };
        let holds = match json_type.as_str() {
            "string" => ["keyword", "text", "date"].contains(&ty),
            "integer" => ty == "integer" || ty == "long",
            "number" => ty == "float",
            "boolean" => ty == "boolean",
            "object" => ty == "object",
            "array" => ty == "nested",
            _ => false,
        };
        assert!(holds, "{prefix}{name}: a {json_type} mapped as {ty}");
    }
}

#[test]
#[ignore = "needs ../shared/corpora: cargo test --release -- --include-ignored"]
fn export_of_the_corpora_holds_every_passage_and_finds_phrases_as_jiansuo_does() {
    let index = required_corpora_index();
    let ix = index.to_str().unwrap();
    let f = Fixture::empty();
    let out = f.run(&["--index", ix, "export"]).expect(0);
    let rows = lines(&out.stdout());
    assert_valid(&rows);
    let docs = f.run(&["--index", ix, "docs", "--json"]).expect(0);
    let docs = lines(&docs.stdout());
    let passages: u64 = docs
        .iter()
        .filter(|l| l["type"] == "doc")
        .map(|l| l["passages"].as_u64().unwrap())
        .sum();
    assert_eq!(rows.len() as u64, passages, "every passage exported once");
    assert!(assert_quotations_placed(&rows) > 10_000);
    // Metadata as `docs` has it.
    let by_path: HashMap<&str, &Value> = docs
        .iter()
        .filter(|l| l["type"] == "doc")
        .map(|l| (l["path"].as_str().unwrap(), l))
        .collect();
    for r in rows.iter().step_by(97) {
        let d = by_path[r["doc"].as_str().unwrap()];
        for k in ["title", "date", "date_precision", "collection", "url"] {
            assert_eq!(r[k], d[k], "{}: {k}", r["id"]);
        }
    }
    // A phrase is found in the `matching` fields (what a cluster's `match_phrase` on the
    // bigram field finds) exactly as often as `phrase --count` counts it.
    for phrase in ["调查研究", "高质量发展", "习近平新时代中国特色社会主义思想"]
    {
        let in_export: usize = rows
            .iter()
            .map(|r| {
                let m = r["matching"].as_str().unwrap();
                m.match_indices(phrase).count()
            })
            .sum();
        let counted = f
            .run(&["--index", ix, "phrase", phrase, "--count", "--json"])
            .expect(0);
        let total: u64 = lines(&counted.stdout())
            .iter()
            .filter(|l| l["type"] == "count")
            .map(|l| l["hits"].as_u64().unwrap())
            .sum();
        assert_eq!(in_export as u64, total, "{phrase}");
    }

    // One collection, with jieba's words: every word is cut from the passage's text.
    let gov = f
        .run(&[
            "--index",
            ix,
            "export",
            "--collection",
            "gov_reports",
            "--words",
        ])
        .expect(0);
    let gov = lines(&gov.stdout());
    assert_valid(&gov);
    assert!(gov.len() > 1000);
    assert!(gov.iter().all(|r| r["collection"] == "gov_reports"));
    let mut words = 0;
    for r in &gov {
        let text = jiansuo::index::tokenize::normalize_words(r["text"].as_str().unwrap());
        let w = r["words"].as_str().expect("--words writes words");
        for word in w.split(' ').filter(|w| !w.is_empty()) {
            assert!(text.contains(word), "{}: {word:?} not in the text", r["id"]);
            words += 1;
        }
    }
    assert!(words > 100_000, "{words} words");
}

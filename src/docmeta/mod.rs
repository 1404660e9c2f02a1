//! Document metadata: a date (with its precision), a collection, a title, optional fields,
//! and where each came from.
//!
//! Sources, most trusted first: a **manifest** row (`jiansuo index --meta FILE`, see
//! [`manifest`]), **embedded** metadata (HTML `<meta>`, docx `docProps/core.xml`), the
//! **path** (`2024/202401/20240101_01.txt`, `gwr_2024.txt`), the **text** (the date line of
//! an official document). What a document says about itself ([`Found`]) is kept in the index,
//! so that an update chooses again (a manifest row changed) without reading the file.

pub mod date;
pub mod manifest;

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use date::{Date, Precision};
pub use manifest::{Manifest, ManifestRow, ManifestSet, Matched};

/// Where a value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// A row of a `--meta` manifest.
    Manifest,
    /// HTML `<meta>` or docx document properties.
    Embedded,
    /// The document's path under the corpus root.
    Path,
    /// The document's text (a date line).
    Text,
    /// The first folder under the corpus root (collections).
    Folder,
    /// The first non-empty line (titles).
    #[default]
    FirstLine,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Manifest => "manifest",
            Source::Embedded => "embedded",
            Source::Path => "path",
            Source::Text => "text",
            Source::Folder => "folder",
            Source::FirstLine => "first-line",
        }
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// What a document says about itself, found when it is read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Found {
    /// Date from embedded metadata, and the name of the tag or property it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embedded_date: Option<(Date, String)>,
    /// Date of the text's date line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_date: Option<Date>,
    /// Other embedded fields (author, source, url, description).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
    /// The first line, kept when a manifest's title replaced it as the title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_line: Option<String>,
}

/// The metadata of one document, with where each value came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocMeta {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_source: Option<Source>,
    pub collection: String,
    pub collection_source: Source,
    pub title_source: Source,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Other fields: a manifest's other columns, embedded author/source.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
}

/// The collection of a document with no manifest collection: its first folder under the corpus
/// root, `.` for a file in the root itself.
pub fn folder_collection(path: &str) -> &str {
    match path.split_once('/') {
        Some((first, _)) if !first.is_empty() => first,
        _ => ".",
    }
}

/// Choose a document's metadata from its sources, most trusted first, and its title (the
/// manifest's, else the first line's).
pub fn resolve(
    path: &str,
    first_line: &str,
    found: &Found,
    row: Option<&ManifestRow>,
) -> (String, DocMeta) {
    let mut meta = DocMeta {
        collection: folder_collection(path).to_owned(),
        collection_source: Source::Folder,
        ..DocMeta::default()
    };
    let mut title = first_line.to_owned();
    let dated = |d: Option<Date>, s: Source| d.map(|d| (d, s));
    let chosen = row
        .and_then(|r| dated(r.date, Source::Manifest))
        .or_else(|| dated(found.embedded_date.as_ref().map(|e| e.0), Source::Embedded))
        .or_else(|| dated(date::from_path(path), Source::Path))
        .or_else(|| dated(found.text_date, Source::Text));
    if let Some((d, s)) = chosen {
        meta.date = Some(d);
        meta.date_source = Some(s);
    }
    meta.fields = found.fields.clone();
    if let Some(url) = meta.fields.remove("url") {
        meta.url = Some(url);
    }
    if let Some(r) = row {
        if let Some(c) = r.collection.as_deref().filter(|c| !c.trim().is_empty()) {
            meta.collection = c.trim().to_owned();
            meta.collection_source = Source::Manifest;
        }
        if let Some(t) = r.title.as_deref().filter(|t| !t.trim().is_empty()) {
            title = t.trim().to_owned();
            meta.title_source = Source::Manifest;
        }
        if let Some(u) = r.url.as_deref().filter(|u| !u.trim().is_empty()) {
            meta.url = Some(u.trim().to_owned());
        }
        for (k, v) in &r.fields {
            meta.fields.insert(k.clone(), v.clone());
        }
    }
    (title, meta)
}

/// Embedded metadata of a decoded file (`name`, `value` pairs as the format gives them:
/// HTML `<meta name|property|itemprop=… content=…>`, docx core properties) turned into what a
/// document says about itself. Date tags in order of trust: `PubDate`, `article:published_time`,
/// `pubdate`, `publishdate`, `datePublished`, then docx `dcterms:created` (often a template's).
pub fn found_from_embedded(pairs: &[(String, String)], lines: &[&str]) -> Found {
    // Modified dates say when a file was saved, not written: never a date.
    const DATE_TAGS: [&str; 6] = [
        "pubdate",
        "article:published_time",
        "publishdate",
        "datepublished",
        "dc.date",
        "dcterms:created",
    ];
    let mut found = Found {
        text_date: date::from_text(lines),
        ..Found::default()
    };
    for tag in DATE_TAGS {
        if let Some((name, value)) = pairs.iter().find(|(n, _)| n.eq_ignore_ascii_case(tag))
            && let Some(d) = date::parse_value(value)
        {
            found.embedded_date = Some((d, name.clone()));
            break;
        }
    }
    for (name, value) in pairs {
        let key = match name.to_ascii_lowercase().as_str() {
            "author" | "dc.creator" | "dc:creator" => "author",
            "source" | "og:site_name" | "contentsource" => "source",
            "og:url" | "url" => "url",
            _ => continue,
        };
        let value = value.trim();
        if !value.is_empty() && value.chars().count() <= 500 {
            found
                .fields
                .entry(key.to_owned())
                .or_insert_with(|| value.to_owned());
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_in_order_of_trust() {
        let found = Found {
            embedded_date: Some((Date::new(2021, 5, 1).unwrap(), "PubDate".into())),
            text_date: Date::new(2019, 1, 1),
            ..Found::default()
        };
        let (title, meta) = resolve("news/2020/x.txt", "标题", &found, None);
        assert_eq!(title, "标题");
        assert_eq!(meta.date.unwrap().to_string(), "2021-05-01");
        assert_eq!(meta.date_source, Some(Source::Embedded));
        assert_eq!(meta.collection, "news");
        let (_, meta) = resolve("x.txt", "t", &Found::default(), None);
        assert_eq!((meta.date, meta.collection.as_str()), (None, "."));
    }

    #[test]
    fn embedded_dates_and_fields() {
        let pairs = vec![
            (
                "dcterms:created".to_string(),
                "2010-01-01T00:00:00Z".to_string(),
            ),
            ("PubDate".to_string(), "2024-03-05 10:00:00".to_string()),
            ("author".to_string(), "新华社".to_string()),
        ];
        let f = found_from_embedded(&pairs, &[]);
        assert_eq!(
            f.embedded_date.as_ref().unwrap().0.to_string(),
            "2024-03-05"
        );
        assert_eq!(f.embedded_date.unwrap().1, "PubDate");
        assert_eq!(f.fields["author"], "新华社");
    }
}

//! The specs' doc links, resolved by `generator::lower::links` against the real specs and the listing's
//! `x-reference`s.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use generator::load::{Listing, LoadedSpec};
use generator::lower::docs::sanitize_reporting;
use generator::lower::links::{group_page, operation_anchor, Links, Target};
use generator::names::snake_name;

fn specs() -> Vec<LoadedSpec> {
    let listing_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/atlassian.apis.yaml");
    let listing = Listing::load(&listing_path).expect("listing");
    generator::select::load_specs(&listing).expect("specs")
}

/// Every `summary`, `description` and `title` of a spec: the prose that becomes rustdoc.
fn prose(spec: &LoadedSpec) -> Vec<String> {
    strings(spec, true)
}

/// The strings of a spec: all of them, or only its prose.
fn strings(spec: &LoadedSpec, only_prose: bool) -> Vec<String> {
    let bytes = std::fs::read(&spec.path).expect("read spec");
    let value: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
    let mut out = Vec::new();
    let mut pending = vec![&value];
    while let Some(value) = pending.pop() {
        match value {
            serde_json::Value::Object(map) => {
                for (key, value) in map {
                    match (key.as_str(), value) {
                        ("summary" | "description" | "title", serde_json::Value::String(text)) => {
                            out.push(text.clone())
                        }
                        (_, serde_json::Value::String(text)) if !only_prose => out.push(text.clone()),
                        _ => pending.push(value),
                    }
                }
            }
            serde_json::Value::Array(items) => pending.extend(items),
            _ => {}
        }
    }
    out
}

fn links(spec: &LoadedSpec) -> Links {
    Links::new(&spec.document, &snake_name(&spec.source.name), spec.source.reference.as_deref(), &BTreeMap::new())
}

/// Absolute links into a reference's group pages, as Atlassian wrote them (in prose and examples):
/// `<reference>api-group-<tag>/#<anchor>`.
fn absolute_group_links(specs: &[LoadedSpec]) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for spec in specs {
        for text in strings(spec, false) {
            for (start, _) in text.match_indices("https://developer.atlassian.com/") {
                let url: String =
                    text[start..].chars().take_while(|c| !c.is_whitespace() && !matches!(c, ')' | '"' | '<')).collect();
                if url.contains("/api-group-") && url.contains("/#api-") {
                    found.insert(url);
                }
            }
        }
    }
    found
}

#[test]
fn the_absolute_reference_links_in_the_specs_follow_the_anchor_rule() {
    let specs = specs();
    let urls = absolute_group_links(&specs);
    let mut consistent = 0;
    let mut inconsistent = Vec::new();
    let mut elsewhere = Vec::new();
    for url in &urls {
        let (page_url, anchor) = url.split_once("/#").expect("an anchor");
        let (base, page) = page_url.rsplit_once('/').expect("a page");
        let base = format!("{base}/");
        let Some(spec) = specs.iter().find(|s| s.source.reference.as_deref() == Some(base.as_str())) else {
            elsewhere.push(url.clone());
            continue;
        };
        let expected = if anchor.starts_with("api-group-") {
            let tags: BTreeSet<String> = spec.document.tags.iter().map(|t| group_page(&t.name)).collect();
            (tags.contains(anchor) && anchor == page).then(|| url.clone())
        } else {
            // The rule, through the resolver: the operation's anchor on the page of its first tag.
            generator::select::operations(&spec.document)
                .find(|(path, method, _)| operation_anchor(path, method) == anchor)
                .and_then(|(path, method, _)| {
                    match links(spec).resolve(&format!("#{}", operation_anchor(path, method))) {
                        Target::Url(url) => Some(url),
                        _ => None,
                    }
                })
        };
        if expected.as_deref() == Some(url.as_str()) {
            consistent += 1;
        } else {
            inconsistent.push(format!("{url} (the rule gives {expected:?})"));
        }
    }
    assert_eq!(urls.len(), 28, "{urls:#?}");
    assert_eq!(
        inconsistent,
        ["https://developer.atlassian.com/cloud/confluence/rest/v2/api-group-smart-link/#api-folders-id-get \
          (the rule gives Some(\"https://developer.atlassian.com/cloud/confluence/rest/v2/api-group-folder/#api-folders-id-get\"))"],
        "Atlassian's own links that the rule does not reproduce"
    );
    assert_eq!(elsewhere, ["https://developer.atlassian.com/cloud/customer-service-management/rest/v1/api-group-organization/#api-group-organization"]);
    assert_eq!(consistent, 26);
}

#[test]
fn every_relative_link_in_the_specs_resolves_or_is_listed() {
    let mut unresolved: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut resolved = 0;
    for spec in specs() {
        let links = links(&spec);
        for text in prose(&spec) {
            let mut plain = Vec::new();
            let rendered = sanitize_reporting(&text, &links, &mut plain);
            resolved += rendered.matches("](https://").count();
            for target in plain {
                *unresolved.entry((spec.source.name.clone(), target)).or_default() += 1;
            }
        }
    }
    let mut listed = String::from(
        "# Doc links in the specs that lead nowhere, so their text is kept without a link (spec, target, count).\n\
         # Checked by generator/tests/doc_links.rs; `UPDATE_EXPECT=1 cargo test -p generator --test doc_links`\n\
         # rewrites it.\n",
    );
    for ((spec, target), count) in &unresolved {
        listed.push_str(&format!("{spec}\t{target}\t{count}\n"));
    }
    expect_test::expect_file!["unresolved_links.txt"].assert_eq(&listed);
    assert!(resolved > 2000, "{resolved} links resolved");
}

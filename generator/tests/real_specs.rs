//! Selection against the committed Atlassian specs: the seed listing, ambiguity across the two Jira platform
//! specs, qualification with `x-spec`, and the schema closure.

use std::path::{Path, PathBuf};

use generator::load::{Listing, Selector};
use generator::select::select;
use generator::Options;

fn specs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs")
}

fn seed_listing() -> Listing {
    Listing::load(&specs_dir().join("seed.apis.yaml")).expect("the committed seed listing loads")
}

fn default_listing() -> Listing {
    Listing::load(&specs_dir().join("atlassian.apis.yaml")).expect("the committed default listing loads")
}

/// The committed listing with its `apis` replaced.
fn listing_with(entries: &str) -> Listing {
    let text = std::fs::read_to_string(specs_dir().join("atlassian.apis.yaml")).expect("listing");
    let common = &text[text.find("x-common:").expect("x-common")..];
    Listing::parse(&specs_dir().join("atlassian.apis.yaml"), &format!("apis:\n{entries}\n{common}"))
        .expect("listing parses")
}

#[test]
fn the_default_listing_selects_its_operations_of_rest_v2_and_v3() {
    // REST v2: the 20 seed operations, and createIssue, editIssue and getFields for issue fields; REST v3: the six
    // operations of rich text (ADF); Confluence v2: a page with its ADF body.
    let listing = default_listing();
    assert_eq!(listing.entries.len(), 30);
    assert_eq!(listing.specs.len(), 6);
    let selection = select(&listing, &Options::default()).expect("selects");
    let names: Vec<&str> = selection.specs.iter().map(|s| s.spec.source.name.as_str()).collect();
    assert_eq!(names, ["jira-platform-v2", "jira-platform-v3", "confluence-v2"]);
    let spec = &selection.specs[0];
    assert_eq!(spec.operations.len(), 23);
    assert_eq!(spec.schemas.len(), 85, "with IssueFields and the components it names");
    assert!(spec.schemas.contains("IssueFields") && spec.schemas.contains("IssueFieldsLink"));
    assert!(spec.schemas.contains("LinkGroup") && spec.schemas.contains("NotificationEvent"));
    let slugs: Vec<&str> = spec.operations.iter().map(|o| o.slug.as_str()).collect();
    assert!(slugs.contains(&"api2attachmentmeta-get"));
    assert_eq!(selection.specs[1].operations.len(), 6);
    assert!(selection.specs[1].schemas.contains("IssueFields"));
}

#[test]
fn the_seed_listing_selects_the_twenty_seed_operations_of_rest_v2() {
    // The benchmarks measure these, whatever the default listing grows to.
    let selection = select(&seed_listing(), &Options::default()).expect("selects");
    let names: Vec<&str> = selection.specs.iter().map(|s| s.spec.source.name.as_str()).collect();
    assert_eq!(names, ["jira-platform-v2"]);
    assert_eq!(selection.specs[0].operations.len(), 20);
}

#[test]
fn a_slug_in_both_jira_platform_specs_is_ambiguous_until_qualified() {
    let listing = listing_with("- x-api-slug: atlassianconnect1serviceregistry-get");
    let error = select(&listing, &Options::default()).expect_err("ambiguous").to_string();
    assert!(error.contains("`atlassianconnect1serviceregistry-get` is ambiguous"), "{error}");
    assert!(error.contains("jira-platform-v2 (GET /rest/atlassian-connect/1/service-registry)"), "{error}");
    assert!(error.contains("jira-platform-v3 (GET /rest/atlassian-connect/1/service-registry)"), "{error}");
    assert!(error.contains("x-spec"), "{error}");

    let listing = listing_with("- x-api-slug: atlassianconnect1serviceregistry-get\n  x-spec: jira-platform-v3");
    let selection = select(&listing, &Options::default()).expect("qualified");
    assert_eq!(selection.specs.len(), 1);
    assert_eq!(selection.specs[0].spec.source.name, "jira-platform-v3");
}

#[test]
fn entries_can_name_operation_ids_in_any_spec() {
    let listing = listing_with(
        "- x-operation-id: getIssue\n  x-spec: jira-software\n- x-api-slug: pages-get\n- x-operation-id: getServiceDesks",
    );
    assert!(matches!(&listing.entries[0].selector, Selector::OperationId(id) if id == "getIssue"));
    let selection = select(&listing, &Options::default()).expect("selects");
    let names: Vec<&str> = selection.specs.iter().map(|s| s.spec.source.name.as_str()).collect();
    assert_eq!(names, ["jira-software", "jira-service-desk", "confluence-v2"]);
}

#[test]
fn the_slug_rule_matches_the_listing_format() {
    assert_eq!(generator::select::slug("/rest/api/2/attachment/meta", "get"), "api2attachmentmeta-get");
    assert_eq!(
        generator::select::slug("/rest/api/2/issue/{issueIdOrKey}/worklog/{id}", "PUT"),
        "api2issueissueidorkeyworklogid-put"
    );
    assert_eq!(generator::select::slug("/pages/{id}", "get"), "pagesid-get");
}

#[test]
fn both_jql_searches_of_rest_v2_and_v3_stream_their_issues() {
    let listing = listing_with(
        "- x-operation-id: searchAndReconsileIssuesUsingJql\n  x-spec: jira-platform-v2\n\
         - x-operation-id: searchAndReconsileIssuesUsingJqlPost\n  x-spec: jira-platform-v2\n\
         - x-operation-id: searchAndReconsileIssuesUsingJql\n  x-spec: jira-platform-v3\n\
         - x-operation-id: searchAndReconsileIssuesUsingJqlPost\n  x-spec: jira-platform-v3",
    );
    let output = generator::generate(&listing, &Options::default()).expect("generates");
    for module in ["jira_platform_v2", "jira_platform_v3"] {
        let code: String = output
            .files
            .iter()
            .filter(|(path, _)| path.starts_with(&format!("src/generated/{module}/requests/")))
            .map(|(_, file)| file.as_str())
            .collect();
        for (builder, set_cursor) in [
            ("SearchAndReconsileIssuesUsingJql", "self.next_page_token = ::std::option::Option::Some(cursor);"),
            (
                "SearchAndReconsileIssuesUsingJqlPost",
                "self.body.next_page_token = ::std::option::Option::Some(cursor);",
            ),
        ] {
            let paged = format!("impl crate::runtime::CursorPaged for {builder} {{");
            let start = code.find(&paged).unwrap_or_else(|| panic!("{module}: {builder} is not paginated"));
            let body = &code[start..start + 800.min(code.len() - start)];
            assert!(body.contains(set_cursor), "{module}: {builder} sets its cursor in {body}");
            assert!(body.contains("items: page.issues"), "{module}: {builder} streams the issues: {body}");
            assert!(body.contains("is_last: page.is_last"), "{module}: {builder} reads isLast: {body}");
        }
    }
}

#[test]
fn the_shipped_overlay_gives_dashboard_gadget_position_its_column_and_row() {
    let listing = listing_with("- x-operation-id: getAllGadgets\n  x-spec: jira-platform-v2\n- x-operation-id: addGadget\n  x-spec: jira-platform-v2");
    let selection = select(&listing, &Options::default()).expect("selects");
    let spec = &selection.specs[0].spec;
    assert_eq!(spec.corrections.names()[0], "overlays/jira-platform-v2.yaml");
    let (overlay, action) = spec
        .corrections
        .provenance("/components/schemas/DashboardGadgetPosition/properties/column")
        .expect("the overlay set `column`");
    assert_eq!((overlay.name.as_str(), action.index), ("overlays/jira-platform-v2.yaml", 1));
    let output = generator::generate(&listing, &Options::default()).expect("generates");
    let types = &output.files["src/generated/jira_platform_v2/types.rs"];
    assert!(types.contains("pub column: i32") && types.contains("pub row: i32"), "{types}");
    assert!(!types.contains("the_column_position_of_the_gadget"));
    let examples = &output.files["src/generated/jira_platform_v2/examples.rs"];
    assert!(
        examples.contains("example_check::check::<") && !examples.contains("example_check::fails::<"),
        "{examples}"
    );
    let evidence = &output.files["src/generated/jira_platform_v2/evidence.rs"];
    for test in ["fn add_gadget_openapi_example()", "fn get_all_gadgets_openapi_example()"] {
        assert!(evidence.contains(test), "{evidence}");
    }
    assert!(
        evidence.contains(
            "evidence/addGadget/openapi-example.json (example), cited by overlays/jira-platform-v2.yaml action 1"
        ),
        "{evidence}"
    );
    let header = output.files["src/generated/jira_platform_v2/mod.rs"].lines().next().expect("header").to_owned();
    assert!(header.contains("corrected by `overlays/jira-platform-v2.yaml`"), "{header}");
}

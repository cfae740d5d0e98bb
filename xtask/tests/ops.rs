//! `cargo xtask ops` end to end: the built binary on a copy of the checkout with the real specs.

mod common;

use std::path::Path;

use common::{copy, generated, stderr, stdout, xtask_in};

fn listing(root: &Path) -> String {
    std::fs::read_to_string(root.join("specs/atlassian.apis.yaml")).expect("read listing")
}

#[test]
fn add_appends_entries_in_the_files_style_regenerates_and_remove_restores_every_byte() {
    let copy = copy();
    let root = copy.path();
    let before = listing(root);
    let entries =
        generator::load::Listing::load(&root.join("specs/atlassian.apis.yaml")).expect("listing").entries.len();
    let generated_before = generated(root);

    let add = xtask_in(root, &["ops", "add", "--spec", "jira-platform-v2", "deleteIssue", "api2searchjql-post"]);
    assert!(add.status.success(), "{}", stderr(&add));
    let after = listing(root);
    let appended = after.strip_prefix(&before[..before.find("x-common:").expect("x-common")]).expect("prefix kept");
    assert!(
        appended.starts_with(
            "- name: Delete issue\n  x-api-slug: api2issueissueidorkey-delete\n\
             - name: Search for issues using JQL enhanced search (POST)\n  x-api-slug: api2searchjql-post\n\
             x-common:"
        ),
        "{appended}"
    );
    assert!(after.ends_with(&before[before.find("x-common:").expect("x-common")..]), "the rest kept byte-for-byte");
    let out = stdout(&add);
    assert!(out.contains(&format!("added apis[{entries}] (x-api-slug api2issueissueidorkey-delete) to")), "{out}");
    let (_, files) = generated(root);
    let code: String = files.values().map(|bytes| String::from_utf8_lossy(bytes)).collect();
    assert!(
        code.contains("pub fn delete_issue(") && code.contains("pub fn search_and_reconsile_issues_using_jql_post(")
    );

    // Listed now: search says so, and show names the entry.
    let search = xtask_in(root, &["ops", "search", "--spec", "jira-platform-v2", "delete", "issue"]);
    let line = stdout(&search).lines().find(|l| l.contains(" api2issueissueidorkey-delete ")).map(str::to_owned);
    assert!(line.as_deref().is_some_and(|l| l.contains("deleteIssue") && l.ends_with("listed")), "{line:?}");

    let remove = xtask_in(root, &["ops", "remove", "--spec", "jira-platform-v2", "deleteIssue", "api2searchjql-post"]);
    assert!(remove.status.success(), "{}", stderr(&remove));
    assert_eq!(listing(root), before, "remove is the reverse of add");
    assert!(generated(root) == generated_before, "the regenerated crate is the one before the add");
}

#[test]
fn a_name_in_two_specs_gets_x_spec_and_a_duplicated_operation_id_offers_its_slugs() {
    let copy = copy();
    let root = copy.path();
    let before = listing(root);

    let ambiguous = xtask_in(root, &["ops", "add", "getArticles"]);
    let message = stderr(&ambiguous);
    assert_eq!(ambiguous.status.code(), Some(1), "{message}");
    assert!(message.contains("`apis` entry `operationId getArticles` is ambiguous"), "{message}");
    assert!(
        message.contains("(`servicedeskapiknowledgebasearticle-get`, `servicedeskapiservicedeskservicedeskidknowledgebasearticle-get`)"),
        "{message}"
    );
    assert_eq!(listing(root), before);

    let add =
        xtask_in(root, &["ops", "add", "--no-regen", "servicedeskapiknowledgebasearticle-get", "api3serverinfo-get"]);
    assert!(add.status.success(), "{}", stderr(&add));
    let appended = listing(root);
    let appended = appended.strip_prefix(&before[..before.find("x-common:").expect("x-common")]).expect("prefix kept");
    assert!(
        appended.starts_with(
            "- name: Get articles\n  x-api-slug: servicedeskapiknowledgebasearticle-get\n\
             - name: Get Jira instance info\n  x-api-slug: api3serverinfo-get\nx-common:"
        ),
        "{appended}"
    );

    // A slug of both Jira platform specs is written with its spec.
    let add = xtask_in(
        root,
        &["ops", "add", "--no-regen", "--spec", "jira-platform-v3", "atlassianconnect1serviceregistry-get"],
    );
    assert!(add.status.success(), "{}", stderr(&add));
    assert!(listing(root)
        .contains("  x-api-slug: atlassianconnect1serviceregistry-get\n  x-spec: jira-platform-v3\nx-common:"));
}

/// Runs `args` in a fresh copy and checks that it fails with `expected`, leaving the listing and the crate as
/// they were.
fn refused(setup: impl FnOnce(&Path), args: &[&str], expected: &[&str]) {
    let copy = copy();
    let root = copy.path();
    setup(root);
    let before = (listing(root), generated(root));
    let output = xtask_in(root, args);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{args:?}: {message}");
    for part in expected {
        assert!(message.contains(part), "{args:?}: expected `{part}` in: {message}");
    }
    assert!((listing(root), generated(root)) == before, "{args:?} changed a file");
}

#[test]
fn unknown_ambiguous_listed_and_unlisted_names_are_refused_with_regens_messages() {
    let none = |_: &Path| {};
    refused(
        none,
        &["ops", "add", "api2issuex-post"],
        &["`apis` entry `api2issuex-post` matches no operation; the closest are `api2issue-post`"],
    );
    refused(
        none,
        &["ops", "add", "createIssue"],
        &[
            "`apis` entry `operationId createIssue` is ambiguous",
            "jira-platform-v2 (POST /rest/api/2/issue)",
            "add `x-spec: <one of those>`",
        ],
    );
    refused(none, &["ops", "add", "getIssueWorklog", "--spec", "jira-platform-v2"], &["`getIssueWorklog` (jira-platform-v2 GET /rest/api/2/issue/{issueIdOrKey}/worklog) is already listed as apis[9] (x-api-slug api2issueissueidorkeyworklog-get)"]);
    refused(none, &["ops", "add", "api2issueissueidorkey-delete", "api2issueissueidorkey-delete"], &["is given twice"]);
    refused(
        none,
        &["ops", "add", "getIssue", "--spec", "jira-nothing"],
        &["`jira-nothing` is not an `x-spec` of `x-common` (known: jira-platform-v2"],
    );
    refused(
        none,
        &["ops", "remove", "api2issueissueidorkey-delete"],
        &["`api2issueissueidorkey-delete` (jira-platform-v2 DELETE /rest/api/2/issue/{issueIdOrKey}) is not listed"],
    );
    refused(
        none,
        &["ops", "remove", "api2nosuchthing-get"],
        &["`apis` entry `api2nosuchthing-get` matches no operation"],
    );
}

#[test]
fn a_listing_that_does_not_parse_is_reported_and_left_alone() {
    let break_listing = |text: &'static str| {
        move |root: &Path| {
            let path = root.join("specs/atlassian.apis.yaml");
            let listing = std::fs::read_to_string(&path).expect("read");
            std::fs::write(&path, listing.replacen("x-api-slug: api2attachmentmeta-get", text, 1)).expect("write");
        }
    };
    refused(
        break_listing("x-api-slug: [unclosed"),
        &["ops", "add", "api2issueissueidorkey-delete"],
        &["invalid listing at `apis[0].x-api-slug`"],
    );
    refused(
        break_listing("x-api-slug: api2nothing-get"),
        &["ops", "add", "api2issueissueidorkey-delete"],
        &["`apis` entry `api2nothing-get` matches no operation"],
    );
    refused(
        break_listing("x-operation-id: x\n  x-api-slug: y"),
        &["ops", "remove", "api2issueissueidorkey-delete"],
        &["entry `Jira Cloud REST API - Get global attachment settings` has both `x-api-slug` and `x-operation-id`"],
    );
}

#[test]
fn an_entry_that_no_longer_matches_can_be_removed_by_its_own_name() {
    let copy = copy();
    let root = copy.path();
    let path = root.join("specs/atlassian.apis.yaml");
    let text = listing(root);
    let stale = text.replacen("x-api-slug: api2attachmentmeta-get", "x-api-slug: api2attachmentgone-get", 1);
    std::fs::write(&path, &stale).expect("write");
    let remove = xtask_in(root, &["ops", "remove", "--no-regen", "api2attachmentgone-get"]);
    assert!(remove.status.success(), "{}", stderr(&remove));
    let start = stale.find("- name: Jira Cloud REST API - Get global attachment settings").expect("entry");
    let end = stale.find("- name: Jira Cloud REST API - Get attachment metadata").expect("next entry");
    assert_eq!(listing(root), format!("{}{}", &stale[..start], &stale[end..]));
}

#[test]
fn add_to_another_listing_regenerates_into_the_folder_given() {
    let copy = copy();
    let root = copy.path();
    let other = root.join("specs/other.apis.yaml");
    std::fs::copy(root.join("specs/atlassian.apis.yaml"), &other).expect("copy listing");
    let out = root.join("other-client");
    let before = (listing(root), generated(root));
    let listing_arg = other.display().to_string();
    let out_arg = out.display().to_string();
    let args =
        ["ops", "add", "--listing", &listing_arg, "--out", &out_arg, "--spec", "jira-platform-v2", "deleteIssue"];
    let add = xtask_in(root, &args);
    assert!(add.status.success(), "{}", stderr(&add));
    assert!(std::fs::read_to_string(&other).expect("read").contains("  x-api-slug: api2issueissueidorkey-delete\n"));
    let issues = std::fs::read_to_string(out.join("src/generated/jira_platform_v2/requests/issues.rs")).expect("read");
    assert!(issues.contains("pub fn delete_issue("), "the other crate has the new operation");
    assert!((listing(root), generated(root)) == before, "the default listing and crate are untouched");
}

#[test]
fn show_names_the_overlay_actions_on_the_operation_and_on_the_schemas_it_reaches() {
    let copy = copy();
    let root = copy.path();
    let show = |args: &[&str]| {
        let output = xtask_in(root, &[&["ops", "show"], args].concat());
        assert!(output.status.success(), "{args:?}: {}", stderr(&output));
        let out = stdout(&output);
        let at = out.find("\noverlays:").unwrap_or_else(|| panic!("{args:?}: no overlays line in: {out}"));
        out[at + 1..].to_owned()
    };
    let file = "overlays/jira-platform-v2.yaml";

    // getAllGadgets reaches DashboardGadgetPosition, which both actions of the real overlay correct.
    let gadgets = show(&["--spec", "jira-platform-v2", "getAllGadgets"]);
    assert_eq!(
        gadgets,
        format!(
            "overlays:\n  {file} action 0 (\"the spec names DashboardGadgetPosition's properties with sentences; \
             remove them\", target `$.components.schemas.DashboardGadgetPosition['properties','required']`): at \
             `/components/schemas/DashboardGadgetPosition/properties`\n  {file} action 1 (\"DashboardGadgetPosition's \
             properties are `column` and `row`, as Jira sends them\", target \
             `$.components.schemas.DashboardGadgetPosition`): at `/components/schemas/DashboardGadgetPosition`\n"
        )
    );
    // The same operation of the v3 spec names the v3 overlay's actions, and a v2 operation that reaches no corrected
    // schema says none.
    let v3 = show(&["--spec", "jira-platform-v3", "getAllGadgets"]);
    assert!(
        v3.contains("overlays/jira-platform-v3.yaml action 1 (")
            && v3.contains("overlays/jira-platform-v3.yaml action 2 ("),
        "{v3}"
    );
    assert!(!v3.contains(file), "{v3}");
    assert_eq!(show(&["--spec", "jira-platform-v2", "deleteIssue"]), "overlays: none\n");

    // An action on one operation of a path item touches that operation, not its neighbour of another method.
    let path = root.join("specs/overlays/summaries.yaml");
    std::fs::write(
        &path,
        "overlay: 1.0.0\ninfo: {title: Summaries, version: 1.0.0}\nactions:\n\
         - target: $.paths['/rest/api/2/issue/{issueIdOrKey}'].put\n  description: a shorter summary\n  \
         update: {summary: Edit an issue}\n",
    )
    .expect("write overlay");
    let listing_path = root.join("specs/atlassian.apis.yaml");
    let text = listing(root).replacen(
        "x-overlays: [overlays/jira-platform-v2.yaml, overlays/jira-platform-v2-fields.yaml]",
        "x-overlays: [overlays/jira-platform-v2.yaml, overlays/jira-platform-v2-fields.yaml, overlays/summaries.yaml]",
        1,
    );
    std::fs::write(&listing_path, text).expect("write listing");
    assert_eq!(
        show(&["--spec", "jira-platform-v2", "editIssue"]),
        "overlays:\n  overlays/summaries.yaml action 0 (\"a shorter summary\", target \
         `$.paths['/rest/api/2/issue/{issueIdOrKey}'].put`): at `/paths/~1rest~1api~12~1issue~1{issueIdOrKey}/put`\n"
    );
    assert_eq!(show(&["--spec", "jira-platform-v2", "deleteIssue"]), "overlays: none\n");
}

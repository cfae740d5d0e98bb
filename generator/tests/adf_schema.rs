//! Atlassian's ADF JSON Schema (`specs/adf/full.json`) lowered into the IR: one node variant per node *type*.

use std::path::Path;

use generator::ir::{TypeKind, TypeRef};
use generator::load::{load_schema, SchemaSource};

fn lowered() -> generator::ir::SharedModule {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/adf/full.json");
    let source = SchemaSource {
        name: "adf".into(),
        url: "https://registry.npmjs.org/@atlaskit/adf-schema".into(),
        file: "adf/full.json".into(),
    };
    let schema = load_schema(&source, &path).expect("full.json loads");
    generator::lower::json_schema::lower_schema(&schema, vec!["jira-platform-v3".into()]).expect("full.json lowers")
}

fn union(module: &generator::ir::SharedModule, name: &str) -> Vec<String> {
    let def = module.types.iter().find(|t| t.name == name).expect("the union exists");
    let TypeKind::Tagged(tagged) = &def.kind else { panic!("{name} is not a tagged union") };
    assert_eq!(tagged.property, "type");
    tagged.variants.iter().map(|v| v.tag.clone()).collect()
}

#[test]
fn definitions_that_share_a_node_type_are_one_variant() {
    let module = lowered();
    let nodes = union(&module, "Node");
    // Of the 84 definitions, 17 are marks and one is the `doc` root; the node definitions are 42 node types.
    assert_eq!(nodes.len(), 42, "{nodes:?}");
    assert_eq!(nodes.iter().filter(|t| *t == "paragraph").count(), 1);
    for tag in ["paragraph", "heading", "mediaSingle", "codeBlock", "expand", "layoutSection", "extension", "text"] {
        assert!(nodes.contains(&tag.to_owned()), "{tag}");
    }
    assert!(!nodes.contains(&"doc".to_owned()), "the root is `Document`, not a node");
    let marks = union(&module, "Mark");
    assert_eq!(marks.len(), 17, "{marks:?}");
    assert!(marks.contains(&"strong".to_owned()) && marks.contains(&"link".to_owned()));
}

#[test]
fn attributes_are_typed_with_enums_and_numbers() {
    let module = lowered();
    let find = |name: &str| module.types.iter().find(|t| t.name == name).unwrap_or_else(|| panic!("{name}"));
    let TypeKind::Enum(panel) = &find("PanelType").kind else { panic!("PanelType is an enum") };
    let values: Vec<&str> = panel.variants.iter().map(|v| v.wire.as_str()).collect();
    assert_eq!(values, ["info", "note", "tip", "warning", "error", "success", "custom"]);
    assert!(matches!(find("TableLayout").kind, TypeKind::Enum(_)));
    let TypeKind::Struct(heading) = &find("HeadingAttrs").kind else { panic!("HeadingAttrs is a struct") };
    let level = heading.fields.iter().find(|f| f.wire == "level").expect("level");
    assert_eq!(level.ty, TypeRef::Number, "numbers keep integers integers");
    let TypeKind::Struct(paragraph) = &find("Paragraph").kind else { panic!("Paragraph is a struct") };
    let content = paragraph.fields.iter().find(|f| f.wire == "content").expect("content");
    assert_eq!(content.ty, TypeRef::Vec(Box::new(TypeRef::Named("Node".into()))));
    let marks = paragraph.fields.iter().find(|f| f.wire == "marks").expect("marks");
    assert_eq!(marks.ty, TypeRef::Vec(Box::new(TypeRef::Named("Mark".into()))));
    // Every struct keeps what the schema does not declare.
    assert!(module.types.iter().all(|t| !matches!(&t.kind, TypeKind::Struct(s) if s.additional.is_none())));
}

//! The committed `schema.graphql` is the code's schema, and every part of it is documented.

use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};

fn committed() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.graphql"))
        .expect("schema.graphql at the repository root")
}

#[test]
fn committed_schema_matches_the_code() {
    let generated = plan_api::graphql::sdl();
    assert!(
        committed() == generated,
        "schema.graphql is stale: run `cargo run -- schema > schema.graphql` and commit it"
    );
}

#[test]
fn every_type_field_argument_and_enum_value_has_a_description() {
    let doc = parse_schema(plan_api::graphql::sdl()).expect("the SDL parses");
    let mut missing = Vec::new();
    for def in &doc.definitions {
        let TypeSystemDefinition::Type(ty) = def else {
            continue;
        };
        let ty = &ty.node;
        let name = ty.name.node.as_str();
        if ty.description.is_none() {
            missing.push(name.to_owned());
        }
        match &ty.kind {
            TypeKind::Object(o) => {
                for f in &o.fields {
                    let f = &f.node;
                    if f.description.is_none() {
                        missing.push(format!("{name}.{}", f.name.node));
                    }
                    for a in &f.arguments {
                        if a.node.description.is_none() {
                            missing.push(format!("{name}.{}({})", f.name.node, a.node.name.node));
                        }
                    }
                }
            }
            TypeKind::Interface(i) => {
                for f in &i.fields {
                    if f.node.description.is_none() {
                        missing.push(format!("{name}.{}", f.node.name.node));
                    }
                }
            }
            TypeKind::Enum(e) => {
                for v in &e.values {
                    if v.node.description.is_none() {
                        missing.push(format!("{name}.{}", v.node.value.node));
                    }
                }
            }
            TypeKind::InputObject(i) => {
                for f in &i.fields {
                    if f.node.description.is_none() {
                        missing.push(format!("{name}.{}", f.node.name.node));
                    }
                }
            }
            TypeKind::Scalar | TypeKind::Union(_) => {}
        }
    }
    assert!(missing.is_empty(), "undocumented: {missing:#?}");
}

#[test]
fn the_public_read_contract_is_present() {
    let sdl = plan_api::graphql::sdl();
    for needle in [
        "plan(\n\t\t\"\"\"",
        "plans: [Plan!]!",
        "node(",
        "strategicLine(",
        "action(",
        "actions(",
        "): ActionConnection!",
        "organization(",
        "organizations(",
        "): OrganizationConnection!",
        "municipalities: [Municipality!]!",
        "municipality(",
        "search(",
        "): [SearchHit!]!",
        "interface Node",
        "totalCount: Int!",
    ] {
        assert!(sdl.contains(needle), "the schema lacks {needle:?}");
    }
}

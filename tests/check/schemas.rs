//! The JSON Schemas of `data/schemas/`, one per data file kind, wired for Taplo-based editors
//! by `.taplo.toml`: every data file finds its schema there, and the schemas list the values
//! and code shapes `plan-api check` accepts (and the GraphQL enums serve). That the shipped
//! files validate against them, and broken copies do not, is checked by Taplo itself, the
//! validator editors run (`tests/check/taplo.sh`, in CI).

use plan_api::seed::vocabulary::{LANGUAGES, Shape, VOCABULARIES};
use serde_json::{Value, json};

use super::*;

fn repository() -> PathBuf {
    data_dir().join("..")
}

/// `.taplo.toml`'s rules: each rule's globs and schema path.
fn rules() -> Vec<(Vec<String>, String)> {
    let text = std::fs::read_to_string(repository().join(".taplo.toml")).expect(".taplo.toml");
    let config: toml::Value = toml::from_str(&text).expect("TOML");
    config["rule"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|rule| {
            let globs = rule["include"].as_array().expect("include");
            (
                globs
                    .iter()
                    .map(|g| g.as_str().expect("a glob").to_owned())
                    .collect(),
                rule["schema"]["path"]
                    .as_str()
                    .expect("schema.path")
                    .to_owned(),
            )
        })
        .collect()
}

/// Whether `path` matches `glob`, where `*` stands for one path segment (as Taplo's globs).
fn matches(glob: &str, path: &str) -> bool {
    let (glob, path): (Vec<&str>, Vec<&str>) =
        (glob.split('/').collect(), path.split('/').collect());
    glob.len() == path.len() && glob.iter().zip(&path).all(|(g, p)| *g == "*" || g == p)
}

fn schema(path: &str) -> Value {
    let text = std::fs::read_to_string(repository().join(path)).expect("a schema");
    serde_json::from_str(&text).expect("JSON")
}

/// Every file of the data folder and of the synthetic plans, relative to the repository, with
/// the optional kinds (`names.toml`, `renames.toml`) as a plan would hold them.
fn data_files() -> Vec<String> {
    let mut files = vec!["data/organizations.toml".to_owned()];
    for base in ["data", "tests/fixtures/plans"] {
        for entry in std::fs::read_dir(repository().join(base)).expect("a folder") {
            let entry = entry.expect("entry");
            if !entry.path().join("plan.toml").is_file() {
                continue;
            }
            let plan = entry.file_name().to_string_lossy().into_owned();
            for file in std::fs::read_dir(entry.path()).expect("a plan") {
                let file = file
                    .expect("entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned();
                files.push(format!("{base}/{plan}/{file}"));
            }
            for optional in ["names.toml", "renames.toml"] {
                files.push(format!("{base}/{plan}/{optional}"));
            }
        }
    }
    files.sort();
    files.dedup();
    files
}

#[test]
fn every_data_file_finds_its_schema_in_the_taplo_configuration() {
    let rules = rules();
    let files = data_files();
    // The registry, and each of the two plans' seven kinds of file.
    assert_eq!(files.len(), 1 + 7 * 2, "{files:?}");
    for file in &files {
        let schemas: Vec<&String> = rules
            .iter()
            .filter(|(globs, _)| globs.iter().any(|g| matches(g, file)))
            .map(|(_, schema)| schema)
            .collect();
        let [path] = schemas[..] else {
            panic!("{file}: one schema, not {schemas:?}");
        };
        let name = file.rsplit('/').next().expect("a name");
        assert_eq!(
            path,
            &format!("data/schemas/{}", name.replace(".toml", ".schema.json"))
        );
        let schema = schema(path);
        assert_eq!(
            schema["$schema"], "http://json-schema.org/draft-07/schema#",
            "{path}"
        );
        assert_eq!(schema["title"], name, "{path}");
    }
    // Every schema is for some file.
    let mut published: Vec<String> = std::fs::read_dir(repository().join("data/schemas"))
        .expect("data/schemas")
        .map(|e| {
            format!(
                "data/schemas/{}",
                e.expect("entry").file_name().to_string_lossy()
            )
        })
        .collect();
    published.sort();
    let mut wired: Vec<String> = rules.into_iter().map(|(_, s)| s).collect();
    wired.sort();
    assert_eq!(published, wired);
}

/// Every `(schema, definition name, definition)` of the published schemas.
fn definitions() -> Vec<(String, String, Value)> {
    rules()
        .into_iter()
        .flat_map(|(_, path)| {
            let schema = schema(&path);
            schema["definitions"]
                .as_object()
                .expect("definitions")
                .iter()
                .map(|(name, d)| (path.clone(), name.clone(), d.clone()))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn the_schemas_list_the_values_and_code_shapes_the_check_accepts() {
    let definitions = definitions();
    for (path, name, definition) in &definitions {
        if name == "Text" {
            // Every text has the four languages and nothing else.
            assert_eq!(definition["additionalProperties"], false, "{path}");
            assert_eq!(definition["required"], json!(LANGUAGES.values), "{path}");
            continue;
        }
        let vocabulary = VOCABULARIES
            .iter()
            .find(|v| v.schema == name)
            .unwrap_or_else(|| panic!("{path}: {name} is no vocabulary of the check"));
        assert_eq!(
            definition["enum"],
            json!(vocabulary.values),
            "{path}: {name}"
        );
    }
    for vocabulary in VOCABULARIES {
        assert!(
            definitions
                .iter()
                .any(|(_, name, _)| name == vocabulary.schema),
            "{} is in no schema",
            vocabulary.schema
        );
    }
    // Every code pattern is a shape the check knows.
    let shapes = [Shape::Code, Shape::Slug].map(|s| s.pattern().expect("a pattern"));
    let code = shapes[0].trim_start_matches('^').trim_end_matches('$');
    let continues = format!("^{code}/{code}$");
    let decimal = "^-?[0-9]+(\\.[0-9]+)?$";
    let mut patterns = Vec::new();
    for (_, path) in rules() {
        collect_patterns(&schema(&path), &mut patterns);
    }
    assert!(patterns.iter().any(|p| p == shapes[0]) && patterns.iter().any(|p| p == shapes[1]));
    for pattern in patterns {
        assert!(
            shapes.contains(&pattern.as_str()) || pattern == continues || pattern == decimal,
            "{pattern}"
        );
    }
}

fn collect_patterns(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(p)) = map.get("pattern") {
                out.push(p.clone());
            }
            map.values().for_each(|v| collect_patterns(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_patterns(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn the_vocabularies_are_the_values_of_their_graphql_enums() {
    let app = crate::common::TestApp::new().await;
    for vocabulary in VOCABULARIES {
        let Some(name) = vocabulary.graphql else {
            continue;
        };
        let data = app
            .data(&format!(
                r#"{{ __type(name: "{name}") {{ enumValues {{ name }} }} }}"#
            ))
            .await;
        let mut served: Vec<&str> = data["__type"]["enumValues"]
            .as_array()
            .expect("an enum")
            .iter()
            .map(|v| v["name"].as_str().expect("a name"))
            .collect();
        served.sort_unstable();
        let mut values = vocabulary.values.to_vec();
        values.sort_unstable();
        assert_eq!(served, values, "{name}");
    }
}

//! The schema-wide probe: a marker planted in every private field of every record kind in every
//! review state, and a walk, generated from introspection, of every field each caller can reach.

use super::*;

/// What a marker stands for, and so who may see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Secret {
    /// Content of a record that is not published.
    Unpublished(Owner),
    /// A reviewer's comment.
    Comment(Owner),
    /// Who reported.
    Reporter(Owner),
    /// Who reviewed.
    Reviewer,
}

/// A caller walking the schema, and what it may see.
struct Walker {
    name: &'static str,
    auth: Option<String>,
    may_see: fn(Secret) -> bool,
}

fn walkers() -> Vec<Walker> {
    use Secret::*;
    vec![
        Walker {
            name: "anonymous",
            auth: None,
            may_see: |_| false,
        },
        Walker {
            name: "reader",
            auth: Some(bearer("reader", None, None, "leak-reader")),
            may_see: |s| s != Reviewer,
        },
        Walker {
            name: "admin",
            auth: Some(bearer("admin", None, None, "leak-admin")),
            may_see: |_| true,
        },
        Walker {
            name: "area of another unit",
            auth: Some(bearer("area", Some("AMB-ADE"), None, "leak-ade")),
            may_see: |_| false,
        },
        Walker {
            name: "municipality of another INE",
            auth: Some(bearer("municipality", None, Some("08019"), "leak-bcn")),
            may_see: |_| false,
        },
        Walker {
            name: "owner (area)",
            auth: Some(sri()),
            may_see: |s| {
                matches!(
                    s,
                    Unpublished(Owner::Sri) | Comment(Owner::Sri) | Reporter(Owner::Sri)
                )
            },
        },
        Walker {
            name: "owner (municipality)",
            auth: Some(hospitalet()),
            may_see: |s| {
                matches!(
                    s,
                    Unpublished(Owner::Hospitalet)
                        | Comment(Owner::Hospitalet)
                        | Reporter(Owner::Hospitalet)
                )
            },
        },
    ]
}

/// The record kinds with their owners, and an input carrying `text` in every free-text field.
const KINDS: &[(&str, Owner)] = &[
    ("ProgressUpdate", Owner::Sri),
    ("Activity", Owner::Sri),
    ("Activity", Owner::Hospitalet),
    ("FundedProject", Owner::Hospitalet),
    ("Indicator", Owner::Author),
    ("Measurement", Owner::Sri),
    ("Evaluation", Owner::Author),
];

/// The planted records: their IDs, and every marker with what it stands for.
struct Planted {
    ids: Vec<String>,
    markers: BTreeMap<String, Secret>,
}

async fn plant(app: &TestApp) -> Planted {
    let mut ids = Vec::new();
    let mut markers = BTreeMap::new();
    for sub in [SRI_SUB, HOSPITALET_SUB, AUTHOR_SUB] {
        let owner = match sub {
            SRI_SUB => Owner::Sri,
            HOSPITALET_SUB => Owner::Hospitalet,
            _ => Owner::Author,
        };
        markers.insert(sub.to_owned(), Secret::Reporter(owner));
    }
    markers.insert(REVIEWER_SUB.to_owned(), Secret::Reviewer);
    // Measurements need a published indicator: the published indicator is planted first.
    let mut published_indicator: Option<String> = None;
    let mut order: Vec<(usize, State)> = Vec::new();
    for (k, _) in KINDS.iter().enumerate() {
        let mut states = STATES.to_vec();
        states.sort_by_key(|s| *s != State::Published);
        order.extend(states.into_iter().map(|s| (k, s)));
    }
    for (k, state) in order {
        let (type_name, owner) = KINDS[k];
        let s = STATES.iter().position(|x| *x == state).unwrap_or_default();
        // A published record's content is public; every other state's is private.
        let content = if state == State::Published {
            format!("public text {k}-{s}")
        } else {
            let m = format!("leakc{k}{s}.");
            markers.insert(m.clone(), Secret::Unpublished(owner));
            m
        };
        let comment = format!("leakr{k}{s}.");
        if state != State::Draft {
            markers.insert(comment.clone(), Secret::Comment(owner));
        }
        let code = format!("LEAK-{k}-{s}");
        let input = input(type_name, &content, &code, published_indicator.as_deref());
        let r = bring_to(app, &owner_token(owner), type_name, input, state, &comment).await;
        if type_name == "Indicator" && state == State::Published {
            published_indicator = Some(r.id.clone());
        }
        ids.push(r.id);
    }
    Planted { ids, markers }
}

// ---------------------------------------------------------------------------------------------
// The introspection-driven walk
// ---------------------------------------------------------------------------------------------

const INTROSPECTION: &str = "{ __schema { queryType { name } types { kind name
    fields(includeDeprecated: true) { name args { name defaultValue type { ...T } } type { ...T } }
    possibleTypes { name } enumValues(includeDeprecated: true) { name } } } }
    fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name } } } } } }";

/// A type reference, unwrapped: its named type, whether it is required, whether a list.
fn unwrap_type(t: &Value) -> (String, bool, bool) {
    let required = t["kind"] == "NON_NULL";
    let mut list = false;
    let mut t = t;
    while t["name"].is_null() {
        list |= t["kind"] == "LIST";
        t = &t["ofType"];
    }
    (
        t["name"].as_str().unwrap_or_default().to_owned(),
        required,
        list,
    )
}

/// The fields of type `t` a walk asks for (all but the introspection ones): name, field and
/// named type.
fn walked_fields(t: &Value) -> impl Iterator<Item = (&str, &Value, String)> {
    t["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|field| {
            let fname = field["name"].as_str().unwrap_or_default();
            let (ftype, _, _) = unwrap_type(&field["type"]);
            (!fname.starts_with("__")).then_some((fname, field, ftype))
        })
}

/// The schema, and the values to give required arguments.
struct Schema {
    types: HashMap<String, Value>,
    query_type: String,
    ids: Vec<String>,
    strings: Vec<String>,
}

/// The page size the walk asks for: the largest allowed (the planted records' audit trail fits
/// in one page).
const PAGE: u64 = 100;

/// Deepest nesting walked below a root field.
const MAX_DEPTH: usize = 6;

impl Schema {
    fn kind(&self, name: &str) -> &str {
        self.types[name]["kind"].as_str().unwrap_or_default()
    }

    /// Literal values for a required argument of type `t`; empty when none can be made.
    fn values(&self, t: &Value, root: bool) -> Vec<String> {
        let (name, _, list) = unwrap_type(t);
        let quoted = |v: &Vec<String>| -> Vec<String> {
            v.iter()
                .map(|s| serde_json::to_string(s).unwrap_or_default())
                .collect()
        };
        let mut values = match (name.as_str(), self.kind(&name)) {
            ("ID", _) => quoted(&self.ids),
            ("String", _) => quoted(&self.strings),
            ("Int", _) => vec!["2023".to_owned()],
            ("Boolean", _) => vec!["true".to_owned()],
            (_, "ENUM") => self.types[&name]["enumValues"]
                .as_array()
                .map(|v| {
                    v.iter()
                        .filter_map(|e| e["name"].as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        if list {
            values = vec![format!("[{}]", values.join(", "))];
        } else if !root {
            // Below the root, one value each keeps the document small.
            values.truncate(1);
        }
        values
    }

    /// Every way to call `field` with its required arguments (one empty way when it has none).
    fn arg_sets(&self, field: &Value, root: bool) -> Vec<String> {
        let mut sets = vec![Vec::<String>::new()];
        for arg in field["args"].as_array().into_iter().flatten() {
            let (_, required, _) = unwrap_type(&arg["type"]);
            let name = arg["name"].as_str().unwrap_or_default();
            let values = if required && arg["defaultValue"].is_null() {
                self.values(&arg["type"], root)
            } else if name == "first" {
                // Whole lists, not their first page: nothing is missed for paging.
                vec![PAGE.to_string()]
            } else {
                continue;
            };
            sets = sets
                .iter()
                .flat_map(|set| {
                    values.iter().map(move |v| {
                        let mut s = set.clone();
                        s.push(format!("{name}: {v}"));
                        s
                    })
                })
                .collect();
        }
        sets.into_iter()
            .map(|s| {
                if s.is_empty() {
                    String::new()
                } else {
                    format!("({})", s.join(", "))
                }
            })
            .collect()
    }

    /// Whether `name` is a scalar or an enum.
    fn is_leaf(&self, name: &str) -> bool {
        matches!(self.kind(name), "SCALAR" | "ENUM")
    }

    /// The selection of `name` in a document: every field, each composite one expanded the
    /// same way, the first time the document meets the type; later, its leaf fields only
    /// (which records a field returns matters wherever it is, and their leaf fields carry
    /// their content), so that the document stays finite and small.
    fn selection(&self, name: &str, expanded: &mut BTreeSet<String>, depth: usize) -> String {
        let t = &self.types[name];
        let full = depth < MAX_DEPTH && expanded.insert(name.to_owned());
        let mut parts = vec!["__typename".to_owned()];
        match self.kind(name) {
            "OBJECT" => {
                for (fname, field, ftype) in walked_fields(t) {
                    let sub = if self.is_leaf(&ftype) {
                        String::new()
                    } else if full {
                        format!(" {{ {} }}", self.selection(&ftype, expanded, depth + 1))
                    } else {
                        continue;
                    };
                    let sets = self.arg_sets(field, false);
                    for (i, args) in sets.iter().enumerate() {
                        let alias = if sets.len() > 1 {
                            format!("{fname}_{i}: ")
                        } else {
                            String::new()
                        };
                        parts.push(format!("{alias}{fname}{args}{sub}"));
                    }
                }
            }
            "INTERFACE" | "UNION" => {
                for p in t["possibleTypes"].as_array().into_iter().flatten() {
                    let p = p["name"].as_str().unwrap_or_default();
                    parts.push(format!(
                        "... on {p} {{ {} }}",
                        self.selection(p, expanded, depth)
                    ));
                }
            }
            _ => {}
        }
        parts.join(" ")
    }

    /// One document per root field and way of calling it.
    fn documents(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let root = &self.types[&self.query_type];
        for (fname, field, ftype) in walked_fields(root) {
            let sub = if self.is_leaf(&ftype) {
                String::new()
            } else {
                format!(" {{ {} }}", self.selection(&ftype, &mut BTreeSet::new(), 0))
            };
            for args in self.arg_sets(field, true) {
                out.push((
                    format!("{fname}{args}"),
                    format!("{{ {fname}{args}{sub} }}"),
                ));
            }
        }
        out
    }
}

async fn schema(app: &TestApp, ids: Vec<String>) -> Schema {
    let data = ok(app, None, INTROSPECTION, json!({})).await;
    let types = data["__schema"]["types"]
        .as_array()
        .expect("types")
        .iter()
        .map(|t| (t["name"].as_str().unwrap_or_default().to_owned(), t.clone()))
        .collect();
    // Codes of every kind of thing a required string argument may name, and a search term.
    let strings = [
        "AMB-PI-2021-2025",
        "LE1",
        "LE1.1",
        "AMB-SRI",
        "08101",
        "08019",
        "EUROPE",
        "leak",
    ]
    .map(str::to_owned)
    .to_vec();
    Schema {
        types,
        query_type: data["__schema"]["queryType"]["name"]
            .as_str()
            .unwrap_or("Query")
            .to_owned(),
        ids,
        strings,
    }
}

/// The error codes a walk may meet: fields the caller may not read, names that do not exist.
const EXPECTED_ERRORS: &[&str] = &["FORBIDDEN", "NOT_FOUND", "BAD_USER_INPUT"];

#[tokio::test]
async fn no_marker_reaches_a_caller_who_may_not_see_it() {
    let app = TestApp::with(|c| {
        c.max_depth = 64;
        c.max_complexity = usize::MAX;
        c.max_aliases = 10_000;
        c.max_query_bytes = 16 * 1024 * 1024;
        c.max_body_bytes = 16 * 1024 * 1024;
        c.request_timeout_ms = 120_000;
        c.db_acquire_timeout_secs = 60;
    })
    .await;
    let planted = plant(&app).await;
    let schema = schema(&app, planted.ids.clone()).await;
    let documents = schema.documents();
    assert_eq!(
        documents.len(),
        128,
        "the documents of the walk: one per root field and set of arguments"
    );
    let mut leaks: BTreeSet<String> = BTreeSet::new();
    for walker in walkers() {
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        for (root, doc) in &documents {
            let reply = send(&app, walker.auth.as_deref(), doc, json!({})).await;
            for error in reply.body["errors"].as_array().into_iter().flatten() {
                let code = error["extensions"]["code"].as_str().unwrap_or_default();
                assert!(
                    EXPECTED_ERRORS.contains(&code),
                    "{}: {root}: unexpected error {error}",
                    walker.name
                );
            }
            let text = reply.body.to_string();
            for (marker, secret) in &planted.markers {
                if text.contains(marker.as_str()) {
                    seen.insert(marker);
                    if !(walker.may_see)(*secret) {
                        leaks.insert(format!(
                            "{} reads {marker} ({secret:?}) through {root}",
                            walker.name
                        ));
                    }
                }
            }
        }
        if walker.name == "admin" {
            // The walk reaches every private field: coordinators see every marker somewhere.
            let missed: Vec<&String> = planted
                .markers
                .keys()
                .filter(|m| !seen.contains(m.as_str()))
                .collect();
            assert!(missed.is_empty(), "the walk never reached {missed:?}");
        }
    }
    assert!(
        leaks.is_empty(),
        "leaks:\n{}",
        Vec::from_iter(leaks).join("\n")
    );
}

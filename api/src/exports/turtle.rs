//! Turtle from the catalogue's JSON-LD document, so that the catalogue has one model and two
//! serializations that cannot drift apart.
//!
//! It understands the JSON-LD the catalogue is written in, and refuses anything else rather
//! than guess: a `@context` of prefixes only; node objects with an absolute `@id` or none (a
//! blank node); `@type` as a compact IRI or a list of them; properties as compact IRIs; values
//! that are node objects, `{"@id"}` references, value objects (`@value` with `@language` or
//! `@type`), plain strings, numbers and booleans, or lists of these. The tests parse both
//! serializations with rdflib and compare them as graphs.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write;

use serde_json::{Map, Value};

use crate::error::ApiError;

/// Writes the JSON-LD document `doc` as Turtle.
pub fn from_jsonld(doc: &Value) -> Result<String, ApiError> {
    let root = doc.as_object().ok_or_else(|| unsupported("the document"))?;
    let prefixes: BTreeMap<String, String> = match root.get("@context") {
        Some(Value::Object(ctx)) => ctx
            .iter()
            .map(|(k, v)| {
                v.as_str()
                    .map(|iri| (k.clone(), iri.to_owned()))
                    .ok_or_else(|| unsupported("a @context entry"))
            })
            .collect::<Result<_, _>>()?,
        None => BTreeMap::new(),
        Some(_) => return Err(unsupported("@context")),
    };
    let mut w = Writer {
        prefixes,
        out: String::new(),
        queue: vec![root],
        done: HashSet::new(),
    };
    for (prefix, iri) in &w.prefixes {
        let _ = writeln!(w.out, "@prefix {prefix}: {} .", iri_ref(iri));
    }
    while let Some(node) = w.queue.pop() {
        w.top_level(node)?;
    }
    Ok(w.out)
}

fn unsupported(what: &str) -> ApiError {
    tracing::error!(
        what,
        "the catalogue uses JSON-LD the Turtle writer does not know"
    );
    ApiError::Internal
}

struct Writer<'a> {
    prefixes: BTreeMap<String, String>,
    out: String,
    /// Node objects with an `@id` met inside others, written as subjects of their own.
    queue: Vec<&'a Map<String, Value>>,
    /// Those already written (the same publisher sits in every dataset).
    done: HashSet<String>,
}

impl<'a> Writer<'a> {
    fn top_level(&mut self, node: &'a Map<String, Value>) -> Result<(), ApiError> {
        let key = Value::Object(node.clone()).to_string();
        if !self.done.insert(key) {
            return Ok(());
        }
        let subject = match node.get("@id") {
            Some(Value::String(id)) => iri_ref(id),
            _ => "[]".to_owned(),
        };
        let body = self.predicates(node, 1)?;
        if body.is_empty() {
            return Ok(());
        }
        let _ = write!(self.out, "\n{subject}{body} .\n");
        Ok(())
    }

    /// ` p o, o ;\n  p o` for the properties of `node`, each on its own line at `depth`.
    fn predicates(
        &mut self,
        node: &'a Map<String, Value>,
        depth: usize,
    ) -> Result<String, ApiError> {
        let indent = "    ".repeat(depth);
        let mut lines = Vec::new();
        for (key, value) in node {
            let predicate = match key.as_str() {
                "@context" | "@id" => continue,
                "@type" => "a".to_owned(),
                k if k.starts_with('@') => return Err(unsupported(k)),
                k => self.name(k)?,
            };
            let values: Vec<&Value> = match value {
                Value::Array(items) => items.iter().collect(),
                Value::Null => continue,
                v => vec![v],
            };
            let mut objects = Vec::new();
            for v in values {
                let object = if key == "@type" {
                    self.name(v.as_str().ok_or_else(|| unsupported("@type"))?)?
                } else {
                    self.object(v, depth)?
                };
                objects.push(object);
            }
            if !objects.is_empty() {
                lines.push(format!("{predicate} {}", objects.join(", ")));
            }
        }
        Ok(lines
            .iter()
            .enumerate()
            .map(|(i, l)| format!("{}\n{indent}{l}", if i == 0 { "" } else { " ;" }))
            .collect())
    }

    fn object(&mut self, value: &'a Value, depth: usize) -> Result<String, ApiError> {
        match value {
            Value::String(s) => Ok(literal(s)),
            Value::Bool(b) => Ok(b.to_string()),
            Value::Number(n) if n.is_i64() || n.is_u64() => Ok(n.to_string()),
            Value::Number(n) => Ok(format!(
                "{}^^<http://www.w3.org/2001/XMLSchema#double>",
                literal(&n.to_string())
            )),
            Value::Object(o) if o.contains_key("@value") => {
                let text = match &o["@value"] {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => b.to_string(),
                    _ => return Err(unsupported("@value")),
                };
                match (o.get("@language"), o.get("@type")) {
                    (Some(Value::String(lang)), None) => Ok(format!("{}@{lang}", literal(&text))),
                    (None, Some(Value::String(t))) => {
                        Ok(format!("{}^^{}", literal(&text), self.name(t)?))
                    }
                    (None, None) => Ok(literal(&text)),
                    _ => Err(unsupported("a value object")),
                }
            }
            Value::Object(o) => match o.get("@id") {
                Some(Value::String(id)) => {
                    if o.keys().any(|k| k != "@id") {
                        self.queue.push(o);
                    }
                    Ok(iri_ref(id))
                }
                None => {
                    let inner = self.predicates(o, depth + 1)?;
                    Ok(format!("[{inner}\n{}]", "    ".repeat(depth)))
                }
                Some(_) => Err(unsupported("@id")),
            },
            _ => Err(unsupported("a value")),
        }
    }

    /// A compact IRI (`dct:title`) as a Turtle prefixed name, or an absolute one as `<…>`.
    fn name(&self, term: &str) -> Result<String, ApiError> {
        if let Some((prefix, local)) = term.split_once(':')
            && let Some(ns) = self.prefixes.get(prefix)
        {
            let plain = !local.is_empty()
                && local.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && local.starts_with(|c: char| c.is_ascii_alphabetic());
            return Ok(if plain {
                term.to_owned()
            } else {
                iri_ref(&format!("{ns}{local}"))
            });
        }
        if term.contains("://") {
            return Ok(iri_ref(term));
        }
        Err(unsupported(term))
    }
}

/// `<iri>`, with what an IRIREF may not hold escaped.
fn iri_ref(iri: &str) -> String {
    let mut s = String::with_capacity(iri.len() + 2);
    s.push('<');
    for c in iri.chars() {
        if c <= ' ' || matches!(c, '<' | '>' | '"' | '{' | '}' | '|' | '^' | '`' | '\\') {
            let _ = write!(s, "\\u{:04X}", u32::from(c));
        } else {
            s.push(c);
        }
    }
    s.push('>');
    s
}

/// A string literal, `"…"`, escaped.
fn literal(text: &str) -> String {
    let mut s = String::with_capacity(text.len() + 2);
    s.push('"');
    for c in text.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            '\t' => s.push_str("\\t"),
            c if c < ' ' || c == '\u{7f}' => {
                let _ = write!(s, "\\u{:04X}", u32::from(c));
            }
            c => s.push(c),
        }
    }
    s.push('"');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn writes_nested_nodes_literals_and_references() {
        let doc = json!({
            "@context": { "dct": "http://purl.org/dc/terms/", "xsd": "http://www.w3.org/2001/XMLSchema#" },
            "@id": "https://x.example/c",
            "@type": "dct:Thing",
            "dct:title": [{ "@value": "Un \"títol\"\nnou", "@language": "ca" }],
            "dct:date": { "@value": "2021-01-01", "@type": "xsd:date" },
            "dct:publisher": { "@id": "https://x.example/p", "dct:name": "P" },
            "dct:temporal": { "@type": "dct:Period", "dct:start": "a" },
            "dct:source": { "@id": "https://x.example/s?lang=ca" },
            "dct:none": null,
        });
        let ttl = from_jsonld(&doc).unwrap_or_default();
        assert!(
            ttl.contains("@prefix dct: <http://purl.org/dc/terms/> ."),
            "{ttl}"
        );
        assert!(
            ttl.contains("<https://x.example/c>\n    a dct:Thing ;"),
            "{ttl}"
        );
        assert!(
            ttl.contains("dct:title \"Un \\\"títol\\\"\\nnou\"@ca"),
            "{ttl}"
        );
        assert!(ttl.contains("dct:date \"2021-01-01\"^^xsd:date ;"), "{ttl}");
        assert!(
            ttl.contains("dct:publisher <https://x.example/p> ;"),
            "{ttl}"
        );
        assert!(
            ttl.contains("[\n        a dct:Period ;\n        dct:start \"a\"\n    ]"),
            "{ttl}"
        );
        assert!(
            ttl.contains("<https://x.example/p>\n    dct:name \"P\" ."),
            "{ttl}"
        );
        assert!(!ttl.contains("none"), "{ttl}");
    }

    #[test]
    fn refuses_what_it_does_not_know() {
        // What it cannot write is the server's fault (its detail is logged): INTERNAL.
        for doc in [json!({ "@graph": [] }), json!({ "ex:p": "x" })] {
            let refused = from_jsonld(&doc);
            assert!(
                matches!(refused, Err(ApiError::Internal)),
                "{doc}: {refused:?}"
            );
        }
    }
}

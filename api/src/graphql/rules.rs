//! Depth, and good-faith introspection, checked on the parsed document before validation; and
//! the response's keys put back in the order of the selection set.
//!
//! The standard introspection document (graphql-js `getIntrospectionQuery()`, sent by GraphiQL,
//! code generators, Postman, Apollo tooling) nests `ofType` eight levels under
//! `__schema { types { fields { type … } } }`: deeper than any plan query needs, so one depth
//! limit for both would either refuse every tool or let plan queries nest far too deep. The
//! introspection part of a document is instead held to the rules of graphql-java's
//! `GoodFaithIntrospection`: one `__schema` and one `__type` per operation (aliases count), the
//! `__Type` fields `fields`, `inputFields`, `interfaces` and `possibleTypes` once each, at most
//! 500 introspection fields and 20 levels. Those are what stop the cyclic
//! `__schema { types { fields { type { fields { type … } } } } }` attack; everything outside
//! introspection keeps the configured depth limit.
//!
//! Rules go by *field* names, never by aliases or operation and fragment names, so naming an
//! operation or fragment `__schema` (or aliasing a field so) changes nothing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery,
};
use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Name, Response, ServerError, ServerResult, Value, Variables};

/// Most introspection fields in one operation.
const MAX_INTROSPECTION_FIELDS: usize = 500;
/// Deepest nesting within `__schema` or `__type`.
const MAX_INTROSPECTION_DEPTH: usize = 20;
/// Most fields visited with fragments inlined: a bound on the walk itself (fragments that
/// spread each other twice at every level would otherwise expand exponentially).
const MAX_VISITS: usize = 20_000;
/// `__Type` fields that may appear once per operation.
const ONCE: [&str; 4] = ["fields", "inputFields", "interfaces", "possibleTypes"];

/// The schema extension that enforces the depth limit and good-faith introspection.
pub struct DocumentRules {
    /// Deepest nesting outside introspection.
    pub max_depth: usize,
}

impl ExtensionFactory for DocumentRules {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Rules {
            max_depth: self.max_depth,
            document: Mutex::new(None),
        })
    }
}

struct Rules {
    max_depth: usize,
    /// The request's document, kept to put the response's keys in selection order.
    document: Mutex<Option<ExecutableDocument>>,
}

#[async_trait::async_trait]
impl Extension for Rules {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        check(&document, self.max_depth).map_err(|message| ServerError::new(message, None))?;
        if let Ok(mut kept) = self.document.lock() {
            *kept = Some(document.clone());
        }
        Ok(document)
    }

    /// async-graphql resolves the fields of a query concurrently and collects them in the
    /// order they finish; the specification wants the order of the selection set.
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut response = next.run(ctx, operation_name).await;
        let document = self.document.lock().ok().and_then(|mut d| d.take());
        if let Some(document) = document {
            in_selection_order(&mut response.data, &document, operation_name);
        }
        response
    }
}

/// Reorders the keys of `data`'s objects to follow the selection sets of the operation
/// `operation_name` of `document` that produced it (fragments flattened); keys the selection
/// does not name (none, normally) go last. Objects already in order (most of them: fields that
/// finish at once finish in order) are left as they are.
pub fn in_selection_order(
    data: &mut Value,
    document: &ExecutableDocument,
    operation_name: Option<&str>,
) {
    let operation = document
        .operations
        .iter()
        .find(|(name, _)| match operation_name {
            Some(wanted) => name.is_some_and(|n| n.as_str() == wanted),
            None => true,
        });
    if let Some((_, operation)) = operation {
        let shape = Shape::of(&[&operation.node.selection_set.node], document);
        shape.order(data, document);
    }
}

/// The response keys at one place of the response, each with the shape below it (worked out
/// once per place, not once per object: a list of 29 actions shares one).
struct Shape<'a> {
    keys: Vec<(Name, Vec<&'a SelectionSet>)>,
    below: Vec<std::cell::OnceCell<Shape<'a>>>,
}

impl<'a> Shape<'a> {
    fn of(sets: &[&'a SelectionSet], document: &'a ExecutableDocument) -> Self {
        let mut keys: Vec<(Name, Vec<&SelectionSet>)> = Vec::new();
        for set in sets {
            collect_keys(set, document, &mut keys, &mut Vec::new());
        }
        let below = keys.iter().map(|_| std::cell::OnceCell::new()).collect();
        Shape { keys, below }
    }

    fn child(&self, index: usize, document: &'a ExecutableDocument) -> &Shape<'a> {
        self.below[index].get_or_init(|| Shape::of(&self.keys[index].1, document))
    }

    fn position(&self, key: &Name) -> Option<usize> {
        self.keys.iter().position(|(k, _)| k == key)
    }

    fn order(&self, value: &mut Value, document: &'a ExecutableDocument) {
        match value {
            Value::List(items) => {
                for item in items {
                    self.order(item, document);
                }
            }
            Value::Object(map) => {
                let mut expected = self.keys.iter();
                let in_order = map.keys().all(|k| expected.any(|(name, _)| name == k));
                if in_order {
                    for (key, child) in map.iter_mut() {
                        if let Some(index) = self.position(key) {
                            self.child(index, document).order(child, document);
                        }
                    }
                    return;
                }
                let mut old = std::mem::take(map);
                let mut ordered = IndexMap::with_capacity(old.len());
                for (index, (key, _)) in self.keys.iter().enumerate() {
                    if let Some(mut child) = old.shift_remove(key) {
                        self.child(index, document).order(&mut child, document);
                        ordered.insert(key.clone(), child);
                    }
                }
                ordered.extend(old);
                *map = ordered;
            }
            _ => {}
        }
    }
}

/// The response keys of `set` in order, each with the selection sets below it.
fn collect_keys<'a>(
    set: &'a SelectionSet,
    document: &'a ExecutableDocument,
    keys: &mut Vec<(Name, Vec<&'a SelectionSet>)>,
    expanding: &mut Vec<&'a str>,
) {
    for item in &set.items {
        match &item.node {
            Selection::Field(field) => {
                let field = &field.node;
                let key = field.response_key().node.clone();
                let children = &field.selection_set.node;
                match keys.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, sets)) => sets.push(children),
                    None => keys.push((key, vec![children])),
                }
            }
            Selection::InlineFragment(fragment) => {
                collect_keys(&fragment.node.selection_set.node, document, keys, expanding);
            }
            Selection::FragmentSpread(spread) => {
                let name = spread.node.fragment_name.node.as_str();
                if expanding.contains(&name) {
                    continue;
                }
                if let Some(fragment) = document.fragments.get(&spread.node.fragment_name.node) {
                    expanding.push(name);
                    collect_keys(&fragment.node.selection_set.node, document, keys, expanding);
                    expanding.pop();
                }
            }
        }
    }
}

/// Checks every operation of `document`; the error is the message for the client.
pub fn check(document: &ExecutableDocument, max_depth: usize) -> Result<(), String> {
    for (_, operation) in document.operations.iter() {
        let mut walk = Walk {
            document,
            max_depth,
            expanding: Vec::new(),
            roots: HashMap::new(),
            once: HashMap::new(),
            introspection_fields: 0,
            visits: 0,
        };
        walk.set(&operation.node.selection_set.node, 0, None)?;
    }
    Ok(())
}

struct Walk<'a> {
    document: &'a ExecutableDocument,
    max_depth: usize,
    /// Fragments being expanded (a cycle is left to validation, which refuses it).
    expanding: Vec<&'a str>,
    roots: HashMap<&'a str, usize>,
    once: HashMap<&'a str, usize>,
    introspection_fields: usize,
    visits: usize,
}

impl<'a> Walk<'a> {
    /// Walks `set` at `depth` (fields above it); `intro` is the depth within introspection.
    fn set(
        &mut self,
        set: &'a SelectionSet,
        depth: usize,
        intro: Option<usize>,
    ) -> Result<(), String> {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    self.visits += 1;
                    if self.visits > MAX_VISITS {
                        return Err("Query is too large.".to_owned());
                    }
                    let field = &field.node;
                    let name = field.name.node.as_str();
                    let children = &field.selection_set.node;
                    match intro {
                        None if name == "__schema" || name == "__type" => {
                            let seen = self.roots.entry(name).or_insert(0);
                            *seen += 1;
                            if *seen > 1 {
                                return Err(format!(
                                    "An operation may ask for {name} once (good-faith introspection)."
                                ));
                            }
                            self.count_introspection()?;
                            self.set(children, depth + 1, Some(1))?;
                        }
                        None => {
                            if depth + 1 > self.max_depth {
                                return Err("Query is nested too deep.".to_owned());
                            }
                            self.set(children, depth + 1, None)?;
                        }
                        Some(level) => {
                            self.count_introspection()?;
                            if level + 1 > MAX_INTROSPECTION_DEPTH {
                                return Err(format!(
                                    "Introspection is nested deeper than {MAX_INTROSPECTION_DEPTH} levels (good-faith introspection)."
                                ));
                            }
                            if ONCE.contains(&name) {
                                let seen = self.once.entry(name).or_insert(0);
                                *seen += 1;
                                if *seen > 1 {
                                    return Err(format!(
                                        "An introspection query may ask for {name} once (good-faith introspection)."
                                    ));
                                }
                            }
                            self.set(children, depth + 1, Some(level + 1))?;
                        }
                    }
                }
                Selection::InlineFragment(fragment) => {
                    self.set(&fragment.node.selection_set.node, depth, intro)?;
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    if self.expanding.contains(&name) {
                        continue;
                    }
                    let Some(fragment) =
                        self.document.fragments.get(&spread.node.fragment_name.node)
                    else {
                        continue;
                    };
                    self.expanding.push(name);
                    self.set(&fragment.node.selection_set.node, depth, intro)?;
                    self.expanding.pop();
                }
            }
        }
        Ok(())
    }

    fn count_introspection(&mut self) -> Result<(), String> {
        self.introspection_fields += 1;
        if self.introspection_fields > MAX_INTROSPECTION_FIELDS {
            return Err(format!(
                "Introspection asks for more than {MAX_INTROSPECTION_FIELDS} fields (good-faith introspection)."
            ));
        }
        Ok(())
    }
}

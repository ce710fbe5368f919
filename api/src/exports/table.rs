//! One download as a table: named columns and rows of typed cells, written as CSV (RFC 4180,
//! UTF-8, a header row) or as JSON (an object per row). Both writers go straight from the
//! cells to bytes, with no intermediate document tree.

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq};

/// How several values share one CSV cell (codes never contain it).
pub const LIST_SEPARATOR: &str = "|";

/// One value of a row.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Text or a code.
    Text(String),
    /// A whole number.
    Int(i64),
    /// An exact decimal, kept as its decimal string (JSON writes it as a string too, so no
    /// reader turns an amount into a float).
    Decimal(String),
    /// Yes or no.
    Bool(bool),
    /// Nothing (unknown, not applicable).
    Null,
    /// Several codes or links.
    List(Vec<String>),
}

impl Cell {
    /// A text cell.
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// A text cell, or null.
    pub fn opt(s: Option<impl Into<String>>) -> Cell {
        s.map_or(Cell::Null, |s| Cell::Text(s.into()))
    }

    fn csv(&self) -> String {
        match self {
            Cell::Text(s) | Cell::Decimal(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Bool(b) => b.to_string(),
            Cell::Null => String::new(),
            Cell::List(items) => items.join(LIST_SEPARATOR),
        }
    }
}

impl Serialize for Cell {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Text(v) | Cell::Decimal(v) => s.serialize_str(v),
            Cell::Int(n) => s.serialize_i64(*n),
            Cell::Bool(b) => s.serialize_bool(*b),
            Cell::Null => s.serialize_none(),
            Cell::List(items) => items.serialize(s),
        }
    }
}

/// A download's content.
#[derive(Clone, Debug)]
pub struct Table {
    /// Column names (stable, English, snake case: the same in every language).
    pub columns: &'static [&'static str],
    /// The rows, each with one cell per column.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// An empty table with these columns.
    pub fn new(columns: &'static [&'static str]) -> Table {
        Table {
            columns,
            rows: Vec::new(),
        }
    }

    /// Adds a row; debug builds check that it has one cell per column.
    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns.len(), "{:?}", self.columns);
        self.rows.push(row);
    }

    /// The table as CSV: RFC 4180 (CRLF line ends, fields quoted when needed), UTF-8 without
    /// a byte-order mark, a header row, then one row per record.
    pub fn to_csv(&self) -> Result<Vec<u8>, csv::Error> {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        w.write_record(self.columns)?;
        for row in &self.rows {
            w.write_record(row.iter().map(Cell::csv))?;
        }
        w.into_inner().map_err(|e| e.into_error().into())
    }

    /// The table as JSON: `{ "dataset", "plan", "language", "columns", "records": [{…}] }`.
    pub fn to_json(&self, meta: &JsonMeta<'_>) -> Result<Vec<u8>, serde_json::Error> {
        serde_json::to_vec(&JsonDoc { table: self, meta })
    }
}

/// What a JSON download says about itself.
pub struct JsonMeta<'a> {
    /// The download's name (`actions`).
    pub dataset: &'a str,
    /// The plan's code.
    pub plan: &'a str,
    /// Language of the texts.
    pub language: &'a str,
    /// Extra entries (for the annual report: whether it is published).
    pub extra: Vec<(&'static str, serde_json::Value)>,
}

struct JsonDoc<'a> {
    table: &'a Table,
    meta: &'a JsonMeta<'a>,
}

struct Records<'a>(&'a Table);
struct Record<'a>(&'static [&'static str], &'a [Cell]);

impl Serialize for JsonDoc<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("dataset", self.meta.dataset)?;
        map.serialize_entry("plan", self.meta.plan)?;
        map.serialize_entry("language", self.meta.language)?;
        for (k, v) in &self.meta.extra {
            map.serialize_entry(k, v)?;
        }
        map.serialize_entry("columns", self.table.columns)?;
        map.serialize_entry("records", &Records(self.table))?;
        map.end()
    }
}

impl Serialize for Records<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.rows.len()))?;
        for row in &self.0.rows {
            seq.serialize_element(&Record(self.0.columns, row))?;
        }
        seq.end()
    }
}

impl Serialize for Record<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0.iter().zip(self.1) {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_quoting_and_ends_lines_with_crlf() {
        let mut t = Table::new(&["code", "text", "codes", "amount", "n", "flag", "none"]);
        t.push(vec![
            Cell::text("LE1.1"),
            Cell::text("a \"quoted\", text\nover two lines"),
            Cell::List(vec!["08019".into(), "08101".into()]),
            Cell::Decimal("1234567.89".into()),
            Cell::Int(3),
            Cell::Bool(true),
            Cell::Null,
        ]);
        let csv = String::from_utf8(t.to_csv().unwrap_or_default()).unwrap_or_default();
        assert_eq!(
            csv,
            "code,text,codes,amount,n,flag,none\r\nLE1.1,\"a \"\"quoted\"\", text\nover two lines\",08019|08101,1234567.89,3,true,\r\n"
        );
        let json = t
            .to_json(&JsonMeta {
                dataset: "x",
                plan: "P",
                language: "ca",
                extra: vec![],
            })
            .unwrap_or_default();
        let v: serde_json::Value = serde_json::from_slice(&json).unwrap_or_default();
        assert_eq!(v["records"][0]["amount"], "1234567.89");
        assert_eq!(v["records"][0]["codes"][1], "08101");
        assert_eq!(v["records"][0]["none"], serde_json::Value::Null);
    }
}

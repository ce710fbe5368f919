//! One download as rows of typed cells under named columns, written as CSV (RFC 4180, UTF-8, a
//! header row) or as JSON (an object per row) straight into the chunks of a streamed body, with
//! no intermediate document tree and never the whole body in memory.

use axum::body::Bytes;
use serde::Serialize;
use serde::ser::SerializeMap;
use tokio::sync::mpsc;

use crate::error::ApiError;

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

/// What a column holds: the type of its cells and, through [`super::datapackage`], its field
/// in the download's Table Schema. One definition serves the header row, the cells and the
/// schema, so that the schema cannot say other than what the CSV holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A stable code or identifier, kept as text (INE codes keep their leading zero).
    Code,
    /// Text in the download's language.
    Text,
    /// One of a closed set of stored values (`IN_PROGRESS`).
    OneOf(&'static [&'static str]),
    /// A whole number.
    Integer,
    /// A whole percentage, 0 to 100.
    Percent,
    /// A calendar year.
    Year,
    /// An exact decimal, `.` before the fraction, no grouping, no exponent.
    Decimal,
    /// `true` or `false`.
    Bool,
    /// An ISO 8601 date (`2024-05-31`).
    Date,
    /// An RFC 3339 date and time.
    DateTime,
    /// Several texts in one cell, joined by [`LIST_SEPARATOR`].
    List,
}

/// One column of a download.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    /// The column's name: the CSV header and the JSON key.
    pub name: &'static str,
    /// What its cells hold.
    pub kind: Kind,
    /// Whether every row has a value (never null, never empty).
    pub required: bool,
    /// Whether no two rows share a value (nulls aside).
    pub unique: bool,
    /// Whether it is (part of) the download's primary key.
    pub key: bool,
}

impl Column {
    /// An optional column of `kind`.
    pub const fn new(name: &'static str, kind: Kind) -> Column {
        Column {
            name,
            kind,
            required: false,
            unique: false,
            key: false,
        }
    }

    /// The same column, never null.
    pub const fn required(self) -> Column {
        Column {
            required: true,
            ..self
        }
    }

    /// The same column, with no value twice.
    pub const fn unique(self) -> Column {
        Column {
            unique: true,
            ..self
        }
    }

    /// The same column as (part of) the primary key, so never null.
    pub const fn key(self) -> Column {
        Column {
            key: true,
            required: true,
            ..self
        }
    }

    /// Whether `cell` is a value of this column: its type, its range or set, and null (or an
    /// empty text) only where the column is not required.
    pub fn holds(&self, cell: &Cell) -> bool {
        match (self.kind, cell) {
            (_, Cell::Null) => !self.required,
            (Kind::Code | Kind::Text | Kind::Date | Kind::DateTime, Cell::Text(s)) => {
                !(self.required && s.is_empty())
            }
            (Kind::OneOf(values), Cell::Text(s)) => values.contains(&s.as_str()),
            (Kind::Integer, Cell::Int(_)) => true,
            (Kind::Percent, Cell::Int(n)) => (0..=100).contains(n),
            (Kind::Year, Cell::Int(n)) => (0..=9999).contains(n),
            (Kind::Decimal, Cell::Decimal(_)) | (Kind::Bool, Cell::Bool(_)) => true,
            (Kind::List, Cell::List(items)) => !(self.required && items.is_empty()),
            _ => false,
        }
    }
}

/// The format of a download.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// RFC 4180 CSV with a header row.
    Csv,
    /// `{ "dataset", "plan", "language", "columns", "records": [{…}] }`.
    Json,
}

/// One piece of a download's body, or why the body stops short.
pub type Chunk = Result<Bytes, StreamError>;

/// Why a download's body stops before its end (the client sees an aborted transfer, which no
/// cache keeps).
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    /// Published content changed while the rows were read: the body would not match its tag.
    #[error("the published content changed while the download was read")]
    Moved,
    /// Reading the rows failed (logged where it happened).
    #[error("the download could not be read")]
    Failed,
}

/// Once this many bytes are waiting, they are sent as one chunk.
pub const CHUNK: usize = 16 * 1024;

/// A download being written: rows go into CSV or JSON bytes as they come, and every
/// [`CHUNK`] bytes are sent down `tx` to the response body, which waits (back-pressure) when the
/// client reads slowly. Nothing keeps the whole body in memory.
pub struct Sink {
    format: Format,
    chunk: usize,
    /// `dataset`, `plan`, `language` and any extra entries of a JSON download's head.
    head: Vec<(&'static str, serde_json::Value)>,
    columns: Vec<Column>,
    buf: Vec<u8>,
    rows: usize,
    started: bool,
    tx: mpsc::Sender<Chunk>,
}

impl Sink {
    /// A sink for `format`; the JSON head starts with `head`. Chunks are about `chunk` bytes.
    pub fn new(
        format: Format,
        head: Vec<(&'static str, serde_json::Value)>,
        chunk: usize,
        tx: mpsc::Sender<Chunk>,
    ) -> Sink {
        Sink {
            format,
            chunk,
            head,
            columns: Vec::new(),
            buf: Vec::with_capacity(chunk + 1024),
            rows: 0,
            started: false,
            tx,
        }
    }

    /// Adds an entry to the JSON head (for the annual report: whether it is published); call
    /// it before [`Sink::start`]. CSV has no place for it.
    pub fn extra(&mut self, key: &'static str, value: serde_json::Value) {
        self.head.push((key, value));
    }

    /// Writes the header row (CSV) or the head up to `"records":[` (JSON).
    pub fn start(&mut self, columns: Vec<Column>) -> Result<(), ApiError> {
        let names: Vec<&'static str> = columns.iter().map(|c| c.name).collect();
        self.columns = columns;
        self.started = true;
        match self.format {
            Format::Csv => self.csv_record(names.into_iter()),
            Format::Json => {
                self.buf.push(b'{');
                for (k, v) in &self.head {
                    serde_json::to_writer(&mut self.buf, k).map_err(json_error)?;
                    self.buf.push(b':');
                    serde_json::to_writer(&mut self.buf, v).map_err(json_error)?;
                    self.buf.push(b',');
                }
                self.buf.extend_from_slice(b"\"columns\":");
                serde_json::to_writer(&mut self.buf, &names).map_err(json_error)?;
                self.buf.extend_from_slice(b",\"records\":[");
                Ok(())
            }
        }
    }

    /// Writes one row (one cell per column) and sends a chunk when enough has gathered.
    pub async fn push(&mut self, row: Vec<Cell>) -> Result<(), ApiError> {
        // What the schema declares is checked on every cell that any test writes.
        debug_assert_eq!(row.len(), self.columns.len(), "{:?}", self.columns);
        debug_assert!(
            self.columns.iter().zip(&row).all(|(c, v)| c.holds(v)),
            "a cell outside its column: {:?}",
            self.columns.iter().zip(&row).find(|(c, v)| !c.holds(v))
        );
        match self.format {
            Format::Csv => {
                let cells: Vec<String> = row.iter().map(Cell::csv).collect();
                self.csv_record(cells.iter().map(String::as_str))?;
            }
            Format::Json => {
                if self.rows > 0 {
                    self.buf.push(b',');
                }
                serde_json::to_writer(&mut self.buf, &Record(&self.columns, &row))
                    .map_err(json_error)?;
            }
        }
        self.rows += 1;
        if self.buf.len() >= self.chunk {
            let chunk = Bytes::from(std::mem::take(&mut self.buf));
            self.buf.reserve(self.chunk + 1024);
            // A closed channel: the client went away. Stop reading.
            self.tx
                .send(Ok(chunk))
                .await
                .map_err(|_| ApiError::Unavailable)?;
        }
        Ok(())
    }

    /// The rest of the body (the JSON closing brackets included), not sent yet: the caller
    /// sends it once it knows the content did not change while the rows were read.
    pub fn finish(mut self) -> Result<Bytes, ApiError> {
        if !self.started {
            return Err(ApiError::Internal);
        }
        if self.format == Format::Json {
            self.buf.extend_from_slice(b"]}");
        }
        Ok(Bytes::from(self.buf))
    }

    fn csv_record<'a>(&mut self, fields: impl Iterator<Item = &'a str>) -> Result<(), ApiError> {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .has_headers(false)
            .buffer_capacity(1024)
            .from_writer(&mut self.buf);
        w.write_record(fields)
            .and_then(|()| w.flush().map_err(csv::Error::from))
            .map_err(|e| {
                tracing::error!(error = %e, "writing CSV");
                ApiError::Internal
            })
    }
}

fn json_error(e: serde_json::Error) -> ApiError {
    tracing::error!(error = %e, "writing JSON");
    ApiError::Internal
}

struct Record<'a>(&'a [Column], &'a [Cell]);

impl Serialize for Record<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0.iter().zip(self.1) {
            map.serialize_entry(k.name, v)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn collect(format: Format, chunk: usize, rows: &[Vec<Cell>]) -> (Vec<Bytes>, String) {
        let (tx, mut rx) = mpsc::channel(64);
        let head = vec![
            ("dataset", serde_json::json!("x")),
            ("plan", serde_json::json!("P")),
        ];
        let mut sink = Sink::new(format, head, chunk, tx);
        sink.extra("year", serde_json::json!(2024));
        const COLUMNS: &[Column] = &[
            Column::new("code", Kind::Code).key(),
            Column::new("text", Kind::Text),
            Column::new("codes", Kind::List),
            Column::new("amount", Kind::Decimal),
            Column::new("n", Kind::Integer),
            Column::new("flag", Kind::Bool),
            Column::new("none", Kind::Date),
        ];
        sink.start(COLUMNS.to_vec()).unwrap_or_default();
        for row in rows {
            sink.push(row.clone()).await.unwrap_or_default();
        }
        let rest = sink.finish().unwrap_or_default();
        let mut chunks = Vec::new();
        rx.close();
        while let Some(Ok(c)) = rx.recv().await {
            chunks.push(c);
        }
        chunks.push(rest);
        let all: Vec<u8> = chunks.iter().flat_map(|c| c.to_vec()).collect();
        (chunks, String::from_utf8(all).unwrap_or_default())
    }

    fn row() -> Vec<Cell> {
        vec![
            Cell::text("LE1.1"),
            Cell::text("a \"quoted\", text\nover two lines"),
            Cell::List(vec!["08019".into(), "08101".into()]),
            Cell::Decimal("1234567.89".into()),
            Cell::Int(3),
            Cell::Bool(true),
            Cell::Null,
        ]
    }

    #[tokio::test]
    async fn csv_quotes_what_needs_quoting_and_ends_lines_with_crlf() {
        let (_, csv) = collect(Format::Csv, CHUNK, &[row()]).await;
        assert_eq!(
            csv,
            "code,text,codes,amount,n,flag,none\r\nLE1.1,\"a \"\"quoted\"\", text\nover two lines\",08019|08101,1234567.89,3,true,\r\n"
        );
        let (_, json) = collect(Format::Json, CHUNK, &[row(), row()]).await;
        let v: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(v["dataset"], "x");
        assert_eq!(v["year"], 2024);
        assert_eq!(v["columns"][3], "amount");
        assert_eq!(v["records"][1]["amount"], "1234567.89");
        assert_eq!(v["records"][0]["codes"][1], "08101");
        assert_eq!(v["records"][0]["none"], serde_json::Value::Null);
        let (_, empty) = collect(Format::Json, CHUNK, &[]).await;
        let v: serde_json::Value = serde_json::from_str(&empty).unwrap_or_default();
        assert_eq!(v["records"], serde_json::json!([]));
    }

    #[test]
    fn a_column_holds_only_cells_of_its_kind() {
        let status = Column::new("status", Kind::OneOf(&["OPEN", "CLOSED"])).required();
        assert!(status.holds(&Cell::text("OPEN")));
        assert!(!status.holds(&Cell::text("open")));
        assert!(!status.holds(&Cell::Null));
        let code = Column::new("code", Kind::Code).key();
        assert!(!code.holds(&Cell::text("")), "a key is never empty");
        assert!(!code.holds(&Cell::Int(8101)), "a code is text");
        let percent = Column::new("percent", Kind::Percent);
        assert!(percent.holds(&Cell::Int(100)) && !percent.holds(&Cell::Int(101)));
        assert!(percent.holds(&Cell::Null));
        let amount = Column::new("amount", Kind::Decimal).required();
        assert!(amount.holds(&Cell::Decimal("0.10".into())));
        assert!(!amount.holds(&Cell::Int(1)));
        let list = Column::new("codes", Kind::List);
        assert!(list.holds(&Cell::List(vec![])) && !list.holds(&Cell::text("a|b")));
    }

    #[tokio::test]
    async fn rows_leave_in_chunks_as_they_are_written() {
        let rows = vec![row(); 100];
        for format in [Format::Csv, Format::Json] {
            let (chunks, whole) = collect(format, 512, &rows).await;
            assert!(chunks.len() > 10, "{format:?}: {} chunks", chunks.len());
            assert!(chunks.iter().all(|c| c.len() < 512 + 200));
            let (one, same) = collect(format, CHUNK, &rows).await;
            assert_eq!(one.len(), 1);
            assert_eq!(whole, same, "chunking changes no byte");
        }
    }
}

//! Relay cursor pagination: opaque cursors, `first`/`after`, `totalCount`, a capped page size.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{OutputType, SimpleObject};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::ApiError;

/// Page size when `first` is omitted.
pub const DEFAULT_PAGE_SIZE: u64 = 20;
/// The largest `first` accepted.
pub const MAX_PAGE_SIZE: u64 = 100;

/// Which slice of a list to return.
#[derive(Clone, Copy, Debug)]
pub struct Page {
    /// Items to skip.
    pub offset: u64,
    /// Items to return.
    pub limit: u64,
}

/// Validates `first` and `after` (a cursor from an earlier page).
pub fn page(first: Option<i32>, after: Option<&str>) -> Result<Page, ApiError> {
    let limit = match first {
        None => DEFAULT_PAGE_SIZE,
        Some(n) if n < 0 => {
            return Err(ApiError::bad_input("first", "first must not be negative"));
        }
        Some(n) if n as u64 > MAX_PAGE_SIZE => {
            return Err(ApiError::bad_input(
                "first",
                format!("first must be at most {MAX_PAGE_SIZE}"),
            ));
        }
        Some(n) => n as u64,
    };
    let offset = match after {
        None => 0,
        Some(cursor) => decode_cursor(cursor)
            .map(|position| position + 1)
            .ok_or_else(|| {
                ApiError::bad_input("after", format!("{cursor:?} is not a valid cursor"))
            })?,
    };
    Ok(Page { offset, limit })
}

fn encode_cursor(position: u64) -> String {
    URL_SAFE_NO_PAD.encode(format!("offset:{position}"))
}

fn decode_cursor(cursor: &str) -> Option<u64> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    String::from_utf8(bytes)
        .ok()?
        .strip_prefix("offset:")?
        .parse()
        .ok()
}

/// Fields every connection has besides `edges`, `nodes` and `pageInfo`.
#[derive(SimpleObject)]
pub struct ConnectionFields {
    /// Number of items matching, across all pages.
    pub total_count: u64,
}

/// The connection for `items`, the page `page` of `total` matching items.
pub fn connection<T: OutputType>(
    items: Vec<T>,
    page: Page,
    total: u64,
) -> Connection<String, T, ConnectionFields> {
    let end = page.offset + items.len() as u64;
    let mut conn = Connection::with_additional_fields(
        page.offset > 0,
        end < total,
        ConnectionFields { total_count: total },
    );
    conn.edges.extend(
        items
            .into_iter()
            .enumerate()
            .map(|(i, item)| Edge::new(encode_cursor(page.offset + i as u64), item)),
    );
    conn
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_bad_input_is_refused() {
        assert_eq!(decode_cursor(&encode_cursor(41)), Some(41));
        assert_eq!(
            page(Some(5), Some(&encode_cursor(9)))
                .map(|p| p.offset)
                .ok(),
            Some(10)
        );
        assert!(page(Some(-1), None).is_err());
        assert!(page(Some(101), None).is_err());
        assert!(page(None, Some("nope")).is_err());
    }
}

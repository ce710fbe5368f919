//! Relay cursor pagination: opaque cursors, `first`/`after`, `totalCount`, a capped page size.

use async_graphql::SimpleObject;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::ApiError;

/// Page size when `first` is omitted.
pub const DEFAULT_PAGE_SIZE: u64 = 20;
/// The largest `first` accepted unless configured otherwise (`PLAN_API_MAX_PAGE_SIZE`).
pub const MAX_PAGE_SIZE: u64 = 100;

/// The largest cap an instance may configure: list costs assume no page above it.
pub const PAGE_SIZE_CEILING: u64 = 1000;

/// The page size cap of one app instance, from its configuration. It travels as schema data
/// (see `graphql::build_schema`), so instances with different caps never share it.
#[derive(Clone, Copy, Debug)]
pub struct PageCap(pub u64);

impl Default for PageCap {
    fn default() -> Self {
        Self(MAX_PAGE_SIZE)
    }
}

/// Which slice of a list to return.
#[derive(Clone, Copy, Debug)]
pub struct Page {
    /// Items to skip.
    pub offset: u64,
    /// Items to return.
    pub limit: u64,
}

/// Validates `first` against the instance's cap: the page size asked for, the default when
/// omitted.
pub fn page_size(cap: PageCap, first: Option<i32>) -> Result<u64, ApiError> {
    match first {
        None => Ok(DEFAULT_PAGE_SIZE.min(cap.0)),
        Some(n) if n < 0 => Err(ApiError::bad_input("first", "first must not be negative")),
        Some(n) if n as u64 > cap.0 => Err(ApiError::bad_input(
            "first",
            format!("first must be at most {}", cap.0),
        )),
        Some(n) => Ok(n as u64),
    }
}

/// Validates `first` and `after` (a cursor from an earlier page).
pub fn page(cap: PageCap, first: Option<i32>, after: Option<&str>) -> Result<Page, ApiError> {
    let limit = page_size(cap, first)?;
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

/// Relay's page information.
#[derive(SimpleObject)]
pub struct PageInfo {
    /// Whether there are items after this page.
    pub has_next_page: bool,
    /// Whether there are items before this page.
    pub has_previous_page: bool,
    /// Cursor of the first item of the page.
    pub start_cursor: Option<String>,
    /// Cursor of the last item of the page.
    pub end_cursor: Option<String>,
}

/// The edges, page information and total count of one page of `items`, the page `page` of
/// `total` matching items.
pub fn paginate<T>(items: Vec<T>, page: Page, total: u64) -> (Vec<(String, T)>, PageInfo) {
    let end = page.offset + items.len() as u64;
    let edges: Vec<(String, T)> = items
        .into_iter()
        .enumerate()
        .map(|(i, item)| (encode_cursor(page.offset + i as u64), item))
        .collect();
    let info = PageInfo {
        has_next_page: end < total,
        has_previous_page: page.offset > 0,
        start_cursor: edges.first().map(|(c, _)| c.clone()),
        end_cursor: edges.last().map(|(c, _)| c.clone()),
    };
    (edges, info)
}

/// Declares a Relay connection type and its edge type for a node type.
#[macro_export]
macro_rules! connection {
    ($conn:ident, $edge:ident, $node:ty, $conn_doc:literal, $edge_doc:literal) => {
        #[doc = $conn_doc]
        pub struct $conn {
            edges: Vec<$edge>,
            page_info: $crate::pagination::PageInfo,
            total_count: u64,
        }

        impl $conn {
            /// One page of `items` out of `total`.
            pub fn new(items: Vec<$node>, page: $crate::pagination::Page, total: u64) -> Self {
                let (edges, page_info) = $crate::pagination::paginate(items, page, total);
                Self {
                    edges: edges
                        .into_iter()
                        .map(|(cursor, node)| $edge { cursor, node })
                        .collect(),
                    page_info,
                    total_count: total,
                }
            }
        }

        #[doc = $conn_doc]
        #[async_graphql::Object]
        impl $conn {
            /// The items of this page, each with its cursor.
            async fn edges(&self) -> &[$edge] {
                &self.edges
            }
            /// The items of this page.
            async fn nodes(&self) -> Vec<&$node> {
                self.edges.iter().map(|e| &e.node).collect()
            }
            /// Where this page lies in the list.
            async fn page_info(&self) -> &$crate::pagination::PageInfo {
                &self.page_info
            }
            /// Number of items matching, across all pages.
            async fn total_count(&self) -> u64 {
                self.total_count
            }
        }

        #[doc = $edge_doc]
        pub struct $edge {
            cursor: String,
            node: $node,
        }

        #[doc = $edge_doc]
        #[async_graphql::Object]
        impl $edge {
            /// Opaque cursor of the item, for `after`.
            async fn cursor(&self) -> &str {
                &self.cursor
            }
            /// The item.
            async fn node(&self) -> &$node {
                &self.node
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The field and message of a `BAD_USER_INPUT` error (failing the test on anything else).
    fn bad_input<T: std::fmt::Debug>(result: Result<T, ApiError>) -> (String, String) {
        match result {
            Err(ApiError::BadUserInput { field, message }) => (field, message),
            other => panic!("not BAD_USER_INPUT: {other:?}"),
        }
    }

    #[test]
    fn cursors_round_trip_and_bad_input_is_refused() {
        assert_eq!(decode_cursor(&encode_cursor(41)), Some(41));
        let cap = PageCap::default();
        assert_eq!(
            page(cap, Some(5), Some(&encode_cursor(9)))
                .map(|p| (p.offset, p.limit))
                .ok(),
            Some((10, 5))
        );
        for (first, after, field, message) in [
            (Some(-1), None, "first", "first must not be negative"),
            (Some(101), None, "first", "first must be at most 100"),
            (
                None,
                Some("nope"),
                "after",
                "\"nope\" is not a valid cursor",
            ),
        ] {
            assert_eq!(
                bad_input(page(cap, first, after)),
                (field.to_owned(), message.to_owned()),
                "{first:?} {after:?}"
            );
        }
    }

    #[test]
    fn the_cap_is_the_instances_own() {
        assert_eq!(page_size(PageCap(500), Some(300)).ok(), Some(300));
        assert_eq!(
            bad_input(page_size(PageCap(100), Some(300))),
            ("first".to_owned(), "first must be at most 100".to_owned())
        );
        // A cap below the default shortens the default page too.
        assert_eq!(page_size(PageCap(5), None).ok(), Some(5));
    }
}

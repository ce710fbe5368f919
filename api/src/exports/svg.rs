//! Small inline SVG bar charts for the report page: no script, no external resource, and a
//! text alternative (`<title>`, `<desc>` listing every value) read by screen readers and
//! shown by the page's caption.

use std::fmt::Write;

/// One bar: its label, its length as a share of the axis (0-1), and the value as written.
pub struct Bar {
    /// The category (`LE1`, `FEDER`, an indicator's code).
    pub label: String,
    /// Length, clamped to 0-1.
    pub share: f64,
    /// The value as the reader should read it (exact amounts, "45 %").
    pub value: String,
}

/// Escapes text for HTML and SVG content and attributes.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A horizontal bar chart with id `id`: `title` names it, and its description lists every bar
/// (or says `empty` when there are none).
pub fn bar_chart(id: &str, title: &str, bars: &[Bar], empty: &str) -> String {
    const WIDTH: f64 = 640.0;
    const LABEL: f64 = 150.0;
    const VALUE: f64 = 150.0;
    const ROW: f64 = 26.0;
    let desc = if bars.is_empty() {
        empty.to_owned()
    } else {
        bars.iter()
            .map(|b| format!("{}: {}", b.label, b.value))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let height = (bars.len().max(1) as f64) * ROW + 12.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" id="{id}" role="img" aria-labelledby="{id}-title {id}-desc" viewBox="0 0 {WIDTH} {height}" width="100%" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        esc(title),
        esc(&desc)
    );
    if bars.is_empty() {
        let _ = write!(
            s,
            r##"<text x="8" y="24" font-size="14" fill="#444">{}</text>"##,
            esc(empty)
        );
    }
    let track = WIDTH - LABEL - VALUE;
    for (i, b) in bars.iter().enumerate() {
        let y = 6.0 + i as f64 * ROW;
        let len = (b.share.clamp(0.0, 1.0) * track).max(1.0);
        let _ = write!(
            s,
            r##"<text x="{tx}" y="{ty}" font-size="13" text-anchor="end" fill="#222">{label}</text><rect x="{LABEL}" y="{y}" width="{track}" height="18" fill="#e8ecef"/><rect class="bar" x="{LABEL}" y="{y}" width="{len:.1}" height="18" fill="#1f5f8b"/><text x="{vx}" y="{ty}" font-size="13" fill="#222">{value}</text>"##,
            tx = LABEL - 8.0,
            ty = y + 14.0,
            vx = LABEL + track + 8.0,
            label = esc(&b.label),
            value = esc(&b.value),
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_describes_every_bar_and_escapes_text() {
        let svg = bar_chart(
            "c",
            "A & B",
            &[Bar {
                label: "<LE1>".into(),
                share: 2.0,
                value: "45 %".into(),
            }],
            "none",
        );
        assert!(svg.contains("<title id=\"c-title\">A &amp; B</title>"));
        assert!(svg.contains("<desc id=\"c-desc\">&lt;LE1&gt;: 45 %</desc>"));
        assert!(svg.contains("width=\"340.0\""), "{svg}");
        assert!(bar_chart("e", "t", &[], "no data").contains(">no data</text>"));
    }
}

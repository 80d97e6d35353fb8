//! The `namespace.name` references in a model's SQL, outside comments,
//! string literals and quoted identifiers: what [`render`] replaces and
//! [`mentioned`] lists. A small lexer, not a parser: logical names are
//! written unquoted and lowercase (`docs/warehouse.md`), so this is enough.
//! Dollar-quoted bodies (`DO $$ … $$`) are scanned like the rest: they are
//! SQL the model runs.

use std::collections::BTreeSet;

/// The engine's logical namespaces a model may read.
pub const ENGINE_NAMESPACES: [&str; 4] = ["changed", "mirror", "scd2", "affected"];

/// The namespaces [`render`] replaces (`mirror.*` is a real schema).
const RENDERED: [&str; 3] = ["changed", "scd2", "affected"];

/// A keyword after which `schema.name (` is a table with a column list, not
/// a function call.
const TABLE_KEYWORDS: [&str; 6] = ["INTO", "TABLE", "ON", "REFERENCES", "EXISTS", "ONLY"];

/// One `namespace.name` in code.
#[derive(Debug)]
struct Reference<'a> {
    /// Byte range of `namespace.name` in the SQL.
    start: usize,
    end: usize,
    namespace: &'a str,
    name: &'a str,
    /// Followed by `(` and not after a table keyword: a function call.
    call: bool,
    /// After `::`: a type, not a table.
    cast: bool,
}

/// Replaces each `changed.<name>`, `scd2.<name>` and `affected.<name>` in
/// code with `resolve(namespace, name)` where it gives one; everything else
/// is kept byte for byte.
pub fn render(sql: &str, resolve: impl Fn(&str, &str) -> Option<String>) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut copied = 0;
    for reference in references(sql) {
        if !RENDERED.contains(&reference.namespace) {
            continue;
        }
        if let Some(relation) = resolve(reference.namespace, reference.name) {
            out.push_str(&sql[copied..reference.start]);
            out.push_str(&relation);
            copied = reference.end;
        }
    }
    out.push_str(&sql[copied..]);
    out
}

/// Every engine name (`changed.*`, `mirror.*`, `scd2.*`, `affected.*`) the
/// SQL mentions, and every `schema.table` whose schema is in `schemas`
/// (function calls and `::` casts aside), as `namespace.name`.
pub fn mentioned(sql: &str, schemas: &[&str]) -> BTreeSet<String> {
    references(sql)
        .into_iter()
        .filter(|r| {
            !r.call
                && !r.cast
                && (ENGINE_NAMESPACES.contains(&r.namespace) || schemas.contains(&r.namespace))
        })
        .map(|r| format!("{}.{}", r.namespace, r.name))
        .collect()
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

fn is_word_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

/// Every `word.word` in code, in order.
fn references(sql: &str) -> Vec<Reference<'_>> {
    let bytes = sql.as_bytes();
    let mut found = Vec::new();
    // The last word seen in code, for the table keywords.
    let mut last_word: &str = "";
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        if b == b'-' && next == Some(b'-') {
            i = bytes[i..]
                .iter()
                .position(|&c| c == b'\n')
                .map_or(bytes.len(), |n| i + n);
        } else if b == b'/' && next == Some(b'*') {
            i = skip_block_comment(bytes, i);
        } else if b == b'\'' {
            // E'…' strings take backslash escapes.
            let escapes = i > 0
                && matches!(bytes[i - 1], b'e' | b'E')
                && (i < 2 || !is_word_byte(bytes[i - 2]));
            i = skip_quoted(bytes, i, b'\'', escapes);
        } else if b == b'"' {
            i = skip_quoted(bytes, i, b'"', false);
        } else if is_word_byte(b) {
            let start = i;
            i = word_end(bytes, i);
            let word = &sql[start..i];
            let qualified_before = start > 0 && matches!(bytes[start - 1], b'.' | b'"');
            if is_word_start(b)
                && !qualified_before
                && bytes.get(i) == Some(&b'.')
                && bytes.get(i + 1).copied().is_some_and(is_word_start)
            {
                let name_start = i + 1;
                let end = word_end(bytes, name_start);
                let after = bytes[end..]
                    .iter()
                    .position(|c| !c.is_ascii_whitespace())
                    .map(|n| bytes[end + n]);
                found.push(Reference {
                    start,
                    end,
                    namespace: word,
                    name: &sql[name_start..end],
                    call: after == Some(b'(')
                        && !TABLE_KEYWORDS
                            .iter()
                            .any(|k| k.eq_ignore_ascii_case(last_word)),
                    cast: sql[..start].trim_end().ends_with("::"),
                });
                i = end;
            }
            last_word = word;
        } else {
            i += 1;
        }
    }
    found
}

fn word_end(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && is_word_byte(bytes[i]) {
        i += 1;
    }
    i
}

/// Past a `/* … */` comment starting at `start` (they nest in PostgreSQL).
fn skip_block_comment(bytes: &[u8], start: usize) -> usize {
    let mut depth = 0usize;
    let mut i = start;
    while i < bytes.len() {
        match (bytes[i], bytes.get(i + 1)) {
            (b'/', Some(b'*')) => {
                depth += 1;
                i += 2;
            }
            (b'*', Some(b'/')) => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return i;
                }
            }
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Past a quoted run opened by `quote` at `start` (a doubled quote stays
/// inside; with `escapes`, so does a backslash-escaped character).
fn skip_quoted(bytes: &[u8], start: usize, quote: u8, escapes: bool) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        let b = bytes[i];
        if escapes && b == b'\\' {
            i += 2;
        } else if b == quote {
            if bytes.get(i + 1) == Some(&quote) {
                i += 2;
            } else {
                return i + 1;
            }
        } else {
            i += 1;
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(namespace: &str, name: &str) -> Option<String> {
        (name != "skip").then(|| format!("{namespace}_{name}"))
    }

    #[test]
    fn render_replaces_whole_names_only() {
        assert_eq!(
            render("SELECT * FROM changed.a JOIN changed.ab USING (id)", temp),
            "SELECT * FROM changed_a JOIN changed_ab USING (id)"
        );
        assert_eq!(
            render(
                "xchanged.a, changed_x.a, t.changed.a, \"q\".changed.a",
                temp
            ),
            "xchanged.a, changed_x.a, t.changed.a, \"q\".changed.a"
        );
        assert_eq!(
            render(
                "(changed.a),changed.a.col;scd2.customer\naffected.invoice",
                temp
            ),
            "(changed_a),changed_a.col;scd2_customer\naffected_invoice"
        );
        assert_eq!(
            render("mirror.a, dw.t, changed.skip", temp),
            "mirror.a, dw.t, changed.skip"
        );
        assert_eq!(render("", temp), "");
        assert_eq!(render("changed.a", temp), "changed_a");
        assert_eq!(render("café changed.é", temp), "café changed_é");
    }

    #[test]
    fn render_leaves_strings_comments_and_quoted_identifiers_alone() {
        let sql = "SELECT 'changed.a', 'it''s changed.a', E'\\' changed.a', \"changed.a\"\n\
                   -- reads changed.a\n/* changed.a /* nested */ changed.a */ changed.a";
        assert_eq!(
            render(sql, temp),
            "SELECT 'changed.a', 'it''s changed.a', E'\\' changed.a', \"changed.a\"\n\
             -- reads changed.a\n/* changed.a /* nested */ changed.a */ changed_a"
        );
        // A DO body is code.
        assert_eq!(
            render("DO $$ BEGIN DELETE FROM changed.a; END $$;", temp),
            "DO $$ BEGIN DELETE FROM changed_a; END $$;"
        );
        // An unterminated literal swallows the rest, as PostgreSQL would.
        assert_eq!(render("'changed.a", temp), "'changed.a");
    }

    #[test]
    fn mentioned_lists_engine_names_and_tables_of_the_given_schemas() {
        let sql = "-- reads: changed.ignored\n\
                   INSERT INTO dw.fact_sales (a, b)\n\
                   SELECT l.a, dw.date_key(i.d), x::dw.money_type, 'dw.not_this'\n\
                   FROM changed.invoice_line l JOIN mirror.invoice i USING (invoice_id)\n\
                   JOIN dw.dim_track t ON t.id = l.id JOIN other.t o ON true\n\
                   WHERE (l.a) IN (SELECT a FROM affected.invoice) AND scd2.customer.x = 1";
        let names: Vec<String> = mentioned(sql, &["dw"]).into_iter().collect();
        assert_eq!(
            names,
            [
                "affected.invoice",
                "changed.invoice_line",
                "dw.dim_track",
                "dw.fact_sales",
                "mirror.invoice",
                "scd2.customer",
            ]
        );
        assert!(mentioned("CREATE TABLE IF NOT EXISTS dw.x(a int)", &["dw"]).contains("dw.x"));
        assert!(mentioned("SELECT dw.f(1)", &["dw"]).is_empty());
        assert!(mentioned("SELECT dw.t.a FROM dw.t", &[]).is_empty());
    }
}

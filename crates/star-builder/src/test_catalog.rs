//! A catalog for unit tests, which have no database to read one from.

use starlift_domain::catalog::{Catalog, Column, ColumnType, ForeignKey, LoadMode, Table};

/// Chinook's catalog as its DDL declares it (the columns of the tables
/// these tests render in full; key columns elsewhere), built by hand:
/// unit tests have no database to read it from.
pub(crate) fn chinook() -> Catalog {
    use ColumnType::{Integer, Numeric, Text, Timestamp};
    let money = Numeric {
        precision: Some(10),
        scale: Some(2),
    };
    let table = |name: &str,
                 columns: &[(&str, ColumnType, bool)],
                 key: &[&str],
                 parents: &[(&str, &str)]| Table {
        schema: "chinook".into(),
        name: name.into(),
        columns: columns
            .iter()
            .map(|(c, ty, nullable)| Column {
                name: (*c).into(),
                ty: *ty,
                nullable: *nullable,
                has_default: false,
            })
            .collect(),
        primary_key: key.iter().map(|k| (*k).into()).collect(),
        foreign_keys: parents
            .iter()
            .map(|(column, parent)| ForeignKey {
                name: format!("{name}_{column}_fkey"),
                columns: vec![(*column).into()],
                references: (*parent).into(),
                referenced_columns: vec![(*column).into()],
            })
            .collect(),
        checks: Vec::new(),
        mode: LoadMode::Upsert,
        aliases: Vec::new(),
    };
    let id = |c: &'static str| (c, Integer, false);
    Catalog::new(
        "chinook".into(),
        vec![
            table("artist", &[id("artist_id")], &["artist_id"], &[]),
            table(
                "album",
                &[id("album_id"), id("artist_id")],
                &["album_id"],
                &[("artist_id", "artist")],
            ),
            table("genre", &[id("genre_id")], &["genre_id"], &[]),
            table(
                "media_type",
                &[id("media_type_id")],
                &["media_type_id"],
                &[],
            ),
            table(
                "track",
                &[
                    id("track_id"),
                    id("album_id"),
                    id("genre_id"),
                    id("media_type_id"),
                ],
                &["track_id"],
                &[
                    ("album_id", "album"),
                    ("genre_id", "genre"),
                    ("media_type_id", "media_type"),
                ],
            ),
            table("playlist", &[id("playlist_id")], &["playlist_id"], &[]),
            table(
                "playlist_track",
                &[id("playlist_id"), id("track_id")],
                &["playlist_id", "track_id"],
                &[("playlist_id", "playlist"), ("track_id", "track")],
            ),
            table("employee", &[id("employee_id")], &["employee_id"], &[]),
            table(
                "customer",
                &[
                    id("customer_id"),
                    ("first_name", Text, false),
                    ("last_name", Text, false),
                    ("company", Text, true),
                    ("address", Text, true),
                    ("city", Text, true),
                    ("state", Text, true),
                    ("country", Text, true),
                    ("postal_code", Text, true),
                    ("phone", Text, true),
                    ("fax", Text, true),
                    ("email", Text, false),
                    ("support_rep_id", Integer, true),
                ],
                &["customer_id"],
                &[("support_rep_id", "employee")],
            ),
            table(
                "invoice",
                &[
                    id("invoice_id"),
                    id("customer_id"),
                    ("invoice_date", Timestamp, false),
                    ("billing_address", Text, true),
                    ("billing_city", Text, true),
                    ("billing_state", Text, true),
                    ("billing_country", Text, true),
                    ("billing_postal_code", Text, true),
                    ("total", money, false),
                ],
                &["invoice_id"],
                &[("customer_id", "customer")],
            ),
            table(
                "invoice_line",
                &[
                    id("invoice_line_id"),
                    id("invoice_id"),
                    id("track_id"),
                    ("unit_price", money, false),
                    id("quantity"),
                ],
                &["invoice_line_id"],
                &[("invoice_id", "invoice"), ("track_id", "track")],
            ),
        ],
    )
    .unwrap()
}

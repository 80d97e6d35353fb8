//! What the fuzz targets share: the Chinook pack's tables, built by hand as
//! the unit tests of `crates/domain` build theirs (the loader reads them
//! from PostgreSQL at cold start; a fuzz target has no database), and the
//! pack's own CSV defaults.

use starlift_domain::catalog::{Catalog, Column, ColumnType, LoadMode, Table};
use starlift_domain::pack::Pack;

/// The drop zone the loader serves by default.
pub const INCOMING: &str = "incoming/";

/// `(name, type, nullable)` of each data column, as `sql/chinook/oltp`
/// declares it (`load_batch_id` is the engine's, not a file's).
type Columns = &'static [(&'static str, ColumnType, bool)];

const MONEY: ColumnType = ColumnType::Numeric {
    precision: Some(10),
    scale: Some(2),
};

const TABLES: &[(&str, Columns, &[&str])] = {
    use ColumnType::{BigInt, Integer, Text, Timestamp};
    &[
        (
            "artist",
            &[("artist_id", Integer, false), ("name", Text, true)],
            &["artist_id"],
        ),
        (
            "album",
            &[
                ("album_id", Integer, false),
                ("title", Text, false),
                ("artist_id", Integer, false),
            ],
            &["album_id"],
        ),
        (
            "genre",
            &[("genre_id", Integer, false), ("name", Text, true)],
            &["genre_id"],
        ),
        (
            "media_type",
            &[("media_type_id", Integer, false), ("name", Text, true)],
            &["media_type_id"],
        ),
        (
            "track",
            &[
                ("track_id", Integer, false),
                ("name", Text, false),
                ("album_id", Integer, true),
                ("media_type_id", Integer, false),
                ("genre_id", Integer, true),
                ("composer", Text, true),
                ("milliseconds", Integer, false),
                ("bytes", BigInt, true),
                ("unit_price", MONEY, false),
            ],
            &["track_id"],
        ),
        (
            "playlist",
            &[("playlist_id", Integer, false), ("name", Text, true)],
            &["playlist_id"],
        ),
        (
            "playlist_track",
            &[
                ("playlist_id", Integer, false),
                ("track_id", Integer, false),
            ],
            &["playlist_id", "track_id"],
        ),
        (
            "employee",
            &[
                ("employee_id", Integer, false),
                ("last_name", Text, false),
                ("first_name", Text, false),
                ("title", Text, true),
                ("reports_to", Integer, true),
                ("birth_date", Timestamp, true),
                ("hire_date", Timestamp, true),
                ("address", Text, true),
                ("city", Text, true),
                ("state", Text, true),
                ("country", Text, true),
                ("postal_code", Text, true),
                ("phone", Text, true),
                ("fax", Text, true),
                ("email", Text, true),
            ],
            &["employee_id"],
        ),
        (
            "customer",
            &[
                ("customer_id", Integer, false),
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
        ),
        (
            "invoice",
            &[
                ("invoice_id", Integer, false),
                ("customer_id", Integer, false),
                ("invoice_date", Timestamp, false),
                ("billing_address", Text, true),
                ("billing_city", Text, true),
                ("billing_state", Text, true),
                ("billing_country", Text, true),
                ("billing_postal_code", Text, true),
                ("total", MONEY, false),
            ],
            &["invoice_id"],
        ),
        (
            "invoice_line",
            &[
                ("invoice_line_id", Integer, false),
                ("invoice_id", Integer, false),
                ("track_id", Integer, false),
                ("unit_price", MONEY, false),
                ("quantity", Integer, false),
            ],
            &["invoice_line_id"],
        ),
    ]
};

/// The embedded Chinook pack (its schema and CSV defaults).
pub fn pack() -> Pack {
    match Pack::embedded("chinook") {
        Ok(pack) => pack,
        Err(error) => panic!("the embedded chinook pack does not load: {error}"),
    }
}

/// The pack's CSV defaults, read once (a pack parses its manifest and SQL).
pub fn csv_options() -> &'static [(String, String)] {
    static OPTIONS: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    OPTIONS.get_or_init(|| pack().csv_options())
}

/// The Chinook tables, once for the life of the process.
pub fn catalog() -> &'static Catalog {
    static CATALOG: std::sync::OnceLock<&'static Catalog> = std::sync::OnceLock::new();
    CATALOG.get_or_init(chinook_catalog)
}

/// The Chinook tables, for the life of the process.
fn chinook_catalog() -> &'static Catalog {
    let schema = pack().schema().to_string();
    let tables = TABLES
        .iter()
        .map(|(name, columns, key)| Table {
            schema: schema.clone(),
            name: (*name).to_string(),
            columns: columns
                .iter()
                .map(|(name, ty, nullable)| Column {
                    name: (*name).to_string(),
                    ty: *ty,
                    nullable: *nullable,
                    has_default: false,
                })
                .collect(),
            primary_key: key.iter().map(|k| (*k).to_string()).collect(),
            foreign_keys: Vec::new(),
            checks: Vec::new(),
            mode: LoadMode::Upsert,
            aliases: Vec::new(),
        })
        .collect();
    match Catalog::new(schema, tables) {
        Ok(catalog) => catalog.leak(),
        Err(error) => panic!("the chinook tables do not make a catalog: {error}"),
    }
}

//! The Chinook CSV layout the generator writes: the eleven files of the
//! official export, their PascalCase headers in column order, the SQL names
//! they load into, value kinds, nullability, keys and foreign keys.
//!
//! This is Chinook's own description, for the generator and its tests only:
//! the loader's catalog comes from the pack's DDL
//! (`sql/chinook/oltp/0001_chinook.sql`), and a test migrates that DDL and
//! checks this layout against the catalog read back from it.
//!
//! Self-contained on purpose: `tests/generate.rs` includes this file too.

/// How a value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `integer`
    Int,
    /// `bigint`
    BigInt,
    /// `text`
    Text,
    /// `numeric(10,2)`, written with exactly two decimals.
    Money,
    /// `timestamp`, written as `YYYY-MM-DD HH:MM:SS`.
    Timestamp,
}

/// One column of a Chinook file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The header in the official layout (PascalCase).
    pub csv_name: &'static str,
    /// The SQL column it loads into (snake_case).
    pub sql_name: &'static str,
    pub kind: Kind,
    pub nullable: bool,
}

/// `column` refers to the single-column primary key of `references`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForeignKey {
    pub column: &'static str,
    pub references: &'static str,
}

/// One Chinook file and the table it loads into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table {
    /// The SQL table (snake_case).
    pub name: &'static str,
    /// The file stem (`InvoiceLine` for `InvoiceLine.csv`).
    pub csv_name: &'static str,
    pub columns: &'static [Column],
    /// SQL names of the primary key columns.
    pub primary_key: &'static [&'static str],
    pub foreign_keys: &'static [ForeignKey],
}

/// The file with this stem.
pub fn table(csv_name: &str) -> Option<&'static Table> {
    TABLES.iter().find(|t| t.csv_name == csv_name)
}

const fn col(csv_name: &'static str, sql_name: &'static str, kind: Kind) -> Column {
    Column {
        csv_name,
        sql_name,
        kind,
        nullable: false,
    }
}

const fn opt(csv_name: &'static str, sql_name: &'static str, kind: Kind) -> Column {
    Column {
        csv_name,
        sql_name,
        kind,
        nullable: true,
    }
}

const fn fk(column: &'static str, references: &'static str) -> ForeignKey {
    ForeignKey { column, references }
}

use Kind::{BigInt, Int, Money, Text, Timestamp};

/// All eleven, parents before children (a self reference aside).
pub static TABLES: &[Table] = &[
    Table {
        name: "artist",
        csv_name: "Artist",
        columns: &[col("ArtistId", "artist_id", Int), opt("Name", "name", Text)],
        primary_key: &["artist_id"],
        foreign_keys: &[],
    },
    Table {
        name: "album",
        csv_name: "Album",
        columns: &[
            col("AlbumId", "album_id", Int),
            col("Title", "title", Text),
            col("ArtistId", "artist_id", Int),
        ],
        primary_key: &["album_id"],
        foreign_keys: &[fk("artist_id", "artist")],
    },
    Table {
        name: "genre",
        csv_name: "Genre",
        columns: &[col("GenreId", "genre_id", Int), opt("Name", "name", Text)],
        primary_key: &["genre_id"],
        foreign_keys: &[],
    },
    Table {
        name: "media_type",
        csv_name: "MediaType",
        columns: &[
            col("MediaTypeId", "media_type_id", Int),
            opt("Name", "name", Text),
        ],
        primary_key: &["media_type_id"],
        foreign_keys: &[],
    },
    Table {
        name: "track",
        csv_name: "Track",
        columns: &[
            col("TrackId", "track_id", Int),
            col("Name", "name", Text),
            opt("AlbumId", "album_id", Int),
            col("MediaTypeId", "media_type_id", Int),
            opt("GenreId", "genre_id", Int),
            opt("Composer", "composer", Text),
            col("Milliseconds", "milliseconds", Int),
            opt("Bytes", "bytes", BigInt),
            col("UnitPrice", "unit_price", Money),
        ],
        primary_key: &["track_id"],
        foreign_keys: &[
            fk("album_id", "album"),
            fk("media_type_id", "media_type"),
            fk("genre_id", "genre"),
        ],
    },
    Table {
        name: "playlist",
        csv_name: "Playlist",
        columns: &[
            col("PlaylistId", "playlist_id", Int),
            opt("Name", "name", Text),
        ],
        primary_key: &["playlist_id"],
        foreign_keys: &[],
    },
    Table {
        name: "playlist_track",
        csv_name: "PlaylistTrack",
        columns: &[
            col("PlaylistId", "playlist_id", Int),
            col("TrackId", "track_id", Int),
        ],
        primary_key: &["playlist_id", "track_id"],
        foreign_keys: &[fk("playlist_id", "playlist"), fk("track_id", "track")],
    },
    Table {
        name: "employee",
        csv_name: "Employee",
        columns: &[
            col("EmployeeId", "employee_id", Int),
            col("LastName", "last_name", Text),
            col("FirstName", "first_name", Text),
            opt("Title", "title", Text),
            opt("ReportsTo", "reports_to", Int),
            opt("BirthDate", "birth_date", Timestamp),
            opt("HireDate", "hire_date", Timestamp),
            opt("Address", "address", Text),
            opt("City", "city", Text),
            opt("State", "state", Text),
            opt("Country", "country", Text),
            opt("PostalCode", "postal_code", Text),
            opt("Phone", "phone", Text),
            opt("Fax", "fax", Text),
            opt("Email", "email", Text),
        ],
        primary_key: &["employee_id"],
        foreign_keys: &[fk("reports_to", "employee")],
    },
    Table {
        name: "customer",
        csv_name: "Customer",
        columns: &[
            col("CustomerId", "customer_id", Int),
            col("FirstName", "first_name", Text),
            col("LastName", "last_name", Text),
            opt("Company", "company", Text),
            opt("Address", "address", Text),
            opt("City", "city", Text),
            opt("State", "state", Text),
            opt("Country", "country", Text),
            opt("PostalCode", "postal_code", Text),
            opt("Phone", "phone", Text),
            opt("Fax", "fax", Text),
            col("Email", "email", Text),
            opt("SupportRepId", "support_rep_id", Int),
        ],
        primary_key: &["customer_id"],
        foreign_keys: &[fk("support_rep_id", "employee")],
    },
    Table {
        name: "invoice",
        csv_name: "Invoice",
        columns: &[
            col("InvoiceId", "invoice_id", Int),
            col("CustomerId", "customer_id", Int),
            col("InvoiceDate", "invoice_date", Timestamp),
            opt("BillingAddress", "billing_address", Text),
            opt("BillingCity", "billing_city", Text),
            opt("BillingState", "billing_state", Text),
            opt("BillingCountry", "billing_country", Text),
            opt("BillingPostalCode", "billing_postal_code", Text),
            col("Total", "total", Money),
        ],
        primary_key: &["invoice_id"],
        foreign_keys: &[fk("customer_id", "customer")],
    },
    Table {
        name: "invoice_line",
        csv_name: "InvoiceLine",
        columns: &[
            col("InvoiceLineId", "invoice_line_id", Int),
            col("InvoiceId", "invoice_id", Int),
            col("TrackId", "track_id", Int),
            col("UnitPrice", "unit_price", Money),
            col("Quantity", "quantity", Int),
        ],
        primary_key: &["invoice_line_id"],
        foreign_keys: &[fk("invoice_id", "invoice"), fk("track_id", "track")],
    },
];

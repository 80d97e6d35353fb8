//! The Chinook table catalog: the single source for CSV and SQL column names,
//! types, nullability, keys and load order. `sql/oltp/0001_chinook.sql` must
//! agree with it; `tests/catalog_schema.rs` checks that against a real server.

use std::collections::BTreeSet;

/// The value type of a column, as validated from CSV and stored in SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnType {
    /// `integer`
    Int,
    /// `bigint`
    BigInt,
    /// `text`
    Text,
    /// `numeric(10,2)`: exact, at most two decimal places.
    Money,
    /// `timestamp` (no time zone)
    Timestamp,
}

impl ColumnType {
    /// The PostgreSQL type name used in DDL and casts.
    pub fn sql_type(self) -> &'static str {
        match self {
            ColumnType::Int => "integer",
            ColumnType::BigInt => "bigint",
            ColumnType::Text => "text",
            ColumnType::Money => "numeric(10,2)",
            ColumnType::Timestamp => "timestamp",
        }
    }
}

/// A value check beyond the type (mirrors the CHECK constraints in SQL).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueCheck {
    /// `>= 0`
    NonNegative,
    /// `> 0`
    Positive,
}

/// One column of a Chinook table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Header name in the official Chinook CSV layout (PascalCase).
    pub csv_name: &'static str,
    /// Column name in SQL (snake_case).
    pub sql_name: &'static str,
    pub ty: ColumnType,
    pub nullable: bool,
    pub check: Option<ValueCheck>,
}

/// A foreign key: `columns` of this table refer to the primary key of `references`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForeignKey {
    pub columns: &'static [&'static str],
    pub references: &'static str,
    pub referenced_columns: &'static [&'static str],
}

/// One Chinook table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table {
    /// SQL name in schema `chinook` (snake_case).
    pub name: &'static str,
    /// File stem in the official layout (`InvoiceLine` for `InvoiceLine.csv`).
    pub csv_name: &'static str,
    pub columns: &'static [Column],
    /// SQL column names of the primary key.
    pub primary_key: &'static [&'static str],
    pub foreign_keys: &'static [ForeignKey],
}

/// The schema holding the Chinook tables in the OLTP database.
pub const OLTP_SCHEMA: &str = "chinook";
/// The column every Chinook row carries: the load that last changed it.
pub const LOAD_BATCH_COLUMN: &str = "load_batch_id";

const fn col(csv_name: &'static str, sql_name: &'static str, ty: ColumnType) -> Column {
    Column {
        csv_name,
        sql_name,
        ty,
        nullable: false,
        check: None,
    }
}
const fn opt(csv_name: &'static str, sql_name: &'static str, ty: ColumnType) -> Column {
    Column {
        csv_name,
        sql_name,
        ty,
        nullable: true,
        check: None,
    }
}
const fn checked(mut column: Column, check: ValueCheck) -> Column {
    column.check = Some(check);
    column
}

use ColumnType::{BigInt, Int, Money, Text, Timestamp};
use ValueCheck::{NonNegative, Positive};

/// All eleven tables, in no particular order; use [`load_order`] for FK order.
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
        foreign_keys: &[ForeignKey {
            columns: &["artist_id"],
            references: "artist",
            referenced_columns: &["artist_id"],
        }],
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
            checked(col("Milliseconds", "milliseconds", Int), NonNegative),
            checked(opt("Bytes", "bytes", BigInt), NonNegative),
            checked(col("UnitPrice", "unit_price", Money), NonNegative),
        ],
        primary_key: &["track_id"],
        foreign_keys: &[
            ForeignKey {
                columns: &["album_id"],
                references: "album",
                referenced_columns: &["album_id"],
            },
            ForeignKey {
                columns: &["media_type_id"],
                references: "media_type",
                referenced_columns: &["media_type_id"],
            },
            ForeignKey {
                columns: &["genre_id"],
                references: "genre",
                referenced_columns: &["genre_id"],
            },
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
        foreign_keys: &[
            ForeignKey {
                columns: &["playlist_id"],
                references: "playlist",
                referenced_columns: &["playlist_id"],
            },
            ForeignKey {
                columns: &["track_id"],
                references: "track",
                referenced_columns: &["track_id"],
            },
        ],
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
        foreign_keys: &[ForeignKey {
            columns: &["reports_to"],
            references: "employee",
            referenced_columns: &["employee_id"],
        }],
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
        foreign_keys: &[ForeignKey {
            columns: &["support_rep_id"],
            references: "employee",
            referenced_columns: &["employee_id"],
        }],
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
            checked(col("Total", "total", Money), NonNegative),
        ],
        primary_key: &["invoice_id"],
        foreign_keys: &[ForeignKey {
            columns: &["customer_id"],
            references: "customer",
            referenced_columns: &["customer_id"],
        }],
    },
    Table {
        name: "invoice_line",
        csv_name: "InvoiceLine",
        columns: &[
            col("InvoiceLineId", "invoice_line_id", Int),
            col("InvoiceId", "invoice_id", Int),
            col("TrackId", "track_id", Int),
            checked(col("UnitPrice", "unit_price", Money), NonNegative),
            checked(col("Quantity", "quantity", Int), Positive),
        ],
        primary_key: &["invoice_line_id"],
        foreign_keys: &[
            ForeignKey {
                columns: &["invoice_id"],
                references: "invoice",
                referenced_columns: &["invoice_id"],
            },
            ForeignKey {
                columns: &["track_id"],
                references: "track",
                referenced_columns: &["track_id"],
            },
        ],
    },
];

/// Normalizes a table name for matching: lower case, `_` and `-` dropped.
pub fn normalize_table_name(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Finds a table by SQL or CSV name, case-insensitively, ignoring `_` and `-`.
pub fn find_table(name: &str) -> Option<&'static Table> {
    let wanted = normalize_table_name(name);
    TABLES.iter().find(|t| {
        normalize_table_name(t.name) == wanted || normalize_table_name(t.csv_name) == wanted
    })
}

/// Finds a table by its exact SQL name.
pub fn table(sql_name: &str) -> Option<&'static Table> {
    TABLES.iter().find(|t| t.name == sql_name)
}

impl Table {
    /// The column with this SQL name.
    pub fn column(&self, sql_name: &str) -> Option<&'static Column> {
        self.columns.iter().find(|c| c.sql_name == sql_name)
    }

    /// Position of a column in [`Table::columns`].
    pub fn column_index(&self, sql_name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.sql_name == sql_name)
    }

    /// Tables this one refers to, other than itself.
    pub fn parents(&self) -> BTreeSet<&'static str> {
        self.foreign_keys
            .iter()
            .map(|fk| fk.references)
            .filter(|r| *r != self.name)
            .collect()
    }

    /// Whether a foreign key refers back to this table (Employee.ReportsTo).
    pub fn is_self_referencing(&self) -> bool {
        self.foreign_keys
            .iter()
            .any(|fk| fk.references == self.name)
    }

    /// `chinook.<name>`
    pub fn qualified_name(&self) -> String {
        format!("{OLTP_SCHEMA}.{}", self.name)
    }
}

/// The tables in foreign-key order (parents before children), derived from the
/// foreign keys; self references do not constrain the order. Ties keep the
/// order of [`TABLES`], so the result is deterministic.
pub fn load_order() -> Vec<&'static Table> {
    let mut ordered: Vec<&'static Table> = Vec::with_capacity(TABLES.len());
    let mut placed: BTreeSet<&'static str> = BTreeSet::new();
    while ordered.len() < TABLES.len() {
        let next = TABLES
            .iter()
            .find(|t| !placed.contains(t.name) && t.parents().iter().all(|p| placed.contains(p)));
        match next {
            Some(table) => {
                placed.insert(table.name);
                ordered.push(table);
            }
            // A cycle across tables: not in Chinook; keep the rest in catalog order
            // rather than loop forever. `tests` assert the order is complete.
            None => {
                ordered.extend(TABLES.iter().filter(|t| !placed.contains(t.name)));
                break;
            }
        }
    }
    ordered
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_order_puts_parents_first() {
        let order: Vec<&str> = load_order().iter().map(|t| t.name).collect();
        assert_eq!(order.len(), 11);
        for table in TABLES {
            let pos = order.iter().position(|n| *n == table.name).unwrap();
            for parent in table.parents() {
                let parent_pos = order.iter().position(|n| *n == parent).unwrap();
                assert!(parent_pos < pos, "{parent} must load before {}", table.name);
            }
        }
        assert!(table("employee").unwrap().is_self_referencing());
    }

    #[test]
    fn every_key_column_exists() {
        for table in TABLES {
            for pk in table.primary_key {
                assert!(table.column(pk).is_some(), "{}.{pk}", table.name);
                assert!(!table.column(pk).unwrap().nullable);
            }
            for fk in table.foreign_keys {
                let target = super::table(fk.references).unwrap();
                assert_eq!(fk.columns.len(), fk.referenced_columns.len());
                for (c, r) in fk.columns.iter().zip(fk.referenced_columns) {
                    assert!(table.column(c).is_some(), "{}.{c}", table.name);
                    assert_eq!(
                        target.primary_key, fk.referenced_columns,
                        "FKs point at primary keys"
                    );
                    assert_eq!(table.column(c).unwrap().ty, target.column(r).unwrap().ty);
                }
            }
        }
    }

    #[test]
    fn table_names_match_loosely() {
        assert_eq!(find_table("InvoiceLine").unwrap().name, "invoice_line");
        assert_eq!(find_table("invoice_line").unwrap().name, "invoice_line");
        assert_eq!(find_table("INVOICE-LINE").unwrap().name, "invoice_line");
        assert_eq!(find_table("mediatype").unwrap().name, "media_type");
        assert!(find_table("invoices").is_none());
        assert!(find_table("").is_none());
    }
}

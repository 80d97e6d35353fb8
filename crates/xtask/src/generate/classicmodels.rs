//! The classicmodels CSV layout the generator writes: the eight files of a
//! MySQL export of the classic-cars retailer (`classicmodels`, MySQL's sample
//! database), named after their tables, with the MySQL column names
//! (camelCase) as headers in column order, value kinds, nullability, keys and
//! foreign keys as in the MySQL schema.
//!
//! This is the export's own description, for the generator and its tests
//! only; the loader's catalog comes from the pack's DDL.
//!
//! Self-contained on purpose, like `chinook.rs`: a test can include this
//! file on its own.

/// How a value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `int`
    Int,
    /// `smallint`
    SmallInt,
    /// `varchar` / `text`
    Text,
    /// `decimal(10,2)`, written with exactly two decimals.
    Money,
    /// `date`, written as `YYYY-MM-DD`.
    Date,
}

/// One column of a classicmodels file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The MySQL column name, which is also the header.
    pub name: &'static str,
    pub kind: Kind,
    pub nullable: bool,
}

/// `column` refers to the single-column primary key of `references`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForeignKey {
    pub column: &'static str,
    pub references: &'static str,
}

/// One table and its file (`<name>.csv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table {
    /// The MySQL table name (lower case), also the file stem.
    pub name: &'static str,
    pub columns: &'static [Column],
    pub primary_key: &'static [&'static str],
    pub foreign_keys: &'static [ForeignKey],
}

impl Table {
    /// Position of the column with this name.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }
}

/// The table with this name.
pub fn table(name: &str) -> Option<&'static Table> {
    TABLES.iter().find(|t| t.name == name)
}

const fn col(name: &'static str, kind: Kind) -> Column {
    Column {
        name,
        kind,
        nullable: false,
    }
}

const fn opt(name: &'static str, kind: Kind) -> Column {
    Column {
        name,
        kind,
        nullable: true,
    }
}

const fn fk(column: &'static str, references: &'static str) -> ForeignKey {
    ForeignKey { column, references }
}

use Kind::{Date, Int, Money, SmallInt, Text};

/// All eight, parents before children (a self reference aside).
pub static TABLES: &[Table] = &[
    Table {
        name: "productlines",
        columns: &[
            col("productLine", Text),
            opt("textDescription", Text),
            opt("htmlDescription", Text),
            opt("image", Text),
        ],
        primary_key: &["productLine"],
        foreign_keys: &[],
    },
    Table {
        name: "products",
        columns: &[
            col("productCode", Text),
            col("productName", Text),
            col("productLine", Text),
            col("productScale", Text),
            col("productVendor", Text),
            col("productDescription", Text),
            col("quantityInStock", SmallInt),
            col("buyPrice", Money),
            col("MSRP", Money),
        ],
        primary_key: &["productCode"],
        foreign_keys: &[fk("productLine", "productlines")],
    },
    Table {
        name: "offices",
        columns: &[
            col("officeCode", Text),
            col("city", Text),
            col("phone", Text),
            col("addressLine1", Text),
            opt("addressLine2", Text),
            opt("state", Text),
            col("country", Text),
            col("postalCode", Text),
            col("territory", Text),
        ],
        primary_key: &["officeCode"],
        foreign_keys: &[],
    },
    Table {
        name: "employees",
        columns: &[
            col("employeeNumber", Int),
            col("lastName", Text),
            col("firstName", Text),
            col("extension", Text),
            col("email", Text),
            col("officeCode", Text),
            opt("reportsTo", Int),
            col("jobTitle", Text),
        ],
        primary_key: &["employeeNumber"],
        foreign_keys: &[fk("officeCode", "offices"), fk("reportsTo", "employees")],
    },
    Table {
        name: "customers",
        columns: &[
            col("customerNumber", Int),
            col("customerName", Text),
            col("contactLastName", Text),
            col("contactFirstName", Text),
            col("phone", Text),
            col("addressLine1", Text),
            opt("addressLine2", Text),
            col("city", Text),
            opt("state", Text),
            opt("postalCode", Text),
            col("country", Text),
            opt("salesRepEmployeeNumber", Int),
            opt("creditLimit", Money),
        ],
        primary_key: &["customerNumber"],
        foreign_keys: &[fk("salesRepEmployeeNumber", "employees")],
    },
    Table {
        name: "orders",
        columns: &[
            col("orderNumber", Int),
            col("orderDate", Date),
            col("requiredDate", Date),
            opt("shippedDate", Date),
            col("status", Text),
            opt("comments", Text),
            col("customerNumber", Int),
        ],
        primary_key: &["orderNumber"],
        foreign_keys: &[fk("customerNumber", "customers")],
    },
    Table {
        name: "orderdetails",
        columns: &[
            col("orderNumber", Int),
            col("productCode", Text),
            col("quantityOrdered", Int),
            col("priceEach", Money),
            col("orderLineNumber", SmallInt),
        ],
        primary_key: &["orderNumber", "productCode"],
        foreign_keys: &[fk("orderNumber", "orders"), fk("productCode", "products")],
    },
    Table {
        name: "payments",
        columns: &[
            col("customerNumber", Int),
            col("checkNumber", Text),
            col("paymentDate", Date),
            col("amount", Money),
        ],
        primary_key: &["customerNumber", "checkNumber"],
        foreign_keys: &[fk("customerNumber", "customers")],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents_come_first_and_keys_name_columns() {
        for (index, t) in TABLES.iter().enumerate() {
            for key in t.primary_key {
                assert!(t.column_index(key).is_some(), "{}.{key}", t.name);
            }
            for fk in t.foreign_keys {
                assert!(t.column_index(fk.column).is_some());
                let parent = table(fk.references).unwrap();
                assert_eq!(parent.primary_key.len(), 1);
                assert!(
                    TABLES[..=index].iter().any(|p| p.name == fk.references),
                    "{} before {}",
                    fk.references,
                    t.name
                );
            }
        }
    }
}

//! The warehouse declarations of `dataset.toml`: `[scd2.*]`, `[facts.*]` and
//! `[[tests]]`.

use std::collections::BTreeMap;

/// `[scd2.<dimension>]`: an SCD type 2 dimension the engine keeps the
/// history of.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scd2 {
    /// The OLTP table.
    pub source: String,
    /// The natural key; the source's primary key when absent.
    pub key: Option<Vec<String>>,
    /// Columns whose change opens a new version.
    pub tracked: Vec<String>,
    /// Columns overwritten in every version (taken from the current row).
    #[serde(default)]
    pub type1: Vec<String>,
    /// The dimension table the pack's model writes from `scd2.<dimension>`.
    pub table: Option<String>,
}

/// `[facts.<fact>]`: a fact whose rows are replaced per grain key.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fact {
    /// The grain key's column names (as `affected.<fact>` has them).
    pub grain: Vec<String>,
    /// The fact tables replaced per grain key (`dw.fact_sales`).
    pub tables: Vec<String>,
    /// OLTP table → its columns holding the grain key, in `grain`'s order.
    pub sources: BTreeMap<String, Vec<String>>,
    /// The column of every table in `tables` that partitions its Parquet
    /// export Hive-style (`year=YYYY/month=MM`): a date, a timestamp or an
    /// integer `YYYYMMDD` date key. Without it the fact is exported as one
    /// unpartitioned table (crates/lakehouse).
    #[serde(default)]
    pub partition_by: Option<String>,
}

/// One `[[tests]]` entry: a generic data-quality test on a warehouse table.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(try_from = "RawTest")]
pub struct TestDecl {
    /// The check's name; see [`TestDecl::check_name`].
    pub name: Option<String>,
    /// The tested table, `schema.table`.
    pub table: String,
    /// `where`: SQL restricting the rows tested.
    pub filter: Option<String>,
    pub kind: TestKind,
}

/// What a generic test asserts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TestKind {
    /// No two rows share these columns' values.
    Unique(Vec<String>),
    /// None of these columns is NULL.
    NotNull(Vec<String>),
    /// Every non-NULL `column` value is a `field` value of `to`.
    Relationships(Relationship),
    /// Every non-NULL `column` value, as text, is one of `values`.
    AcceptedValues(AcceptedValues),
    /// This SQL boolean holds on every row.
    Expression(String),
}

/// `relationships = { column, to, field }`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Relationship {
    pub column: String,
    /// The referenced table, `schema.table`.
    pub to: String,
    pub field: String,
}

/// `accepted_values = { column, values }`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptedValues {
    pub column: String,
    pub values: Vec<String>,
}

impl TestKind {
    /// The kind's key in `dataset.toml`.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Unique(_) => "unique",
            Self::NotNull(_) => "not_null",
            Self::Relationships(_) => "relationships",
            Self::AcceptedValues(_) => "accepted_values",
            Self::Expression(_) => "expression",
        }
    }

    /// The columns the test names (none for an expression).
    pub fn columns(&self) -> Vec<&str> {
        match self {
            Self::Unique(columns) | Self::NotNull(columns) => {
                columns.iter().map(String::as_str).collect()
            }
            Self::Relationships(r) => vec![r.column.as_str()],
            Self::AcceptedValues(a) => vec![a.column.as_str()],
            Self::Expression(_) => Vec::new(),
        }
    }
}

impl TestDecl {
    /// `name`, or `<table without schema>__<kind>__<columns joined by _>`
    /// (an expression's words stand in for its columns).
    pub fn check_name(&self) -> String {
        if let Some(name) = &self.name {
            return name.clone();
        }
        let table = self
            .table
            .split_once('.')
            .map_or(self.table.as_str(), |(_, t)| t);
        let columns = match &self.kind {
            TestKind::Expression(sql) => sql
                .split(|c: char| !c.is_alphanumeric() && c != '_')
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase)
                .collect::<Vec<_>>()
                .join("_"),
            kind => kind.columns().join("_"),
        };
        format!("{table}__{}__{columns}", self.kind.label())
    }
}

/// `[[tests]]` as written: every kind optional, so that "none" and "two" get
/// a message of their own.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTest {
    name: Option<String>,
    table: String,
    #[serde(rename = "where")]
    filter: Option<String>,
    unique: Option<Vec<String>>,
    not_null: Option<Vec<String>>,
    relationships: Option<Relationship>,
    accepted_values: Option<AcceptedValues>,
    expression: Option<String>,
}

impl TryFrom<RawTest> for TestDecl {
    type Error = String;

    fn try_from(raw: RawTest) -> Result<Self, String> {
        let at = format!("[[tests]] on {:?}", raw.table);
        let mut kinds = Vec::new();
        if let Some(columns) = raw.unique {
            kinds.push(TestKind::Unique(columns));
        }
        if let Some(columns) = raw.not_null {
            kinds.push(TestKind::NotNull(columns));
        }
        if let Some(r) = raw.relationships {
            kinds.push(TestKind::Relationships(r));
        }
        if let Some(a) = raw.accepted_values {
            kinds.push(TestKind::AcceptedValues(a));
        }
        if let Some(sql) = raw.expression {
            kinds.push(TestKind::Expression(sql));
        }
        const KINDS: &str = "unique, not_null, relationships, accepted_values or expression";
        let kind = match kinds.len() {
            0 => return Err(format!("{at} has no test: give one of {KINDS}")),
            1 => kinds.remove(0),
            _ => {
                let labels: Vec<&str> = kinds.iter().map(TestKind::label).collect();
                return Err(format!(
                    "{at} has {}: one kind per entry (split it into several [[tests]])",
                    labels.join(" and ")
                ));
            }
        };
        let empty = match &kind {
            TestKind::Unique(c) | TestKind::NotNull(c) => c.is_empty(),
            TestKind::AcceptedValues(a) => a.values.is_empty(),
            TestKind::Expression(sql) => sql.trim().is_empty(),
            TestKind::Relationships(_) => false,
        };
        if empty {
            return Err(format!("{at}: {} is empty", kind.label()));
        }
        let blank = |text: &Option<String>| text.as_ref().is_some_and(|t| t.trim().is_empty());
        if raw.table.trim().is_empty() || blank(&raw.name) || blank(&raw.filter) {
            return Err(format!("{at}: table, name and where may not be blank"));
        }
        Ok(Self {
            name: raw.name,
            table: raw.table,
            filter: raw.filter,
            kind,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Tests {
        tests: Vec<TestDecl>,
    }

    fn parse(toml_text: &str) -> Result<Vec<TestDecl>, String> {
        toml::from_str::<Tests>(toml_text)
            .map(|t| t.tests)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn each_kind_parses() {
        let tests = parse(
            r#"
            [[tests]]
            name = "dim_customer_one_current_row"
            table = "dw.dim_customer"
            unique = ["customer_id"]
            where = "is_current"

            [[tests]]
            table = "dw.fact_sales"
            not_null = ["date_key", "customer_key"]

            [[tests]]
            table = "dw.fact_sales"
            relationships = { column = "track_key", to = "dw.dim_track", field = "track_key" }

            [[tests]]
            table = "dw.dim_date"
            accepted_values = { column = "quarter", values = ["1", "2", "3", "4"] }

            [[tests]]
            table = "dw.dim_customer"
            expression = "valid_from < valid_to"
            "#,
        )
        .unwrap();
        assert_eq!(tests.len(), 5);
        assert_eq!(tests[0].filter.as_deref(), Some("is_current"));
        assert_eq!(tests[0].kind, TestKind::Unique(vec!["customer_id".into()]));
        assert_eq!(tests[0].check_name(), "dim_customer_one_current_row");
        assert_eq!(
            tests[1].check_name(),
            "fact_sales__not_null__date_key_customer_key"
        );
        assert_eq!(
            tests[2].kind,
            TestKind::Relationships(Relationship {
                column: "track_key".into(),
                to: "dw.dim_track".into(),
                field: "track_key".into(),
            })
        );
        assert_eq!(
            tests[2].check_name(),
            "fact_sales__relationships__track_key"
        );
        assert_eq!(tests[3].check_name(), "dim_date__accepted_values__quarter");
        assert_eq!(
            tests[4].check_name(),
            "dim_customer__expression__valid_from_valid_to"
        );
    }

    #[test]
    fn none_or_two_kinds_are_refused() {
        let none = parse("[[tests]]\ntable = \"dw.t\"\n").unwrap_err();
        assert!(none.contains("has no test"), "{none}");
        assert!(none.contains("\"dw.t\""), "{none}");
        let two = parse("[[tests]]\ntable = \"dw.t\"\nunique = [\"a\"]\nnot_null = [\"a\"]\n")
            .unwrap_err();
        assert!(two.contains("unique and not_null"), "{two}");
        let unknown = parse("[[tests]]\ntable = \"dw.t\"\nuniq = [\"a\"]\n").unwrap_err();
        assert!(unknown.contains("uniq"), "{unknown}");
        let empty = parse("[[tests]]\ntable = \"dw.t\"\nunique = []\n").unwrap_err();
        assert!(empty.contains("unique is empty"), "{empty}");
        let bad_values = parse(
            "[[tests]]\ntable = \"dw.t\"\naccepted_values = { column = \"q\", values = [1] }\n",
        )
        .unwrap_err();
        assert!(bad_values.contains("string"), "{bad_values}");
    }
}

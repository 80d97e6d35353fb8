//! Where the export puts things in the bucket:
//!
//! ```text
//! warehouse/<dataset>/<table>/_manifest.json                     the table's current files
//! warehouse/<dataset>/<table>/part-<export>-<n>.parquet           a dimension
//! warehouse/<dataset>/<table>/year=YYYY/month=MM/part-<export>-<n>.parquet   a fact
//! ```
//!
//! `<table>` is the dw table's name without its schema. Names starting with
//! `_` are skipped by Athena (Hive) when it lists a prefix.

use crate::decode::Partition;

/// `warehouse/<dataset>/`: everything the export writes.
pub fn dataset_prefix(dataset: &str) -> String {
    format!("warehouse/{dataset}/")
}

/// `warehouse/<dataset>/<table>/`.
pub fn table_prefix(dataset: &str, table: &str) -> String {
    format!("{}{table}/", dataset_prefix(dataset))
}

pub fn manifest_key(dataset: &str, table: &str) -> String {
    format!("{}_manifest.json", table_prefix(dataset, table))
}

/// `year=YYYY/month=MM`.
pub fn partition_path((year, month): Partition) -> String {
    format!("year={year:04}/month={month:02}")
}

/// The prefix of one partition, or of the whole table.
pub fn prefix(dataset: &str, table: &str, partition: Option<Partition>) -> String {
    match partition {
        Some(p) => format!("{}{}/", table_prefix(dataset, table), partition_path(p)),
        None => table_prefix(dataset, table),
    }
}

/// A new data file's key: never one an earlier export used.
pub fn file_key(
    dataset: &str,
    table: &str,
    partition: Option<Partition>,
    export_id: i64,
    n: usize,
) -> String {
    format!(
        "{}part-{export_id}-{n}.parquet",
        prefix(dataset, table, partition)
    )
}

/// The table's name without its schema (`dw.fact_sales` → `fact_sales`).
pub fn short_name(table: &str) -> &str {
    table.split_once('.').map_or(table, |(_, t)| t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        assert_eq!(
            file_key("chinook", "fact_sales", Some((2021, 3)), 7, 0),
            "warehouse/chinook/fact_sales/year=2021/month=03/part-7-0.parquet"
        );
        assert_eq!(
            file_key("chinook", "dim_date", None, 7, 1),
            "warehouse/chinook/dim_date/part-7-1.parquet"
        );
        assert_eq!(
            manifest_key("chinook", "dim_date"),
            "warehouse/chinook/dim_date/_manifest.json"
        );
        assert_eq!(short_name("dw.fact_sales"), "fact_sales");
    }
}

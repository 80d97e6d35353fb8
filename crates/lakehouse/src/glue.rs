//! The Glue catalog's view of a pack's export: per written table its
//! columns as Glue (Hive) types and its partition column. Terraform reads it
//! from `terraform/lakehouse/<pack>.json`, which `tests/glue_schema.rs`
//! keeps equal to what this renders from the pack's migrated dw schema.

use serde::Serialize;
use starlift_domain::pack::Pack;
use tokio_postgres::GenericClient;

use crate::LakehouseError;
use crate::columns;
use crate::export::{partition_column, table_specs};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GlueSchema {
    pub dataset: String,
    /// By table name (without schema), in the pack's order.
    pub tables: Vec<GlueTable>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GlueTable {
    pub name: String,
    /// The PostgreSQL table (`dw.fact_sales`).
    pub source: String,
    /// The column partitioning it (`year`/`month` partition keys), if any.
    pub partition_by: Option<String>,
    pub columns: Vec<GlueColumn>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GlueColumn {
    pub name: String,
    #[serde(rename = "type")]
    pub glue_type: String,
    /// The PostgreSQL type, as a comment.
    pub comment: String,
}

/// Reads the written tables' columns from the migrated OLAP database.
pub async fn schema(
    client: &impl GenericClient,
    pack: &Pack,
) -> Result<GlueSchema, LakehouseError> {
    let mut tables = Vec::new();
    for spec in table_specs(pack)? {
        let columns = columns::read(client, &spec.table).await?;
        if let Some(name) = &spec.partition_by {
            partition_column(&spec.table, &columns, name)?;
        }
        tables.push(GlueTable {
            name: spec.short_name().to_string(),
            source: spec.table.clone(),
            partition_by: spec.partition_by.clone(),
            columns: columns
                .iter()
                .map(|c| GlueColumn {
                    name: c.name.clone(),
                    glue_type: c.kind.glue(),
                    comment: format!("PostgreSQL {}", c.pg_type),
                })
                .collect(),
        });
    }
    Ok(GlueSchema {
        dataset: pack.name().to_string(),
        tables,
    })
}

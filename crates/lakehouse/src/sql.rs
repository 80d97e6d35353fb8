//! `sql/engine/lakehouse/export.sql`, split once.

use std::sync::LazyLock;

use starlift_domain::sql::{TemplateError, named_statements};

static EXPORT: LazyLock<Vec<(&'static str, String)>> =
    LazyLock::new(|| named_statements(include_str!("../../../sql/engine/lakehouse/export.sql")));

/// The named statement of `export.sql`.
pub(crate) fn statement(name: &str) -> Result<&'static str, TemplateError> {
    starlift_domain::sql::statement(&EXPORT, name)
}

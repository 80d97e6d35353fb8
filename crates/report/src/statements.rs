//! The engine's report statements (`sql/engine/report/report.sql`), split
//! once.

use std::sync::LazyLock;

use starlift_domain::sql::{named_statements, statement};

use crate::ReportError;

const FILE: &str = include_str!("../../../sql/engine/report/report.sql");

static STATEMENTS: LazyLock<Vec<(&'static str, String)>> = LazyLock::new(|| named_statements(FILE));

/// The statements of `report.sql`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Statement {
    AnalyticsColumns,
    Build,
    Dq,
    LastLoad,
}

impl Statement {
    fn name(self) -> &'static str {
        match self {
            Self::AnalyticsColumns => "analytics_columns",
            Self::Build => "build",
            Self::Dq => "dq",
            Self::LastLoad => "last_load",
        }
    }
}

/// The SQL of `statement`.
pub fn sql(statement_: Statement) -> Result<&'static str, ReportError> {
    Ok(statement(&STATEMENTS, statement_.name())?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_statement_is_in_the_file() {
        let all = [
            Statement::AnalyticsColumns,
            Statement::Build,
            Statement::Dq,
            Statement::LastLoad,
        ];
        for s in all {
            assert!(sql(s).is_ok(), "{s:?}");
        }
        assert_eq!(STATEMENTS.len(), all.len());
    }
}

//! `dashboard.toml`: a pack's dashboard (docs/dashboards.md). Parsing checks
//! the shape (every kind has the columns it draws, ids are unique, names
//! are plain identifiers); [`crate::data::check_columns`] checks the views
//! and columns against the database.

use std::collections::BTreeMap;

use serde::Deserialize;

/// A pack's dashboard.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dashboard {
    /// The report's heading.
    pub title: String,
    /// One line under it.
    #[serde(default)]
    pub description: Option<String>,
    /// The unit of every `money` value (ISO 4217: `USD`, `EUR`, …).
    #[serde(default = "default_currency")]
    pub currency: String,
    /// KPI tiles, on top, in order.
    #[serde(default, rename = "kpi")]
    pub kpis: Vec<Kpi>,
    /// Charts, in order.
    #[serde(default, rename = "chart")]
    pub charts: Vec<Chart>,
}

fn default_currency() -> String {
    "USD".to_string()
}

/// One KPI tile: the first row's `column` of an analytics view.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kpi {
    pub label: String,
    pub view: String,
    pub column: String,
    #[serde(default)]
    pub format: Format,
}

/// One chart over one analytics view.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chart {
    /// Unique in the dashboard; the chart's HTML id.
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    pub kind: Kind,
    /// A view of the `analytics` schema.
    pub view: String,
    /// The category: the x axis (line, bar), the bar's label (ranked_bar),
    /// the slice (share), the heatmap's column.
    #[serde(default)]
    pub x: Option<String>,
    /// The heatmap's row.
    #[serde(default)]
    pub row: Option<String>,
    /// The value columns: one series each (line, bar, stacked_bar), the
    /// value (ranked_bar, share, heatmap: exactly one).
    #[serde(default)]
    pub y: Vec<String>,
    /// More columns for the data table (a table chart's only columns).
    #[serde(default)]
    pub columns: Vec<String>,
    /// `column` or `column desc`, in order; the rows come in this order.
    #[serde(default)]
    pub order_by: Vec<String>,
    #[serde(default)]
    pub limit: Option<u32>,
    /// How the `y` values read.
    #[serde(default)]
    pub format: Format,
    /// How other columns read, by column.
    #[serde(default)]
    pub formats: BTreeMap<String, Format>,
    /// Axis titles; the column names by default.
    #[serde(default)]
    pub x_label: Option<String>,
    #[serde(default)]
    pub y_label: Option<String>,
}

/// What a chart draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Lines over `x` (time), one per `y`.
    Line,
    /// Vertical bars per `x`; several `y` are grouped side by side.
    Bar,
    /// Vertical bars per `x`, the `y` stacked.
    StackedBar,
    /// Horizontal bars, first row on top.
    RankedBar,
    /// A donut of `y` per `x`.
    Share,
    /// A grid of `row` × `x`, coloured by `y`.
    Heatmap,
    /// The rows as a table.
    Table,
}

/// How a value reads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// As the database gives it, with thousands separators.
    #[default]
    Number,
    /// In the dashboard's currency, to the cent.
    Money,
    /// A percentage (the value is already ×100).
    Percent,
    /// Text, untouched.
    Text,
}

/// Why a dashboard is refused.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    #[error("sql/{pack}/dashboard.toml: {reason}")]
    Invalid { pack: String, reason: String },
}

impl Dashboard {
    /// Parses and checks a pack's `dashboard.toml`.
    pub fn parse(pack: &str, text: &str) -> Result<Self, SpecError> {
        let invalid = |reason: String| SpecError::Invalid {
            pack: pack.to_string(),
            reason,
        };
        let dashboard: Dashboard = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        dashboard.check().map_err(invalid)?;
        Ok(dashboard)
    }

    /// The pack's dashboard, `None` when it declares none.
    pub fn of(pack: &starlift_domain::pack::Pack) -> Result<Option<Self>, SpecError> {
        pack.dashboard
            .map(|text| Self::parse(pack.name(), text))
            .transpose()
    }

    fn check(&self) -> Result<(), String> {
        if !is_currency(&self.currency) {
            return Err(format!(
                "currency = {:?}: an ISO 4217 code, three capital letters",
                self.currency
            ));
        }
        for kpi in &self.kpis {
            identifier(&kpi.view).map_err(|e| format!("kpi {:?}: view {e}", kpi.label))?;
            identifier(&kpi.column).map_err(|e| format!("kpi {:?}: column {e}", kpi.label))?;
        }
        let mut ids = Vec::new();
        for chart in &self.charts {
            if ids.contains(&chart.id.as_str()) {
                return Err(format!("chart id {:?} is used twice", chart.id));
            }
            ids.push(&chart.id);
            chart
                .check()
                .map_err(|e| format!("chart {:?}: {e}", chart.id))?;
        }
        Ok(())
    }

    /// Every `(view, column)` the dashboard reads.
    pub fn columns_read(&self) -> Vec<(&str, &str)> {
        let mut read: Vec<(&str, &str)> = self
            .kpis
            .iter()
            .map(|k| (k.view.as_str(), k.column.as_str()))
            .collect();
        for chart in &self.charts {
            read.extend(
                chart
                    .columns()
                    .into_iter()
                    .map(|c| (chart.view.as_str(), c)),
            );
            read.extend(
                chart
                    .order()
                    .into_iter()
                    .map(|(c, _)| (chart.view.as_str(), c)),
            );
        }
        read
    }
}

impl Chart {
    fn check(&self) -> Result<(), String> {
        let id_ok = !self.id.is_empty()
            && self
                .id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !id_ok {
            return Err("id: letters, digits, _ and - only".into());
        }
        identifier(&self.view).map_err(|e| format!("view {e}"))?;
        for column in self.columns() {
            identifier(column).map_err(|e| format!("column {e}"))?;
        }
        for entry in &self.order_by {
            parse_order(entry)?;
        }
        for column in self.formats.keys() {
            if !self.columns().contains(&column.as_str()) {
                return Err(format!(
                    "formats names {column:?}, which the chart does not read"
                ));
            }
        }
        let needs = |what: &str| format!("kind {:?} needs {what}", self.kind);
        match self.kind {
            Kind::Line | Kind::Bar | Kind::StackedBar => {
                if self.x.is_none() || self.y.is_empty() {
                    return Err(needs("x and at least one y"));
                }
            }
            Kind::RankedBar | Kind::Share => {
                if self.x.is_none() || self.y.len() != 1 {
                    return Err(needs("x and exactly one y"));
                }
            }
            Kind::Heatmap => {
                if self.x.is_none() || self.row.is_none() || self.y.len() != 1 {
                    return Err(needs("x, row and exactly one y"));
                }
            }
            Kind::Table => {
                if self.columns.is_empty() {
                    return Err(needs("columns"));
                }
            }
        }
        if self.kind != Kind::Heatmap && self.row.is_some() {
            return Err("row is for heatmaps only".into());
        }
        Ok(())
    }

    /// The columns of the chart's data, in table order: x, row, y, columns
    /// (each once).
    pub fn columns(&self) -> Vec<&str> {
        let mut columns: Vec<&str> = Vec::new();
        let all = self
            .x
            .iter()
            .chain(&self.row)
            .chain(&self.y)
            .chain(&self.columns);
        for column in all {
            if !columns.contains(&column.as_str()) {
                columns.push(column);
            }
        }
        columns
    }

    /// `order_by` as `(column, descending)`; entries were checked by parse.
    pub fn order(&self) -> Vec<(&str, bool)> {
        self.order_by
            .iter()
            .filter_map(|entry| parse_order(entry).ok())
            .collect()
    }

    /// How `column` reads.
    pub fn format_of(&self, column: &str) -> Format {
        if let Some(format) = self.formats.get(column) {
            *format
        } else if self.y.iter().any(|y| y == column) {
            self.format
        } else {
            Format::Number
        }
    }
}

/// `column` or `column asc|desc`.
fn parse_order(entry: &str) -> Result<(&str, bool), String> {
    let mut words = entry.split_whitespace();
    let column = words.next().unwrap_or_default();
    identifier(column).map_err(|e| format!("order_by {e}"))?;
    let descending = match words.next().map(str::to_ascii_lowercase).as_deref() {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(other) => return Err(format!("order_by {entry:?}: {other:?} is not asc or desc")),
    };
    if words.next().is_some() {
        return Err(format!("order_by {entry:?}: column [asc|desc]"));
    }
    Ok((column, descending))
}

/// A plain lower-case SQL name (quoted anyway when used).
fn identifier(name: &str) -> Result<(), String> {
    let ok = name
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b == b'_')
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && name.len() <= 63;
    if ok {
        Ok(())
    } else {
        Err(format!("{name:?}: a lower-case SQL name (a-z, 0-9, _)"))
    }
}

fn is_currency(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str = r#"
        title = "t"
        [[chart]]
        id = "a"
        title = "A"
        kind = "line"
        view = "v"
        x = "month"
        y = ["revenue"]
        order_by = ["month desc"]
    "#;

    #[test]
    fn a_line_chart_parses() {
        let d = Dashboard::parse("p", LINE).unwrap();
        assert_eq!(d.currency, "USD");
        assert_eq!(d.charts[0].columns(), ["month", "revenue"]);
        assert_eq!(d.charts[0].order(), [("month", true)]);
        assert_eq!(d.charts[0].format_of("revenue"), Format::Number);
    }

    #[test]
    fn bad_dashboards_are_refused_with_the_reason() {
        let cases = [
            (LINE.replace("x = \"month\"", ""), "needs x"),
            (LINE.replace("\"line\"", "\"pie\""), "unknown variant"),
            (
                LINE.replace("view = \"v\"", "view = \"v; drop\""),
                "lower-case SQL name",
            ),
            (
                LINE.replace("month desc", "month sideways"),
                "not asc or desc",
            ),
            (
                format!(
                    "{LINE}\n[[chart]]\nid = \"a\"\ntitle = \"B\"\nkind = \"table\"\nview = \"v\"\ncolumns = [\"x\"]\n"
                ),
                "used twice",
            ),
            (
                LINE.replace("title = \"t\"", "title = \"t\"\ncurrency = \"dollars\""),
                "ISO 4217",
            ),
            (
                LINE.replace(
                    "kind = \"line\"",
                    "kind = \"share\"\nformats = { other = \"money\" }",
                ),
                "does not read",
            ),
            (
                LINE.replace("kind = \"line\"", "kind = \"line\"\ncolour = \"red\""),
                "unknown field",
            ),
        ];
        for (text, reason) in cases {
            let error = Dashboard::parse("p", &text).unwrap_err().to_string();
            assert!(error.contains(reason), "{error} (wanted {reason})");
            assert!(error.starts_with("sql/p/dashboard.toml: "), "{error}");
        }
    }
}

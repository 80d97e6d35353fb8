//! Models: their `--` header and their run order.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::{SqlFile, WarehouseError, is_qualified, model_path};

/// A name a model reads, as its header declares it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Name {
    /// `changed.<table>`: this build's rows of an OLTP table.
    Changed(String),
    /// `mirror.<table>`: the whole copy of an OLTP table.
    Mirror(String),
    /// `scd2.<dimension>`: the versions of a declared SCD2 dimension.
    Scd2(String),
    /// `affected.<fact>`: the grain keys of a declared fact to rebuild.
    Affected(String),
    /// `schema.table` another model writes (`dw.dim_track`).
    Table(String),
}

impl Name {
    /// A header entry: `changed.x`, `mirror.x`, `scd2.x`, `affected.x` or
    /// `schema.table`, lowercase and unquoted.
    pub fn parse(text: &str) -> Option<Self> {
        if !is_qualified(text) {
            return None;
        }
        let (namespace, name) = text.split_once('.')?;
        let name = name.to_string();
        Some(match namespace {
            "changed" => Self::Changed(name),
            "mirror" => Self::Mirror(name),
            "scd2" => Self::Scd2(name),
            "affected" => Self::Affected(name),
            _ => Self::Table(text.to_string()),
        })
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Changed(t) => write!(f, "changed.{t}"),
            Self::Mirror(t) => write!(f, "mirror.{t}"),
            Self::Scd2(d) => write!(f, "scd2.{d}"),
            Self::Affected(x) => write!(f, "affected.{x}"),
            Self::Table(t) => f.write_str(t),
        }
    }
}

/// One model: its SQL and what its header declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Model {
    pub file: SqlFile,
    /// `-- reads:`, in the order written, without repeats.
    pub reads: Vec<Name>,
    /// `-- writes:` tables, `schema.table`, in the order written.
    pub writes: Vec<String>,
    /// `-- full: bulk`.
    pub bulk: bool,
}

impl Model {
    /// The warehouse tables it reads (`Name::Table`).
    pub fn table_reads(&self) -> impl Iterator<Item = &str> {
        self.reads.iter().filter_map(|name| match name {
            Name::Table(t) => Some(t.as_str()),
            _ => None,
        })
    }
}

/// Schemas a model may not write: the engine's logical names and its own
/// OLAP schemas.
const NOT_WRITABLE: [&str; 5] = ["changed", "mirror", "scd2", "affected", "etl"];

/// Reads the header: the leading `--` lines (a blank line or the first
/// statement ends it). `reads:` and `writes:` take comma-separated names and
/// may repeat; `full: bulk` marks a bulk model; other comments are prose.
pub fn parse_model(file: SqlFile) -> Result<Model, WarehouseError> {
    let path = model_path(&file);
    let invalid = |line: usize, reason: String| WarehouseError::Header {
        path: path.clone(),
        reason: format!("line {line}: {reason}"),
    };
    let mut reads: Vec<Name> = Vec::new();
    let mut writes: Vec<String> = Vec::new();
    let mut bulk = false;
    let lines = file
        .sql
        .trim_start_matches('\u{feff}')
        .lines()
        .enumerate()
        .map(|(n, line)| (n + 1, line.trim()))
        .skip_while(|(_, line)| line.is_empty())
        .map_while(|(n, line)| Some((n, line.strip_prefix("--")?.trim())));
    for (n, comment) in lines {
        if let Some(list) = comment.strip_prefix("reads:") {
            for entry in entries(list) {
                // build_params is always there; declaring it changes nothing.
                if entry == "build_params" {
                    continue;
                }
                let name = Name::parse(entry).ok_or_else(|| {
                    invalid(
                        n,
                        format!(
                            "reads {entry:?}: expected changed.<table>, mirror.<table>, \
                             scd2.<dimension>, affected.<fact> or schema.table, lowercase"
                        ),
                    )
                })?;
                if !reads.contains(&name) {
                    reads.push(name);
                }
            }
        } else if let Some(list) = comment.strip_prefix("writes:") {
            for entry in entries(list) {
                let writable = is_qualified(entry)
                    && entry
                        .split_once('.')
                        .is_some_and(|(schema, _)| !NOT_WRITABLE.contains(&schema));
                if !writable {
                    return Err(invalid(
                        n,
                        format!(
                            "writes {entry:?}: expected a lowercase schema.table outside the \
                             engine's {}",
                            NOT_WRITABLE.join(", ")
                        ),
                    ));
                }
                if !writes.iter().any(|w| w == entry) {
                    writes.push(entry.to_string());
                }
            }
        } else if let Some(mode) = comment.strip_prefix("full:") {
            if mode.trim() != "bulk" {
                return Err(invalid(
                    n,
                    format!("full: {:?}: the only full-build mode is bulk", mode.trim()),
                ));
            }
            bulk = true;
        }
    }
    if writes.is_empty() {
        return Err(WarehouseError::NoWrites { path });
    }
    Ok(Model {
        file,
        reads,
        writes,
        bulk,
    })
}

fn entries(list: &str) -> impl Iterator<Item = &str> {
    list.split(',').map(str::trim).filter(|e| !e.is_empty())
}

/// Orders the models to run: each after every model writing a table it
/// reads; the writers of one table in file-name order (a writer that reads
/// its own table sees only the earlier writers); ties by file name. A cycle
/// or a table no model writes is an error.
pub fn order(mut models: Vec<Model>) -> Result<Vec<Model>, WarehouseError> {
    models.sort_by(|a, b| a.file.name.cmp(b.file.name));
    let mut writers: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (index, model) in models.iter().enumerate() {
        for table in &model.writes {
            writers.entry(table).or_default().push(index);
        }
    }
    // waits[i]: the models i runs after.
    let mut waits: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); models.len()];
    for (index, model) in models.iter().enumerate() {
        for table in model.table_reads() {
            let Some(table_writers) = writers.get(table) else {
                return Err(WarehouseError::Unwritten {
                    path: model_path(&model.file),
                    table: table.to_string(),
                });
            };
            let own = model.writes.iter().any(|w| w == table);
            waits[index].extend(
                table_writers
                    .iter()
                    .filter(|&&w| w != index && (!own || w < index)),
            );
        }
        for table in &model.writes {
            let earlier = writers[table.as_str()].iter().filter(|&&w| w < index);
            waits[index].extend(earlier);
        }
    }
    let mut placed = vec![false; models.len()];
    let mut sequence = Vec::with_capacity(models.len());
    while sequence.len() < models.len() {
        let ready = (0..models.len())
            .find(|&i| !placed[i] && waits[i].iter().all(|&w| placed[w]))
            .ok_or_else(|| WarehouseError::Cycle {
                path: "models".into(),
                cycle: describe_cycle(&models, &waits, &placed),
            })?;
        placed[ready] = true;
        sequence.push(ready);
    }
    let mut slots: Vec<Option<Model>> = models.into_iter().map(Some).collect();
    Ok(sequence
        .into_iter()
        .filter_map(|i| slots[i].take())
        .collect())
}

/// `a.sql waits on b.sql; b.sql waits on a.sql` for the models left.
fn describe_cycle(models: &[Model], waits: &[BTreeSet<usize>], placed: &[bool]) -> String {
    (0..models.len())
        .filter(|&i| !placed[i])
        .map(|i| {
            let on: Vec<&str> = waits[i]
                .iter()
                .filter(|&&w| !placed[w])
                .map(|&w| models[w].file.name)
                .collect();
            format!("{} waits on {}", models[i].file.name, on.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &'static str, sql: &'static str) -> SqlFile {
        SqlFile { name, sql }
    }

    fn model(name: &'static str, sql: &'static str) -> Model {
        parse_model(file(name, sql)).unwrap()
    }

    fn names(models: &[Model]) -> Vec<&str> {
        models.iter().map(|m| m.file.name).collect()
    }

    #[test]
    fn the_header_declares_reads_writes_and_bulk() {
        let m = model(
            "fact_sales.sql",
            "\n-- The sales fact.\n\
             -- reads: changed.invoice_line, mirror.invoice_line,affected.invoice\n\
             --reads: dw.dim_track, scd2.customer, changed.invoice_line, build_params\n\
             -- writes: dw.fact_sales\n\
             -- full: bulk\n\
             DELETE FROM dw.fact_sales;\n\
             -- writes: dw.not_in_the_header\n",
        );
        assert_eq!(
            m.reads,
            vec![
                Name::Changed("invoice_line".into()),
                Name::Mirror("invoice_line".into()),
                Name::Affected("invoice".into()),
                Name::Table("dw.dim_track".into()),
                Name::Scd2("customer".into()),
            ]
        );
        assert_eq!(m.writes, vec!["dw.fact_sales".to_string()]);
        assert!(m.bulk);
        assert_eq!(m.table_reads().collect::<Vec<_>>(), ["dw.dim_track"]);
        assert_eq!(m.reads[2].to_string(), "affected.invoice");
    }

    #[test]
    fn a_blank_line_ends_the_header() {
        let error = parse_model(file(
            "m.sql",
            "-- reads: mirror.a\n\n-- writes: dw.a\nSELECT 1",
        ))
        .unwrap_err();
        assert_eq!(
            error,
            WarehouseError::NoWrites {
                path: "models/m.sql".into()
            }
        );
    }

    #[test]
    fn header_errors_name_the_file_line_and_entry() {
        let cases = [
            (
                "-- writes: dw.a\n-- reads: Mirror.A\n",
                "line 2",
                "Mirror.A",
            ),
            ("-- writes: dw.a\n-- reads: invoice\n", "line 2", "invoice"),
            ("-- writes: mirror.a\n", "line 1", "mirror.a"),
            ("-- writes: fact_sales\n", "line 1", "fact_sales"),
            ("-- writes: dw.a\n-- full: yes\n", "line 2", "bulk"),
        ];
        for (sql, line, what) in cases {
            let error = parse_model(file("m.sql", sql)).unwrap_err().to_string();
            assert!(error.starts_with("models/m.sql: "), "{error}");
            assert!(error.contains(line) && error.contains(what), "{error}");
        }
        let error = parse_model(file("m.sql", "SELECT 1")).unwrap_err();
        assert!(error.to_string().contains("no `-- writes:`"), "{error}");
    }

    #[test]
    fn models_run_after_their_writers_and_ties_go_by_file_name() {
        let models = vec![
            model(
                "a_fact.sql",
                "-- reads: dw.dim_b, dw.dim_c\n-- writes: dw.fact",
            ),
            model("z_dim_b.sql", "-- reads: mirror.b\n-- writes: dw.dim_b"),
            model("c_dim_c.sql", "-- writes: dw.dim_c"),
            model("b_other.sql", "-- writes: dw.other"),
        ];
        let ordered = order(models).unwrap();
        assert_eq!(
            names(&ordered),
            ["b_other.sql", "c_dim_c.sql", "z_dim_b.sql", "a_fact.sql"]
        );
        assert!(order(Vec::new()).unwrap().is_empty());
    }

    #[test]
    fn two_writers_of_a_table_run_in_file_name_order_before_its_readers() {
        let models = vec![
            model("a_reader.sql", "-- reads: dw.t\n-- writes: dw.r"),
            model("m_second.sql", "-- reads: dw.t\n-- writes: dw.t"),
            model("b_first.sql", "-- reads: dw.s\n-- writes: dw.t"),
            model("z_s.sql", "-- writes: dw.s"),
        ];
        let ordered = order(models).unwrap();
        assert_eq!(
            names(&ordered),
            ["z_s.sql", "b_first.sql", "m_second.sql", "a_reader.sql"]
        );
    }

    #[test]
    fn a_cycle_and_an_unwritten_table_are_errors() {
        let cycle = order(vec![
            model("a.sql", "-- reads: dw.b\n-- writes: dw.a"),
            model("b.sql", "-- reads: dw.a\n-- writes: dw.b"),
            model("c.sql", "-- writes: dw.c"),
        ])
        .unwrap_err();
        assert_eq!(
            cycle.to_string(),
            "models: the models wait on each other, so none can run first: \
             a.sql waits on b.sql; b.sql waits on a.sql"
        );
        let unwritten =
            order(vec![model("a.sql", "-- reads: dw.nope\n-- writes: dw.a")]).unwrap_err();
        assert_eq!(
            unwritten,
            WarehouseError::Unwritten {
                path: "models/a.sql".into(),
                table: "dw.nope".into()
            }
        );
        // Reading its own table is no cycle.
        let own = order(vec![model("a.sql", "-- reads: dw.a\n-- writes: dw.a")]).unwrap();
        assert_eq!(names(&own), ["a.sql"]);
    }
}

//! Fills `{placeholder}`s in the SQL templates under `sql/`. Values come from
//! the catalog (identifiers and column lists), never from user input.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("SQL template uses {{{0}}} but no value was given for it")]
    Unfilled(String),
    #[error("SQL template has an unterminated placeholder at byte {0}")]
    Unterminated(usize),
}

/// Replaces every `{name}` with its value. Every placeholder must be given a
/// value; unused values are fine. `{` followed by a non-identifier character
/// is left as is (so JSON or regex braces in SQL survive).
pub fn render(template: &str, values: &[(&str, &str)]) -> Result<String, TemplateError> {
    let mut out = String::with_capacity(template.len() * 2);
    let mut rest = template;
    let mut offset = 0;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let is_ident = after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c == '_');
        if !is_ident {
            out.push('{');
            rest = after;
            offset += start + 1;
            continue;
        }
        let end = after
            .find('}')
            .ok_or(TemplateError::Unterminated(offset + start))?;
        let name = &after[..end];
        let value = values
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| *v)
            .ok_or_else(|| TemplateError::Unfilled(name.to_string()))?;
        out.push_str(value);
        rest = &after[end + 1..];
        offset += start + end + 2;
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_placeholders() {
        assert_eq!(
            render("SELECT {a} FROM {b}", &[("a", "x"), ("b", "t")]).unwrap(),
            "SELECT x FROM t"
        );
    }

    #[test]
    fn unfilled_placeholder_is_an_error() {
        assert_eq!(
            render("SELECT {a}", &[]).unwrap_err(),
            TemplateError::Unfilled("a".into())
        );
        assert!(render("SELECT {a", &[("a", "x")]).is_err());
    }

    #[test]
    fn non_placeholder_braces_survive() {
        assert_eq!(
            render("SELECT '{1,2}'::int[], '{}'", &[]).unwrap(),
            "SELECT '{1,2}'::int[], '{}'"
        );
    }
}

/// Splits a file of named statements (`-- name: <name>` lines) into
/// `(name, statement)` pairs, for small statements that belong together.
pub fn named_statements(file: &str) -> Vec<(&str, String)> {
    let mut out: Vec<(&str, String)> = Vec::new();
    for line in file.lines() {
        if let Some(name) = line.trim().strip_prefix("-- name:") {
            out.push((name.trim(), String::new()));
        } else if let Some((_, body)) = out.last_mut()
            && !line.trim_start().starts_with("--")
        {
            body.push_str(line);
            body.push('\n');
        }
    }
    out
}

/// The statement called `name`; a missing name is a programming error caught
/// by the owning crate's tests.
pub fn statement<'a>(
    statements: &'a [(&str, String)],
    name: &str,
) -> Result<&'a str, TemplateError> {
    statements
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, s)| s.as_str())
        .ok_or_else(|| TemplateError::Unfilled(name.to_string()))
}

#[cfg(test)]
mod named_tests {
    use super::*;

    #[test]
    fn splits_named_statements() {
        let file = "-- name: a\n-- why a\nSELECT 1\n-- name: b\nSELECT 2\nFROM t\n";
        let statements = named_statements(file);
        assert_eq!(statement(&statements, "a").unwrap().trim(), "SELECT 1");
        assert_eq!(
            statement(&statements, "b").unwrap().trim(),
            "SELECT 2\nFROM t"
        );
        assert!(statement(&statements, "c").is_err());
    }
}

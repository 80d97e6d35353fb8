//! Values as a reader sees them: thousands separators, money with its
//! currency, percentages; compact forms for axis ticks.

use crate::spec::Format;

/// A value of the database (as text) for a table cell or a tile. Text that
/// is not a number (a date, a name) is shown as it is.
pub fn value(text: &str, format: Format, currency: &str) -> String {
    if format == Format::Text {
        return text.to_string();
    }
    let Ok(number) = text.trim().parse::<f64>() else {
        return text.to_string();
    };
    match format {
        Format::Money => money(number, currency, 2),
        Format::Percent => format!("{}%", grouped(&format!("{number:.2}"))),
        Format::Number | Format::Text => grouped(text.trim()),
    }
}

/// A number for an axis tick or a bar label: at most three significant
/// digits with k, M, B (`$1.2M`, `12.5%`, `3,400`).
pub fn compact(number: f64, format: Format, currency: &str) -> String {
    let short = short_number(number.abs());
    let sign = if number < 0.0 { "-" } else { "" };
    match format {
        // Small amounts keep their cents ($9.90, not $9.9).
        Format::Money if number.abs() < 100.0 && number.fract() != 0.0 => {
            money(number, currency, 2)
        }
        Format::Money => format!("{sign}{}{short}", symbol(currency)),
        Format::Percent => format!("{sign}{short}%"),
        Format::Number | Format::Text => format!("{sign}{short}"),
    }
}

/// `$1,234.56`, or `1,234.56 CHF` for a currency without a symbol here.
fn money(number: f64, currency: &str, decimals: usize) -> String {
    let digits = grouped(&format!("{:.*}", decimals, number.abs()));
    let sign = if number < 0.0 { "-" } else { "" };
    match symbol(currency) {
        "" => format!("{sign}{digits} {currency}"),
        symbol => format!("{sign}{symbol}{digits}"),
    }
}

/// The symbol of a currency the reader knows by it; empty for the others,
/// which are written as their code.
pub fn symbol(currency: &str) -> &'static str {
    match currency {
        "USD" => "$",
        "EUR" => "€",
        "GBP" => "£",
        "JPY" => "¥",
        _ => "",
    }
}

fn short_number(n: f64) -> String {
    let (scaled, suffix) = if n >= 1e9 {
        (n / 1e9, "B")
    } else if n >= 1e6 {
        (n / 1e6, "M")
    } else if n >= 1e4 {
        (n / 1e3, "k")
    } else {
        (n, "")
    };
    let text = if suffix.is_empty() && scaled >= 100.0 {
        grouped(&format!("{scaled:.0}"))
    } else if scaled >= 100.0 || scaled == scaled.trunc() {
        format!("{scaled:.0}")
    } else if scaled >= 10.0 {
        format!("{scaled:.1}")
    } else {
        format!("{scaled:.2}")
    };
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    format!("{text}{suffix}")
}

/// Thousands separators in the integer part of a decimal number.
fn grouped(number: &str) -> String {
    let (sign, rest) = match number.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", number),
    };
    let (int, frac) = match rest.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (rest, None),
    };
    if !int.bytes().all(|b| b.is_ascii_digit()) {
        return number.to_string();
    }
    let mut out = String::with_capacity(number.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    match frac {
        Some(frac) => format!("{sign}{out}.{frac}"),
        None => format!("{sign}{out}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_with_their_unit() {
        assert_eq!(value("2328.6", Format::Money, "USD"), "$2,328.60");
        assert_eq!(value("-5", Format::Money, "EUR"), "-€5.00");
        assert_eq!(value("1234567.5", Format::Money, "CHF"), "1,234,567.50 CHF");
        assert_eq!(value("12.5", Format::Percent, "USD"), "12.50%");
        assert_eq!(value("1234567", Format::Number, "USD"), "1,234,567");
        assert_eq!(value("-1234.25", Format::Number, "USD"), "-1,234.25");
        assert_eq!(value("2021-01", Format::Number, "USD"), "2021-01");
        assert_eq!(value("1234", Format::Text, "USD"), "1234");
    }

    #[test]
    fn axis_ticks_are_short() {
        assert_eq!(compact(0.0, Format::Money, "USD"), "$0");
        assert_eq!(compact(1500.0, Format::Number, "USD"), "1,500");
        assert_eq!(compact(12_500.0, Format::Money, "USD"), "$12.5k");
        assert_eq!(compact(9.9, Format::Money, "USD"), "$9.90");
        assert_eq!(compact(155.43, Format::Money, "USD"), "$155");
        assert_eq!(compact(2_000_000.0, Format::Money, "USD"), "$2M");
        assert_eq!(compact(2.5, Format::Percent, "USD"), "2.5%");
        assert_eq!(compact(-0.25, Format::Number, "USD"), "-0.25");
    }
}

//! Employees (a small hierarchy) and customers.
//!
//! A customer is a pure function of (seed, id): [`customer`] re-derives it
//! from the customer's own random stream, so the sales stage can bill an
//! invoice to a customer's address without keeping customers in memory.

use std::collections::HashSet;
use std::ops::RangeInclusive;
use std::path::Path;

use anyhow::Result;
use chrono::{NaiveDate, NaiveDateTime};
use rand::Rng;

use super::words::{self, AddressStyle, COUNTRIES, Country};
use super::writer::{FileSummary, TableWriter, Value};
use super::{
    CUSTOMER_STREAM_BASE, Sizes, Stream, choose, expand, pick_weighted, rng_for, stream_rng,
};

/// Employee ids by role, for team multiplier k:
/// 1 general manager (id 1, reports to nobody), k sales managers,
/// 4k−1 sales support agents, 1 IT manager, 2k IT staff.
#[derive(Debug, Clone, Copy)]
pub struct Team {
    k: u32,
}

impl Team {
    pub fn new(sizes: &Sizes) -> Self {
        Self {
            k: sizes.team.max(1),
        }
    }

    pub fn sales_managers(&self) -> RangeInclusive<u32> {
        2..=self.k + 1
    }

    /// The employees customers may have as support rep.
    pub fn agents(&self) -> RangeInclusive<u32> {
        self.k + 2..=5 * self.k
    }

    pub fn it_manager(&self) -> u32 {
        5 * self.k + 1
    }

    pub fn size(&self) -> u32 {
        7 * self.k + 1
    }

    /// (title, manager) of an employee.
    fn role(&self, id: u32) -> (&'static str, Option<u32>) {
        if id == 1 {
            ("General Manager", None)
        } else if self.sales_managers().contains(&id) {
            ("Sales Manager", Some(1))
        } else if self.agents().contains(&id) {
            // Agents are spread over the sales managers.
            ("Sales Support Agent", Some(2 + (id - self.k - 2) % self.k))
        } else if id == self.it_manager() {
            ("IT Manager", Some(1))
        } else {
            ("IT Staff", Some(self.it_manager()))
        }
    }
}

fn midnight(date: NaiveDate) -> NaiveDateTime {
    date.and_time(chrono::NaiveTime::MIN)
}

fn random_date<R: Rng>(rng: &mut R, from: NaiveDate, days: i64) -> NaiveDate {
    from + chrono::Duration::days(rng.random_range(0..days))
}

/// A lower-case e-mail local part from a name: spaces and apostrophes
/// dropped, letters kept as they are (Chinook has one address with `ł`).
fn mail_name(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

pub(super) fn street_address<R: Rng>(rng: &mut R, style: AddressStyle, streets: &[&str]) -> String {
    let street = choose(rng, streets);
    let mut address = match style {
        AddressStyle::NumberStreet => format!("{} {street}", rng.random_range(1..=9999)),
        AddressStyle::StreetNumber => format!("{street} {}", rng.random_range(1..=250)),
        AddressStyle::StreetCommaNumber => format!("{street}, {}", rng.random_range(1..=3000)),
        AddressStyle::NumberCommaStreet => format!("{}, {street}", rng.random_range(1..=120)),
        AddressStyle::NumberCommaTight => format!("{},{street}", rng.random_range(1..=99)),
    };
    if matches!(style, AddressStyle::NumberStreet) && rng.random_bool(0.08) {
        let unit = if rng.random_bool(0.5) { "Suite" } else { "Apt" };
        address.push_str(&format!(", {unit} {}", rng.random_range(1..=999)));
    }
    address
}

pub fn write_employees(dir: &Path, seed: u64, sizes: &Sizes) -> Result<FileSummary> {
    let mut rng = rng_for(seed, Stream::Employees);
    let team = Team::new(sizes);
    let mut w = TableWriter::create(
        dir,
        "Employee",
        &[
            "EmployeeId",
            "LastName",
            "FirstName",
            "Title",
            "ReportsTo",
            "BirthDate",
            "HireDate",
            "Address",
            "City",
            "State",
            "Country",
            "PostalCode",
            "Phone",
            "Fax",
            "Email",
        ],
    )?;
    let mut emails: HashSet<String> = HashSet::new();
    let born_from = NaiveDate::from_ymd_opt(1950, 1, 1).unwrap_or_default();
    let hired_from = NaiveDate::from_ymd_opt(2002, 1, 1).unwrap_or_default();
    for id in 1..=team.size() {
        let (title, reports_to) = team.role(id);
        let country = choose(&mut rng, COUNTRIES);
        let first = choose(&mut rng, country.first_names);
        let last = choose(&mut rng, country.last_names);
        let birth = midnight(random_date(&mut rng, born_from, 45 * 365));
        // Managers were hired in the first years, staff any time up to 2020.
        let hire_days = if reports_to.is_none_or(|m| m == 1) {
            3 * 365
        } else {
            19 * 365
        };
        let hire = midnight(random_date(&mut rng, hired_from, hire_days));
        let city = choose(&mut rng, words::EMPLOYEE_CITIES);
        let address = street_address(
            &mut rng,
            AddressStyle::NumberStreet,
            words::EMPLOYEE_STREETS,
        );
        let postal = city.postal.map(|t| expand(t, &mut rng));
        let phone = expand(city.phone, &mut rng);
        let fax = expand(city.phone, &mut rng);
        let mut email = format!("{}@chinookcorp.com", mail_name(first));
        if emails.contains(&email) {
            email = format!("{}.{}@chinookcorp.com", mail_name(first), mail_name(last));
        }
        if emails.contains(&email) {
            email = format!(
                "{}.{}{id}@chinookcorp.com",
                mail_name(first),
                mail_name(last)
            );
        }
        emails.insert(email.clone());
        w.write(&[
            Value::Int(id.into()),
            Value::Text(last),
            Value::Text(first),
            Value::Text(title),
            reports_to.map_or(Value::Null, |m| Value::Int(m.into())),
            Value::Timestamp(birth),
            Value::Timestamp(hire),
            Value::Text(&address),
            Value::Text(city.name),
            Value::opt_text(city.state),
            Value::Text("Canada"),
            Value::opt_text(postal.as_deref()),
            Value::Text(&phone),
            Value::Text(&fax),
            Value::Text(&email),
        ])?;
    }
    w.finish()
}

/// One customer; the billing address of every invoice is this address.
#[derive(Debug, Clone)]
pub struct Customer {
    pub first_name: &'static str,
    pub last_name: &'static str,
    pub company: Option<String>,
    pub address: String,
    pub city: &'static str,
    pub state: Option<&'static str>,
    pub country: &'static str,
    pub postal_code: Option<String>,
    pub phone: Option<String>,
    pub fax: Option<String>,
    pub email: String,
    pub support_rep: u32,
}

fn company_name<R: Rng>(rng: &mut R, country: &Country) -> String {
    let last = choose(rng, country.last_names);
    match rng.random_range(0..6) {
        0 => format!(
            "{last} & {}, {}",
            choose(rng, country.last_names),
            country.company_suffix
        ),
        1 => format!("{last} Music {}", country.company_suffix),
        2 => format!("\"{}\" Records", choose(rng, words::NOUNS).1),
        3 => choose(rng, words::COMPANIES).to_string(),
        4 => format!("{last} Media Group"),
        _ => format!(
            "{} {}",
            choose(rng, words::WORLD_WORDS),
            country.company_suffix
        ),
    }
}

/// The customer with this id, derived from its own random stream.
pub fn customer(seed: u64, id: u32, team: &Team) -> Customer {
    let mut rng = stream_rng(seed, CUSTOMER_STREAM_BASE + u64::from(id));
    let country = &COUNTRIES[pick_weighted(&mut rng, COUNTRIES, |c| c.weight)];
    let city = choose(&mut rng, country.cities);
    let first_name = choose(&mut rng, country.first_names);
    let last_name = choose(&mut rng, country.last_names);
    // Chinook: Company 83% NULL, Fax 80% NULL (mostly companies have one).
    let company = rng
        .random_bool(0.17)
        .then(|| company_name(&mut rng, country));
    let address = street_address(&mut rng, country.style, country.streets);
    let postal_code = city.postal.map(|t| expand(t, &mut rng));
    let phone = (!rng.random_bool(0.015)).then(|| expand(city.phone, &mut rng));
    let fax_share = if company.is_some() { 0.85 } else { 0.06 };
    let fax = (phone.is_some() && rng.random_bool(fax_share)).then(|| expand(city.phone, &mut rng));
    let local = match rng.random_range(0..3) {
        0 => format!("{}.{}", mail_name(first_name), mail_name(last_name)),
        1 => format!("{}{}", mail_name(first_name), mail_name(last_name)),
        _ => {
            let initial: String = mail_name(first_name).chars().take(1).collect();
            format!("{initial}{}", mail_name(last_name))
        }
    };
    // The id keeps addresses unique at any scale.
    let email = format!("{local}{id}@{}", choose(&mut rng, country.email_domains));
    let support_rep = rng.random_range(team.agents());
    Customer {
        first_name,
        last_name,
        company,
        address,
        city: city.name,
        state: city.state,
        country: country.name,
        postal_code,
        phone,
        fax,
        email,
        support_rep,
    }
}

pub fn write_customers(dir: &Path, seed: u64, sizes: &Sizes) -> Result<FileSummary> {
    let team = Team::new(sizes);
    let mut w = TableWriter::create(
        dir,
        "Customer",
        &[
            "CustomerId",
            "FirstName",
            "LastName",
            "Company",
            "Address",
            "City",
            "State",
            "Country",
            "PostalCode",
            "Phone",
            "Fax",
            "Email",
            "SupportRepId",
        ],
    )?;
    for id in 1..=sizes.customers {
        let c = customer(seed, id, &team);
        w.write(&[
            Value::Int(id.into()),
            Value::Text(c.first_name),
            Value::Text(c.last_name),
            Value::opt_text(c.company.as_deref()),
            Value::Text(&c.address),
            Value::Text(c.city),
            Value::opt_text(c.state),
            Value::Text(c.country),
            Value::opt_text(c.postal_code.as_deref()),
            Value::opt_text(c.phone.as_deref()),
            Value::opt_text(c.fax.as_deref()),
            Value::Text(&c.email),
            Value::Int(c.support_rep.into()),
        ])?;
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn team_of_one_matches_chinook() {
        let team = Team { k: 1 };
        assert_eq!(team.size(), 8);
        let roles: Vec<_> = (1..=8).map(|id| team.role(id)).collect();
        assert_eq!(
            roles,
            vec![
                ("General Manager", None),
                ("Sales Manager", Some(1)),
                ("Sales Support Agent", Some(2)),
                ("Sales Support Agent", Some(2)),
                ("Sales Support Agent", Some(2)),
                ("IT Manager", Some(1)),
                ("IT Staff", Some(6)),
                ("IT Staff", Some(6)),
            ]
        );
    }

    #[test]
    fn larger_teams_keep_a_proper_hierarchy() {
        for k in [2, 5, 32] {
            let team = Team { k };
            for id in 2..=team.size() {
                let (title, manager) = team.role(id);
                let manager = manager.unwrap();
                assert!(manager < id, "{title} {id} reports to {manager}");
                let manager_title = team.role(manager).0;
                match title {
                    "Sales Support Agent" => assert_eq!(manager_title, "Sales Manager"),
                    "IT Staff" => assert_eq!(manager_title, "IT Manager"),
                    _ => assert_eq!(manager_title, "General Manager"),
                }
            }
            assert_eq!(team.agents().count() as u32, 4 * k - 1);
        }
    }

    #[test]
    fn a_customer_is_a_function_of_seed_and_id() {
        let team = Team { k: 1 };
        let a = customer(42, 7, &team);
        let b = customer(42, 7, &team);
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        assert_ne!(format!("{a:?}"), format!("{:?}", customer(42, 8, &team)));
        assert!(team.agents().contains(&a.support_rep));
    }
}

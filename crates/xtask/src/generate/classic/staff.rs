//! Offices (seven, fixed, as in the sample) and employees.
//!
//! For team multiplier k the staff is a president, a VP Sales and a VP
//! Marketing reporting to the president, three territory sales managers
//! (APAC, EMEA, NA) reporting to the VP Sales, and 17k sales reps spread over
//! the offices (2, 2, 2, 4, 2, 3, 2 times k) in a shuffled order. A rep
//! reports to the manager of the office's territory; Japan has no manager:
//! its first rep reports to the VP Sales and the others to that rep. At k = 1
//! that is the sample's 23 employees. Employee numbers grow from 1002 with
//! gaps, so every manager's number is below their reports'.

use std::collections::HashSet;
use std::path::Path;

use anyhow::Result;
use rand::Rng;
use rand::seq::SliceRandom;

use super::words::{self, Territory};
use super::{Sizes, Stream, rng_for, writer};
use crate::generate::choose;
use crate::generate::writer::{FileSummary, Value};

#[derive(Debug)]
pub struct Office {
    pub code: &'static str,
    pub city: &'static str,
    pub phone: &'static str,
    pub address_line1: &'static str,
    pub address_line2: Option<&'static str>,
    pub state: Option<&'static str>,
    pub country: &'static str,
    pub postal_code: &'static str,
    pub territory: Territory,
    /// Where its employees' names come from.
    pub names_from: &'static str,
    /// Sales reps at team multiplier 1.
    pub reps: u32,
}

pub static OFFICES: &[Office] = &[
    Office {
        code: "1",
        city: "San Francisco",
        phone: "+1 415 555 0142",
        address_line1: "200 Mission Street",
        address_line2: Some("Suite 410"),
        state: Some("CA"),
        country: "USA",
        postal_code: "94105",
        territory: Territory::Na,
        names_from: "USA",
        reps: 2,
    },
    Office {
        code: "2",
        city: "Boston",
        phone: "+1 617 555 0188",
        address_line1: "75 State Street",
        address_line2: Some("Floor 12"),
        state: Some("MA"),
        country: "USA",
        postal_code: "02109",
        territory: Territory::Na,
        names_from: "USA",
        reps: 2,
    },
    Office {
        code: "3",
        city: "NYC",
        phone: "+1 212 555 0117",
        address_line1: "350 Fifth Avenue",
        address_line2: Some("Suite 5A"),
        state: Some("NY"),
        country: "USA",
        postal_code: "10118",
        territory: Territory::Na,
        names_from: "USA",
        reps: 2,
    },
    Office {
        code: "4",
        city: "Paris",
        phone: "+33 1 42 68 53 00",
        address_line1: "8 Rue du Faubourg Saint-Honoré",
        address_line2: None,
        state: None,
        country: "France",
        postal_code: "75008",
        territory: Territory::Emea,
        names_from: "France",
        reps: 4,
    },
    Office {
        code: "5",
        city: "Tokyo",
        phone: "+81 3 5555 0100",
        address_line1: "1-1 Marunouchi",
        address_line2: None,
        state: Some("Chiyoda-Ku"),
        country: "Japan",
        postal_code: "100-0005",
        territory: Territory::Japan,
        names_from: "Japan",
        reps: 2,
    },
    Office {
        code: "6",
        city: "Sydney",
        phone: "+61 2 5550 1234",
        address_line1: "88 George Street",
        address_line2: Some("Level 3"),
        state: None,
        country: "Australia",
        postal_code: "NSW 2000",
        territory: Territory::Apac,
        names_from: "Australia",
        reps: 3,
    },
    Office {
        code: "7",
        city: "London",
        phone: "+44 20 7946 0321",
        address_line1: "30 St Mary Axe",
        address_line2: Some("Level 7"),
        state: None,
        country: "UK",
        postal_code: "EC3A 8EP",
        territory: Territory::Emea,
        names_from: "UK",
        reps: 2,
    },
];

pub fn write_offices(dir: &Path, seed: u64) -> Result<FileSummary> {
    let mut w = writer(
        dir,
        seed,
        "offices",
        &[
            "officeCode",
            "city",
            "phone",
            "addressLine1",
            "addressLine2",
            "state",
            "country",
            "postalCode",
            "territory",
        ],
    )?;
    for office in OFFICES {
        w.write(&[
            Value::Text(office.code),
            Value::Text(office.city),
            Value::Text(office.phone),
            Value::Text(office.address_line1),
            Value::opt_text(office.address_line2),
            Value::opt_text(office.state),
            Value::Text(office.country),
            Value::Text(office.postal_code),
            Value::Text(office.territory.code()),
        ])?;
    }
    w.finish()
}

pub const SALES_REP: &str = "Sales Rep";

#[derive(Debug, Clone)]
pub struct Employee {
    pub number: u32,
    pub last_name: &'static str,
    pub first_name: &'static str,
    pub extension: String,
    pub email: String,
    /// Index into [`OFFICES`].
    pub office: usize,
    pub reports_to: Option<u32>,
    pub job_title: &'static str,
}

/// Everyone, in employee-number order.
#[derive(Debug)]
pub struct Staff {
    pub employees: Vec<Employee>,
}

/// An e-mail local part: letters and digits, accents folded to ASCII.
fn mail_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        let folded = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
            'ç' => "c",
            'è' | 'é' | 'ê' | 'ë' => "e",
            'ì' | 'í' | 'î' | 'ï' => "i",
            'ñ' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => "o",
            'ù' | 'ú' | 'û' | 'ü' | 'ū' => "u",
            'ß' => "ss",
            'š' => "s",
            'ž' => "z",
            'ł' => "l",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => continue,
        };
        out.push_str(folded);
    }
    out
}

impl Staff {
    pub fn new(seed: u64, sizes: &Sizes) -> Self {
        let mut rng = rng_for(seed, Stream::Staff);
        // (title, office index, manager as an index into this list)
        let mut roles: Vec<(&'static str, usize, Option<usize>)> = vec![
            ("President", 0, None),
            ("VP Sales", 0, Some(0)),
            ("VP Marketing", 0, Some(0)),
            ("Sales Manager (APAC)", 5, Some(1)),
            ("Sales Manager (EMEA)", 3, Some(1)),
            ("Sales Manager (NA)", 0, Some(1)),
        ];
        let mut reps: Vec<usize> = OFFICES
            .iter()
            .enumerate()
            .flat_map(|(index, office)| {
                std::iter::repeat_n(index, (office.reps * sizes.team) as usize)
            })
            .collect();
        reps.shuffle(&mut rng);
        let mut first_japan_rep: Option<usize> = None;
        for office in reps {
            let manager = match OFFICES[office].territory {
                Territory::Apac => 3,
                Territory::Emea => 4,
                Territory::Na => 5,
                Territory::Japan => match first_japan_rep {
                    Some(first) => first,
                    None => {
                        first_japan_rep = Some(roles.len());
                        1
                    }
                },
            };
            roles.push((SALES_REP, office, Some(manager)));
        }

        let mut numbers: Vec<u32> = Vec::with_capacity(roles.len());
        let mut next = 1002;
        for _ in &roles {
            numbers.push(next);
            next += rng.random_range(1..=60);
        }
        let mut emails: HashSet<String> = HashSet::new();
        let employees = roles
            .iter()
            .zip(&numbers)
            .map(|(&(job_title, office, manager), &number)| {
                let country =
                    words::country(OFFICES[office].names_from).unwrap_or(&words::OWN_COUNTRIES[0]);
                let first_name = *choose(&mut rng, country.first_names);
                let last_name = *choose(&mut rng, country.last_names);
                let initial: String = mail_name(first_name).chars().take(1).collect();
                let mut local = format!("{initial}{}", mail_name(last_name));
                if emails.contains(&local) {
                    local = format!("{}.{}", mail_name(first_name), mail_name(last_name));
                }
                if emails.contains(&local) {
                    local = format!("{local}{number}");
                }
                emails.insert(local.clone());
                Employee {
                    number,
                    last_name,
                    first_name,
                    extension: format!("x{}", rng.random_range(100..=9999)),
                    email: format!("{local}@classicmodelcars.com"),
                    office,
                    reports_to: manager.map(|m| numbers[m]),
                    job_title,
                }
            })
            .collect();
        Self { employees }
    }

    /// The sales reps of a territory's offices, by employee number.
    pub fn reps(&self, territory: Territory) -> Vec<u32> {
        self.employees
            .iter()
            .filter(|e| e.job_title == SALES_REP && OFFICES[e.office].territory == territory)
            .map(|e| e.number)
            .collect()
    }
}

pub fn write_employees(dir: &Path, seed: u64, staff: &Staff) -> Result<FileSummary> {
    let mut w = writer(
        dir,
        seed,
        "employees",
        &[
            "employeeNumber",
            "lastName",
            "firstName",
            "extension",
            "email",
            "officeCode",
            "reportsTo",
            "jobTitle",
        ],
    )?;
    for e in &staff.employees {
        w.write(&[
            Value::Int(e.number.into()),
            Value::Text(e.last_name),
            Value::Text(e.first_name),
            Value::Text(&e.extension),
            Value::Text(&e.email),
            Value::Text(OFFICES[e.office].code),
            e.reports_to.map_or(Value::Null, |m| Value::Int(m.into())),
            Value::Text(e.job_title),
        ])?;
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mail_names_are_ascii() {
        assert_eq!(mail_name("Ó Ceallaigh"), "oceallaigh");
        assert_eq!(mail_name("Müller"), "muller");
        assert_eq!(mail_name("Satō"), "sato");
        assert_eq!(mail_name("O'Brien"), "obrien");
    }

    #[test]
    fn staff_has_a_hierarchy_and_reps_everywhere() {
        for scale in [1, 100, 1000] {
            let sizes = Sizes::for_scale(scale);
            let staff = Staff::new(7, &sizes);
            assert_eq!(staff.employees.len() as u32, 6 + 17 * sizes.team);
            let presidents = staff
                .employees
                .iter()
                .filter(|e| e.reports_to.is_none())
                .count();
            assert_eq!(presidents, 1);
            for e in &staff.employees {
                if let Some(manager) = e.reports_to {
                    assert!(manager < e.number);
                    assert!(staff.employees.iter().any(|m| m.number == manager));
                }
            }
            for territory in [
                Territory::Na,
                Territory::Emea,
                Territory::Apac,
                Territory::Japan,
            ] {
                assert!(!staff.reps(territory).is_empty());
            }
        }
        assert_eq!(Staff::new(7, &Sizes::for_scale(1)).employees.len(), 23);
    }
}

//! Customers: retailers of scale models around the world.
//!
//! A customer is a pure function of (seed, index) drawn from its own random
//! stream, and the first draws of that stream are its [`Profile`] (number,
//! whether it has a sales rep, purchase weight): the orders stage reads the
//! profiles of all customers without building the customers themselves.
//!
//! Customer numbers grow from 103 with gaps of 1–5, as in the sample. About
//! 18% of customers have no sales rep: their credit limit is 0 and they never
//! order, as in the sample. The others have a rep of their country's
//! territory and a credit limit that grows with their purchase weight.

use std::path::Path;

use anyhow::Result;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use rust_decimal::Decimal;

use super::staff::Staff;
use super::words::{self, Market, Territory};
use super::{CUSTOMER_STREAM_BASE, Sizes, writer};
use crate::generate::people::street_address;
use crate::generate::writer::{FileSummary, Value};
use crate::generate::{choose, expand, pick_weighted, stream_rng};

/// Share of customers without a sales rep.
const NO_REP_SHARE: f64 = 0.18;

/// What the orders stage needs of a customer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Profile {
    pub number: u32,
    pub has_rep: bool,
    /// Relative purchase frequency; 0 for customers who never order.
    pub weight: f64,
}

fn customer_rng(seed: u64, index: u32) -> ChaCha8Rng {
    stream_rng(seed, CUSTOMER_STREAM_BASE + u64::from(index))
}

fn draw_profile(rng: &mut ChaCha8Rng, index: u32) -> Profile {
    let number = 103 + 3 * index + rng.random_range(0..3);
    let has_rep = !rng.random_bool(NO_REP_SHARE);
    let normal: f64 = StandardNormal.sample(rng);
    // A floor under the log-normal: most customers with a rep do order.
    let weight = if has_rep {
        0.4 + (0.8 * normal).exp()
    } else {
        0.0
    };
    Profile {
        number,
        has_rep,
        weight,
    }
}

/// The profile of the customer with this index (0-based).
pub fn profile(seed: u64, index: u32) -> Profile {
    draw_profile(&mut customer_rng(seed, index), index)
}

#[derive(Debug, Clone)]
pub struct Customer {
    pub profile: Profile,
    pub name: String,
    pub contact_last_name: &'static str,
    pub contact_first_name: &'static str,
    pub phone: String,
    pub address_line1: String,
    pub address_line2: Option<String>,
    pub city: &'static str,
    pub state: Option<&'static str>,
    pub postal_code: Option<String>,
    pub country: &'static str,
    pub sales_rep: Option<u32>,
    pub credit_limit: Decimal,
}

/// What building a customer needs: the markets and each territory's reps.
#[derive(Debug)]
pub struct World {
    markets: Vec<Market>,
    reps: [Vec<u32>; 4],
}

impl World {
    pub fn new(staff: &Staff) -> Self {
        Self {
            markets: words::markets(),
            reps: TERRITORIES.map(|t| staff.reps(t)),
        }
    }

    fn reps(&self, territory: Territory) -> &[u32] {
        let index = TERRITORIES
            .iter()
            .position(|t| *t == territory)
            .unwrap_or(0);
        &self.reps[index]
    }
}

const TERRITORIES: [Territory; 4] = [
    Territory::Na,
    Territory::Emea,
    Territory::Apac,
    Territory::Japan,
];

fn company_name<R: Rng>(rng: &mut R, market: &Market, city: &str) -> String {
    let country = market.country;
    let last = *choose(rng, country.last_names);
    let adjective = *choose(rng, words::NAME_ADJECTIVES);
    let noun = *choose(rng, words::NAME_NOUNS);
    match rng.random_range(0..9) {
        0 => format!("{last} Mini Imports"),
        1 => format!(
            "{last} & {}, {}",
            choose(rng, country.last_names),
            country.company_suffix
        ),
        2 => format!("{city} {noun}"),
        3 => format!("{adjective} {noun}"),
        4 => format!("{adjective} {noun}, {}", choose(rng, words::NAME_SUFFIXES)),
        5 if last.ends_with('s') => format!("{last}' {noun}"),
        5 => format!("{last}'s {noun}"),
        6 => format!("{adjective} {noun} {}", country.company_suffix),
        7 if rng.random_bool(0.3) => format!("{noun} \"{last}\""),
        _ => format!("{adjective} {last} {noun}"),
    }
}

/// The customer with this index (0-based), derived from its own stream.
pub fn customer(seed: u64, index: u32, world: &World) -> Customer {
    let mut rng = customer_rng(seed, index);
    let profile = draw_profile(&mut rng, index);
    let market = &world.markets[pick_weighted(&mut rng, &world.markets, |m| m.weight)];
    let country = market.country;
    let city = choose(&mut rng, country.cities);
    let name = company_name(&mut rng, market, city.name);
    let contact_first_name = *choose(&mut rng, country.first_names);
    let contact_last_name = *choose(&mut rng, country.last_names);
    let phone = expand(city.phone, &mut rng);
    let address_line1 = street_address(&mut rng, country.style, country.streets);
    let address_line2 = rng.random_bool(0.15).then(|| {
        expand(
            choose::<&str, _>(&mut rng, words::ADDRESS_LINES_2),
            &mut rng,
        )
    });
    let postal_code = city.postal.map(|t| expand(t, &mut rng));
    let reps = world.reps(market.territory);
    let sales_rep = (profile.has_rep && !reps.is_empty()).then(|| *choose(&mut rng, reps));
    let credit_limit = if sales_rep.is_some() {
        let spread = rng.random_range(0.8..1.2);
        let hundreds = (profile.weight.sqrt() * 700.0 * spread)
            .round()
            .clamp(50.0, 3000.0);
        Decimal::from(hundreds as i64 * 100)
    } else {
        Decimal::ZERO
    };
    Customer {
        profile,
        name,
        contact_last_name,
        contact_first_name,
        phone,
        address_line1,
        address_line2,
        city: city.name,
        state: city.state,
        postal_code,
        country: market.name,
        sales_rep,
        credit_limit: credit_limit.round_dp(2),
    }
}

pub fn write_customers(dir: &Path, seed: u64, sizes: &Sizes, world: &World) -> Result<FileSummary> {
    let mut w = writer(
        dir,
        seed,
        "customers",
        &[
            "customerNumber",
            "customerName",
            "contactLastName",
            "contactFirstName",
            "phone",
            "addressLine1",
            "addressLine2",
            "city",
            "state",
            "postalCode",
            "country",
            "salesRepEmployeeNumber",
            "creditLimit",
        ],
    )?;
    for index in 0..sizes.customers {
        let c = customer(seed, index, world);
        w.write(&[
            Value::Int(c.profile.number.into()),
            Value::Text(&c.name),
            Value::Text(c.contact_last_name),
            Value::Text(c.contact_first_name),
            Value::Text(&c.phone),
            Value::Text(&c.address_line1),
            Value::opt_text(c.address_line2.as_deref()),
            Value::Text(c.city),
            Value::opt_text(c.state),
            Value::opt_text(c.postal_code.as_deref()),
            Value::Text(c.country),
            c.sales_rep
                .map_or(Value::Null, |rep| Value::Int(rep.into())),
            Value::Money(c.credit_limit),
        ])?;
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_customer_is_a_function_of_seed_and_index() {
        let sizes = Sizes::for_scale(1);
        let world = World::new(&Staff::new(42, &sizes));
        let a = customer(42, 7, &world);
        let b = customer(42, 7, &world);
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        assert_eq!(a.profile, profile(42, 7));
        assert_ne!(format!("{a:?}"), format!("{:?}", customer(42, 8, &world)));
        for index in 0..1000 {
            let c = customer(1, index, &world);
            assert!(c.profile.number < profile(1, index + 1).number);
            assert_eq!(c.sales_rep.is_some(), c.profile.has_rep);
            assert_eq!(c.credit_limit.is_zero(), c.sales_rep.is_none());
        }
    }
}

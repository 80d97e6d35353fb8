//! Static text of the classicmodels generator: the seven product lines with
//! their models, vendors and description phrases; the markets customers come
//! from (mostly the Chinook generator's countries, a few of their own);
//! company-name words and order comments.
//!
//! Like the real export, the text has what a loader must cope with: accents
//! (Müller, Françoise, São Paulo, Citroën, Škoda), apostrophes, commas and,
//! now and then, a `;`, a double quote or a line break inside a field.

use crate::generate::words::{AddressStyle, COUNTRIES, City, Country};

/// The sales territories of the offices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Territory {
    Na,
    Emea,
    Apac,
    Japan,
}

impl Territory {
    /// As written in `offices.territory`.
    pub fn code(self) -> &'static str {
        match self {
            Territory::Na => "NA",
            Territory::Emea => "EMEA",
            Territory::Apac => "APAC",
            Territory::Japan => "Japan",
        }
    }
}

/// One product line and what its products are made of.
#[derive(Debug)]
pub struct Line {
    pub name: &'static str,
    pub text_description: &'static str,
    /// Products of the line at scale 1 (the real sample's counts).
    pub products: u32,
    /// Model years, inclusive.
    pub years: (u16, u16),
    pub models: &'static [&'static str],
    /// Scales the line is made in, `1:<n>` with relative weights.
    pub scales: &'static [(u16, u32)],
    /// Buy price range in whole currency units.
    pub buy_price: (u32, u32),
    /// Features of the line's replicas (besides [`FEATURES`]).
    pub features: &'static [&'static str],
}

pub static LINES: &[Line] = &[
    Line {
        name: "Classic Cars",
        text_description: "Attention car enthusiasts: make your wildest car ownership dreams come true. Whether you are looking for classic muscle cars, dream sports cars or movie-inspired miniatures, you will find great choices in this category. These replicas feature superb attention to detail and craftsmanship, and offer features such as working steering, opening doors and hoods, detailed engines; many come with a certificate of authenticity.",
        products: 38,
        years: (1948, 2004),
        models: &[
            "Ferrari Dino 246 GT",
            "Ferrari Enzo",
            "Porsche 911 Carrera",
            "Mercedes-Benz 300 SL",
            "Citroën DS 21",
            "Alfa Romeo Giulia GTA",
            "Lamborghini Diablo",
            "Chevrolet Corvette Sting Ray",
            "Ford Mustang Fastback",
            "Jaguar E-Type",
            "Alpine Renault A110",
            "Škoda Octavia",
            "Dodge Charger",
            "Shelby Cobra",
            "BMW 2002 Turbo",
            "Aston Martin DB5",
            "Plymouth Superbird",
            "Pontiac GTO",
            "Toyota Supra",
            "Volkswagen Käfer",
            "Lancia Stratos",
            "Cadillac Eldorado",
            "Chevrolet Bel Air",
            "De Tomaso Pantera",
            "Saab 99 Turbo",
            "Volvo P1800",
            "Peugeot 504 Cabriolet",
            "Datsun 240Z",
        ],
        scales: &[(18, 5), (24, 3), (10, 1), (12, 1)],
        buy_price: (30, 105),
        features: CAR_FEATURES,
    },
    Line {
        name: "Motorcycles",
        text_description: "Our motorcycles are state of the art replicas of classic as well as contemporary motorcycle legends such as Harley Davidson, Ducati and Vespa. Models contain stunning details such as official logos, rotating wheels, working kickstand, front suspension, gear-shift lever, footbrake lever and drive chain. Materials used include diecast and plastic.",
        products: 13,
        years: (1936, 2003),
        models: &[
            "Harley Davidson Ultimate Chopper",
            "Ducati 900 Monster",
            "BMW R 1100 S",
            "Honda CB750",
            "Moto Guzzi Le Mans",
            "Triumph Bonneville",
            "Indian Scout",
            "Yamaha YZR M1",
            "Suzuki Hayabusa",
            "Kawasaki Z1",
            "Vespa GS 150",
            "Norton Commando",
            "Husqvarna Silverpilen",
        ],
        scales: &[(10, 2), (12, 1), (18, 1), (24, 1), (32, 1), (50, 1)],
        buy_price: (24, 92),
        features: &[
            "working kickstand",
            "front suspension",
            "gear-shift lever",
            "footbrake lever",
            "drive chain",
            "rotating wheels",
        ],
    },
    Line {
        name: "Planes",
        text_description: "Unique, diecast airplane and helicopter replicas suitable for collections, as well as home, office or classroom decorations. Models contain stunning details such as official logos and insignias, rotating jet engines and propellers, retractable wheels, and so on. Most come fully assembled and with a certificate of authenticity from their manufacturers.",
        products: 12,
        years: (1917, 2005),
        models: &[
            "Supermarine Spitfire",
            "P-51-D Mustang",
            "Boeing 747",
            "Concorde",
            "Douglas DC-3",
            "Junkers Ju 52",
            "Lockheed Constellation",
            "Sopwith Camel",
            "Fokker Dr.I",
            "Airbus A380",
            "Vought F4U Corsair",
            "Piper J-3 Cub",
            "Sud Aviation Caravelle",
        ],
        scales: &[(72, 3), (700, 2), (24, 1), (18, 1)],
        buy_price: (29, 80),
        features: &[
            "rotating propellers",
            "retractable landing gear",
            "detailed cockpit",
            "movable flaps",
        ],
    },
    Line {
        name: "Ships",
        text_description: "The perfect holiday or anniversary gift for executives, clients, friends, and family. These handcrafted model ships are unique, stunning works of art that will be treasured for generations! They come fully assembled and ready for display in the home or office. We guarantee the highest quality, and best value.",
        products: 9,
        years: (1620, 1952),
        models: &[
            "HMS Bounty",
            "RMS Titanic",
            "Queen Mary",
            "USS Constitution",
            "Mayflower",
            "Cutty Sark",
            "Santa María",
            "Pen Duick",
            "Amerigo Vespucci",
            "Yamato",
        ],
        scales: &[(700, 3), (72, 1), (18, 1), (24, 1)],
        buy_price: (24, 85),
        features: &[
            "functional sails and rigging",
            "hand-carved hull",
            "brass fittings",
            "working anchors",
        ],
    },
    Line {
        name: "Trains",
        text_description: "Model trains are a rewarding hobby for enthusiasts of all ages. Whether you're looking for collectible wooden trains, electric streetcars or locomotives, you'll find a number of great choices for any budget within this category. The interactive aspect of trains makes toy trains perfect for young children. The wooden train sets are ideal for children under the age of 5.",
        products: 3,
        years: (1904, 1998),
        models: &[
            "Flying Scotsman",
            "Orient Express Wagon-Lits",
            "Union Pacific Big Boy",
            "TGV Sud-Est",
            "Shinkansen 0 Series",
            "Glacier Express",
            "Collectable Wooden Train",
        ],
        scales: &[(32, 1), (50, 1), (18, 1)],
        buy_price: (26, 68),
        features: &[
            "rolling wheels",
            "detailed cab",
            "couplings that work",
            "a length of track",
        ],
    },
    Line {
        name: "Trucks and Buses",
        text_description: "The Truck and Bus models are realistic replicas of buses and specialized trucks produced from the early 1920s to present. The models range in size from 1:12 to 1:50 scale and include numerous limited edition and several out-of-production vehicles. Materials used include tin, diecast and plastic. All models include a certificate of authenticity from their manufacturers and are a perfect ornament for the home and office.",
        products: 11,
        years: (1926, 1999),
        models: &[
            "Ford F-150 Pickup",
            "Peterbilt 379",
            "Volvo FH16",
            "Mercedes-Benz O 302 Bus",
            "Volkswagen T1 Bus",
            "GMC Scenicruiser",
            "Mack R-Series",
            "Scania 141",
            "AEC Routemaster Double Decker",
            "Dodge Power Wagon",
            "Berliet GBC 8",
        ],
        scales: &[(12, 1), (18, 2), (24, 1), (32, 1), (50, 1)],
        buy_price: (24, 85),
        features: &[
            "opening doors",
            "working steering system",
            "rubber tires",
            "detailed interior with seats",
            "tilting cab",
        ],
    },
    Line {
        name: "Vintage Cars",
        text_description: "Our Vintage Car models realistically portray automobiles produced from the early 1900s through the 1940s. Materials used include Bakelite, diecast, plastic and wood. Most of the replicas are in the 1:18 and 1:24 scale sizes, which provide the optimum in detail and accuracy. Prices range from $30.00 up to $180.00 for some special limited edition replicas. All models include a certificate of authenticity from their manufacturers and come fully assembled and ready for display in the home or office.",
        products: 24,
        years: (1903, 1940),
        models: &[
            "Ford Model T Speedster",
            "Bugatti Type 35",
            "Rolls-Royce Silver Ghost",
            "Duesenberg SJ",
            "Packard Twelve",
            "Hispano-Suiza H6",
            "Mercedes-Benz SSK",
            "Citroën Traction Avant",
            "Austin Seven",
            "Cord 810",
            "Bentley Blower",
            "Cadillac V-16",
            "Delahaye 135",
            "Chrysler Airflow",
            "Lincoln Model K",
            "Talbot-Lago T150",
        ],
        scales: &[(18, 3), (24, 2), (32, 1), (50, 1)],
        buy_price: (20, 90),
        features: CAR_FEATURES,
    },
];

pub static VENDORS: &[&str] = &[
    "Min Lin Diecast",
    "Classic Metal Creations",
    "Highway 66 Mini Classics",
    "Red Start Diecast",
    "Motor City Art Classics",
    "Second Gear Diecast",
    "Autoart Studio Design",
    "Welly Diecast Productions",
    "Unimax Art Galleries",
    "Studio M Art Models",
    "Exoto Designs",
    "Gearbox Collectibles",
    "Carousel DieCast Legends",
    "Müller Modellbau",
    "Atelier Françoise Miniatures",
];

/// Variants appended to a model name now and then.
pub static VARIANTS: &[&str] = &[
    "Convertible",
    "Coupé",
    "Limited Edition",
    "Race Version",
    "Le Mans",
    "Custom",
];

/// Features of any replica.
pub static FEATURES: &[&str] = &[
    "factory baked enamel finish",
    "official logos and insignias",
    "hand-painted details",
    "display stand with brass plaque",
    "chrome-plated trim",
];

static CAR_FEATURES: &[&str] = &[
    "working steering system",
    "opening doors",
    "opening hood and trunk",
    "detailed engine",
    "rubber tires",
    "4-wheel independent spring suspension",
    "removable spare wheel",
];

pub static COLORS: &[&str] = &[
    "red",
    "black",
    "British racing green",
    "silver",
    "ivory",
    "blue and white",
    "bleu de France",
    "yellow",
];

pub static MATERIALS: &[&str] = &["diecast", "plastic", "wood", "tin", "resin", "Bakelite"];

pub static SERIES: &[&str] = &[
    "Signature",
    "Collector's Choice",
    "Heritage",
    "Grand Prix",
    "Édition Spéciale",
];

/// A customer market: a country, its name as written in the export, its
/// relative share of customers (the real sample's counts) and its territory.
#[derive(Debug)]
pub struct Market {
    pub country: &'static Country,
    pub name: &'static str,
    pub weight: u32,
    pub territory: Territory,
}

/// (country name in the generator's lists, name as exported, weight,
/// territory).
static MARKET_TABLE: &[(&str, &str, u32, Territory)] = &[
    ("USA", "USA", 36, Territory::Na),
    ("Germany", "Germany", 13, Territory::Emea),
    ("France", "France", 12, Territory::Emea),
    ("Spain", "Spain", 7, Territory::Emea),
    ("Australia", "Australia", 5, Territory::Apac),
    ("UK", "UK", 5, Territory::Emea),
    ("New Zealand", "New Zealand", 4, Territory::Apac),
    ("Italy", "Italy", 4, Territory::Emea),
    ("Finland", "Finland", 3, Territory::Emea),
    ("Switzerland", "Switzerland", 3, Territory::Emea),
    ("Singapore", "Singapore", 3, Territory::Apac),
    ("Canada", "Canada", 3, Territory::Na),
    ("Brazil", "Brazil", 2, Territory::Na),
    ("Portugal", "Portugal", 2, Territory::Emea),
    ("Ireland", "Ireland", 2, Territory::Emea),
    ("Norway", "Norway", 2, Territory::Emea),
    ("Austria", "Austria", 2, Territory::Emea),
    ("Sweden", "Sweden", 2, Territory::Emea),
    ("Denmark", "Denmark", 2, Territory::Emea),
    ("Japan", "Japan", 2, Territory::Japan),
    ("Belgium", "Belgium", 2, Territory::Emea),
    ("Netherlands", "Netherlands", 1, Territory::Emea),
    ("Poland", "Poland", 1, Territory::Emea),
];

/// A country of this generator or, failing that, of the Chinook lists.
pub fn country(name: &str) -> Option<&'static Country> {
    OWN_COUNTRIES
        .iter()
        .chain(COUNTRIES.iter())
        .find(|c| c.name == name)
}

/// The markets, in a fixed order.
pub fn markets() -> Vec<Market> {
    MARKET_TABLE
        .iter()
        .filter_map(|&(source, name, weight, territory)| {
            country(source).map(|country| Market {
                country,
                name,
                weight,
                territory,
            })
        })
        .collect()
}

const fn city(
    name: &'static str,
    state: Option<&'static str>,
    postal: Option<&'static str>,
    phone: &'static str,
) -> City {
    City {
        name,
        state,
        postal,
        phone,
    }
}

/// Countries the Chinook lists lack or name differently.
pub static OWN_COUNTRIES: &[Country] = &[
    Country {
        name: "Japan",
        weight: 0,
        cities: &[
            city("Tokyo", Some("Tokyo"), Some("1##-####"), "+81 3 #### ####"),
            city("Osaka", Some("Osaka"), Some("5##-####"), "+81 6 #### ####"),
            city("Kyoto", Some("Kyoto"), Some("60#-####"), "+81 75 ### ####"),
            city(
                "Yokohama",
                Some("Kanagawa"),
                Some("2##-####"),
                "+81 45 ### ####",
            ),
        ],
        style: AddressStyle::NumberCommaStreet,
        streets: &[
            "Ginza",
            "Nishi-Shinjuku",
            "Umeda",
            "Kawaramachi",
            "Motomachi",
        ],
        first_names: &[
            "Yuki", "Haruto", "Sakura", "Ren", "Aoi", "Hiroshi", "Mami", "Kenji",
        ],
        last_names: &[
            "Satō",
            "Suzuki",
            "Takahashi",
            "Tanaka",
            "Watanabe",
            "Itō",
            "Yamamoto",
            "Ōno",
        ],
        email_domains: &["ocn.ne.jp", "nifty.com"],
        company_suffix: "K.K.",
    },
    Country {
        name: "New Zealand",
        weight: 0,
        cities: &[
            city("Auckland", None, Some("10##"), "+64 9 ### ####"),
            city("Wellington", None, Some("60##"), "+64 4 ### ####"),
            city("Christchurch", None, Some("80##"), "+64 3 ### ####"),
        ],
        style: AddressStyle::NumberStreet,
        streets: &[
            "Queen Street",
            "Lambton Quay",
            "Karangahape Road",
            "Colombo Street",
        ],
        first_names: &["Aroha", "Liam", "Mereana", "Hemi", "Olivia", "Tama"],
        last_names: &[
            "Ngata",
            "Smith",
            "Te Whare",
            "Walker",
            "Parata",
            "O'Sullivan",
        ],
        email_domains: &["xtra.co.nz"],
        company_suffix: "Ltd.",
    },
    Country {
        name: "Switzerland",
        weight: 0,
        cities: &[
            city("Genève", None, Some("12##"), "+41 22 ### ## ##"),
            city("Zürich", None, Some("80##"), "+41 44 ### ## ##"),
            city("Bern", None, Some("30##"), "+41 31 ### ## ##"),
            city("Lausanne", None, Some("10##"), "+41 21 ### ## ##"),
        ],
        style: AddressStyle::StreetNumber,
        streets: &[
            "Bahnhofstrasse",
            "Rue du Rhône",
            "Marktgasse",
            "Avenue de Rumine",
        ],
        first_names: &["Jürg", "Chloé", "Luca", "Noémie", "Urs", "Mathilde"],
        last_names: &["Brügger", "Favre", "Keller", "Rochat", "Müller", "Gerber"],
        email_domains: &["bluewin.ch"],
        company_suffix: "AG",
    },
    Country {
        name: "Singapore",
        weight: 0,
        cities: &[city("Singapore", None, Some("0#####"), "+65 6### ####")],
        style: AddressStyle::NumberStreet,
        streets: &[
            "Orchard Road",
            "Bras Basah Road",
            "North Bridge Road",
            "Jalan Besar",
        ],
        first_names: &["Wei Ling", "Jun Jie", "Siti", "Arjun", "Mei", "Rajesh"],
        last_names: &["Tan", "Lim", "Ng", "Wong", "Kumar", "Abdullah"],
        email_domains: &["singnet.com.sg"],
        company_suffix: "Pte Ltd",
    },
    Country {
        name: "Australia",
        weight: 0,
        cities: &[
            city("Sydney", Some("NSW"), Some("2###"), "+61 2 #### ####"),
            city(
                "Melbourne",
                Some("Victoria"),
                Some("3###"),
                "+61 3 #### ####",
            ),
            city(
                "Brisbane",
                Some("Queensland"),
                Some("4###"),
                "+61 7 #### ####",
            ),
            city(
                "Glen Waverly",
                Some("Victoria"),
                Some("3150"),
                "+61 3 #### ####",
            ),
        ],
        style: AddressStyle::NumberStreet,
        streets: &[
            "Oxford St",
            "George Street",
            "Collins Street",
            "Queen Street",
        ],
        first_names: &["Mark", "Olivia", "Jack", "Chloe", "Anna", "Peter"],
        last_names: &[
            "Taylor", "Wilson", "Nguyen", "O'Brien", "Ferguson", "Huxley",
        ],
        email_domains: &["bigpond.com"],
        company_suffix: "Pty Ltd",
    },
    Country {
        name: "UK",
        weight: 0,
        cities: &[
            city("London", None, Some("@C# #@@"), "+44 20 #### ####"),
            city("Manchester", None, Some("M# #@@"), "+44 161 ### ####"),
            city("Liverpool", None, Some("L# #@@"), "+44 151 ### ####"),
            city(
                "Cowes",
                Some("Isle of Wight"),
                Some("PO31 #@@"),
                "+44 1983 ######",
            ),
        ],
        style: AddressStyle::NumberStreet,
        streets: &[
            "Fauntleroy Circus",
            "Berkeley Gardens Blvd",
            "Garden House Crowther Way",
            "Kingsway",
        ],
        first_names: &["Oliver", "Siân", "Amelia", "Harry", "Niamh", "Rhys"],
        last_names: &[
            "Ashworth",
            "Brown",
            "Devon",
            "Ó Ceallaigh",
            "Hernández",
            "Smith",
        ],
        email_domains: &["btinternet.com"],
        company_suffix: "Ltd.",
    },
];

/// Words of generated company names.
pub static NAME_ADJECTIVES: &[&str] = &[
    "Classic", "Mini", "Vintage", "Royal", "Golden", "Auto", "Diecast", "Scale", "Heritage",
    "Petit", "Grand", "Euro+", "Alpine", "Atlantic",
];

pub static NAME_NOUNS: &[&str] = &[
    "Gifts",
    "Collectables",
    "Models",
    "Souvenirs",
    "Replicas",
    "Hobbies",
    "Toys",
    "Wheels",
    "Garage",
    "Imports",
    "Traders",
    "Emporium",
    "Shopping Channel",
    "Gift Stores",
];

pub static NAME_SUFFIXES: &[&str] = &["Co.", "Ltd.", "Inc.", "Corp.", "Ltd"];

/// Comments of orders by status; `\n` makes a comment span lines.
pub static SHIPPED_COMMENTS: &[&str] = &[
    "Customer requested that FedEx Ground is used for this shipping",
    "Check on availability.",
    "Difficult to negotiate with customer. We need more marketing materials",
    "Customer is interested in buying more Ferrari models",
    "Can we deliver the new Ford Mustang models by end-of-quarter?",
    "Customer very concerned about the exact color of the models; there is a risk of a dispute over a slight color mismatch",
    "Customer requested special shipment. The instructions were passed along to the warehouse",
    "Please ship by sea.\nInvoice to the head office.",
    "They want to reevaluate their terms agreement with Finance.",
    "Customer asked for \"gift wrapping\" on every item",
    "Fragile: pack the ships in double boxes",
];

pub static CANCELLED_COMMENTS: &[&str] = &[
    "Customer cancelled the order; the order had not shipped yet",
    "Customer called to cancel. The warehouse was notified in time.",
    "Customer credit limit exceeded; order cancelled",
];

pub static CANCELLED_AFTER_SHIPPING: &str =
    "Cancelled after shipping: the customer refused the delivery and the models came back";

pub static ON_HOLD_COMMENTS: &[&str] = &[
    "Customer credit limit exceeded. Will ship when a payment is received",
    "Waiting for the customer to confirm the delivery address",
];

pub static DISPUTED_COMMENTS: &[&str] = &[
    "Customer claims the container with the shipment was damaged during shipping and some items were missing. I am talking to FedEx to sort this out.",
    "The customer disputes the invoice: wrong models delivered",
    "Customer doesn't like the colors and precision of the models.",
];

pub static RESOLVED_COMMENTS: &[&str] = &[
    "Disputed then resolved: the customer was credited for the damaged models",
    "Customer disputed the order; we agreed to send the missing items at no cost.\nDispute closed.",
    "Customer was unhappy with the \"precision\" of the models; resolved with a discount on the next order",
];

pub static IN_PROCESS_COMMENTS: &[&str] = &[
    "Check on availability.",
    "Order confirmed by phone; ship as soon as the last items arrive",
];

/// A second address line now and then (`#` a digit, `@` a letter).
pub static ADDRESS_LINES_2: &[&str] = &[
    "Suite ###",
    "Level #",
    "Floor No. #",
    "PO Box ####",
    "Bât. @",
    "2e étage",
    "Apt. ##@",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_market_has_its_country() {
        assert_eq!(markets().len(), MARKET_TABLE.len());
        let total: u32 = markets().iter().map(|m| m.weight).sum();
        assert!(total > 100, "{total}");
        let products: u32 = LINES.iter().map(|l| l.products).sum();
        assert_eq!(products, 110);
        for line in LINES {
            assert!(line.models.len() >= 3 && !line.scales.is_empty());
            assert!(line.buy_price.0 < line.buy_price.1 && line.years.0 < line.years.1);
        }
    }
}

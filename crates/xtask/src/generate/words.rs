//! Static text the generator draws from: countries with their cities, postal
//! code and phone formats, street names and personal names; music words.
//!
//! Templates: `#` is replaced by a random digit, `@` by a random capital
//! letter, anything else is copied. The data deliberately contains what the
//! real Chinook files contain: commas, apostrophes, non-ASCII Latin letters
//! (NFC), postal codes with leading zeros, `Edinburgh ` with a trailing space.

/// One city: the state is `None` where Chinook leaves it NULL; the postal
/// code template is `None` where the country's customers have no postal code.
#[derive(Debug)]
pub struct City {
    pub name: &'static str,
    pub state: Option<&'static str>,
    pub postal: Option<&'static str>,
    pub phone: &'static str,
}

/// How a street address is written in a country.
#[derive(Debug, Clone, Copy)]
pub enum AddressStyle {
    /// `1600 Amphitheatre Parkway`
    NumberStreet,
    /// `Theodor-Heuss-Straße 34`
    StreetNumber,
    /// `Av. Paulista, 2022`
    StreetCommaNumber,
    /// `4, Rue Milton`
    NumberCommaStreet,
    /// `3,Raj Bhavan Road`
    NumberCommaTight,
}

#[derive(Debug)]
pub struct Country {
    pub name: &'static str,
    /// Relative share of customers (the real data set's customer counts).
    pub weight: u32,
    pub cities: &'static [City],
    pub style: AddressStyle,
    pub streets: &'static [&'static str],
    pub first_names: &'static [&'static str],
    pub last_names: &'static [&'static str],
    pub email_domains: &'static [&'static str],
    /// Legal-form suffix for generated company names.
    pub company_suffix: &'static str,
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

use AddressStyle::{
    NumberCommaStreet, NumberCommaTight, NumberStreet, StreetCommaNumber, StreetNumber,
};

pub static COUNTRIES: &[Country] = &[
    Country {
        name: "USA",
        weight: 13,
        cities: &[
            city(
                "New York",
                Some("NY"),
                Some("100##-####"),
                "+1 (212) ###-####",
            ),
            city(
                "Mountain View",
                Some("CA"),
                Some("9404#-####"),
                "+1 (650) ###-####",
            ),
            city(
                "Redmond",
                Some("WA"),
                Some("98052-####"),
                "+1 (425) ###-####",
            ),
            city("Cupertino", Some("CA"), Some("95014"), "+1 (408) ###-####"),
            city("Reno", Some("NV"), Some("895##"), "+1 (775) ###-####"),
            city("Orlando", Some("FL"), Some("328##"), "+1 (407) ###-####"),
            city("Boston", Some("MA"), Some("021##"), "+1 (617) ###-####"),
            city("Chicago", Some("IL"), Some("606##"), "+1 (312) ###-####"),
            city("Madison", Some("WI"), Some("537##"), "+1 (608) ###-####"),
            city("Fort Worth", Some("TX"), Some("761##"), "+1 (817) ###-####"),
            city("Tucson", Some("AZ"), Some("857##"), "+1 (520) ###-####"),
            city(
                "Salt Lake City",
                Some("UT"),
                Some("841##"),
                "+1 (801) ###-####",
            ),
            city("Seattle", Some("WA"), Some("981##"), "+1 (206) ###-####"),
            city("Austin", Some("TX"), Some("787##"), "+1 (512) ###-####"),
            city("Newark", Some("NJ"), Some("071##"), "+1 (973) ###-####"),
            city("Denver", Some("CO"), Some("802##"), "+1 (303) ###-####"),
        ],
        style: NumberStreet,
        streets: &[
            "Amphitheatre Parkway",
            "Microsoft Way",
            "Broadway",
            "Infinite Loop",
            "S. Las Vegas Blvd",
            "Tremont Street",
            "N. Michigan Ave",
            "Main Street",
            "Elm Street",
            "Lake Shore Drive",
            "Sunset Blvd",
            "Pine Avenue",
            "Martin Luther King Jr. Blvd",
            "E. Commerce St",
        ],
        first_names: &[
            "Frank", "Jack", "Michelle", "Tim", "Dan", "Kathy", "Heather", "John", "Victor",
            "Richard", "Patrick", "Julia", "Emily", "Olivia", "Noah", "Zoë", "José", "Chloé",
        ],
        last_names: &[
            "Harris",
            "Smith",
            "Brooks",
            "Goyer",
            "Miller",
            "Chase",
            "Gordon",
            "Ralston",
            "Stevens",
            "Cunningham",
            "Barnett",
            "Gray",
            "O'Brien",
            "O'Connor",
            "Nguyen",
            "García",
            "Rodríguez",
        ],
        email_domains: &[
            "gmail.com",
            "yahoo.com",
            "hotmail.com",
            "aol.com",
            "apple.com",
            "microsoft.com",
        ],
        company_suffix: "Inc.",
    },
    Country {
        name: "Canada",
        weight: 8,
        cities: &[
            city("Montréal", Some("QC"), Some("H#@ #@#"), "+1 (514) ###-####"),
            city("Québec", Some("QC"), Some("G#@ #@#"), "+1 (418) ###-####"),
            city("Edmonton", Some("AB"), Some("T#@ #@#"), "+1 (780) ###-####"),
            city("Calgary", Some("AB"), Some("T#@ #@#"), "+1 (403) ###-####"),
            city(
                "Vancouver",
                Some("BC"),
                Some("V#@ #@#"),
                "+1 (604) ###-####",
            ),
            city("Toronto", Some("ON"), Some("M#@ #@#"), "+1 (416) ###-####"),
            city("Ottawa", Some("ON"), Some("K#@ #@#"), "+1 (613) ###-####"),
            city("Halifax", Some("NS"), Some("B#@ #@#"), "+1 (902) ###-####"),
            city("Winnipeg", Some("MB"), Some("R#@ #@#"), "+1 (204) ###-####"),
            city(
                "Yellowknife",
                Some("NT"),
                Some("X#@ #@#"),
                "+1 (867) ###-####",
            ),
        ],
        style: NumberStreet,
        streets: &[
            "rue Bélanger",
            "rue Sainte-Catherine",
            "Jasper Ave NW",
            "Macleod Trail SE",
            "Granville Street",
            "Yonge Street",
            "Bank Street",
            "Chebucto Rd",
            "Osborne Street",
            "Franklin Ave",
            "chemin de la Côte-des-Neiges",
        ],
        first_names: &[
            "François",
            "Mark",
            "Jennifer",
            "Robert",
            "Edward",
            "Martha",
            "Aaron",
            "Ellie",
            "Gabrielle",
            "Hélène",
            "Liam",
        ],
        last_names: &[
            "Tremblay",
            "Philips",
            "Peterson",
            "Brown",
            "Francis",
            "Silk",
            "Mitchell",
            "Sullivan",
            "Gagnon",
            "Côté",
            "Lévesque",
            "MacDonald",
        ],
        email_domains: &[
            "gmail.com",
            "telus.com",
            "rogers.ca",
            "shaw.ca",
            "yahoo.ca",
            "videotron.ca",
        ],
        company_suffix: "Ltd.",
    },
    Country {
        name: "Brazil",
        weight: 5,
        cities: &[
            city(
                "São José dos Campos",
                Some("SP"),
                Some("122##-###"),
                "+55 (12) ####-####",
            ),
            city(
                "São Paulo",
                Some("SP"),
                Some("01###-###"),
                "+55 (11) ####-####",
            ),
            city(
                "Rio de Janeiro",
                Some("RJ"),
                Some("20###-###"),
                "+55 (21) ####-####",
            ),
            city(
                "Brasília",
                Some("DF"),
                Some("71###-###"),
                "+55 (61) ####-####",
            ),
            city(
                "Belo Horizonte",
                Some("MG"),
                Some("30###-###"),
                "+55 (31) ####-####",
            ),
            city(
                "Florianópolis",
                Some("SC"),
                Some("88###-###"),
                "+55 (48) ####-####",
            ),
        ],
        style: StreetCommaNumber,
        streets: &[
            "Av. Brigadeiro Faria Lima",
            "Rua Dr. Falcão Filho",
            "Av. Paulista",
            "Praça Pio X",
            "Rua da Assunção",
            "Avenida Atlântica",
            "Rua São João",
            "Rua Conceição",
        ],
        first_names: &[
            "Luís",
            "Eduardo",
            "Alexandre",
            "Roberto",
            "Fernanda",
            "João",
            "Ana",
            "Conceição",
            "Thiago",
        ],
        last_names: &[
            "Gonçalves",
            "Martins",
            "Rocha",
            "Almeida",
            "Ramos",
            "Souza",
            "Araújo",
            "Magalhães",
            "Brandão",
        ],
        email_domains: &[
            "embraer.com.br",
            "yahoo.com.br",
            "uol.com.br",
            "gmail.com",
            "bol.com.br",
        ],
        company_suffix: "S.A.",
    },
    Country {
        name: "France",
        weight: 5,
        cities: &[
            city("Paris", None, Some("750##"), "+33 01 ## ## ## ##"),
            city("Lyon", None, Some("6900#"), "+33 04 ## ## ## ##"),
            city("Bordeaux", None, Some("33000"), "+33 05 ## ## ## ##"),
            city("Dijon", None, Some("21000"), "+33 03 ## ## ## ##"),
            city("Marseille", None, Some("130##"), "+33 04 ## ## ## ##"),
            city("Toulouse", None, Some("310##"), "+33 05 ## ## ## ##"),
        ],
        style: NumberCommaStreet,
        streets: &[
            "Rue Milton",
            "Rue Hanovre",
            "Place Bellecour",
            "Rue de l'Église",
            "Boulevard Saint-Michel",
            "Avenue des Champs-Élysées",
            "Rue Jouvence",
            "Rue du Faubourg Saint-Honoré",
        ],
        first_names: &[
            "Camille",
            "Dominique",
            "Marc",
            "Isabelle",
            "Élodie",
            "Hélène",
            "Benoît",
            "Loïc",
        ],
        last_names: &[
            "Bernard",
            "Lefebvre",
            "Dubois",
            "Girard",
            "Mercier",
            "Lefèvre",
            "Fontaine",
            "Besançon",
        ],
        email_domains: &[
            "wanadoo.fr",
            "yahoo.fr",
            "gmail.com",
            "free.fr",
            "orange.fr",
        ],
        company_suffix: "SARL",
    },
    Country {
        name: "Germany",
        weight: 4,
        cities: &[
            city("Stuttgart", None, Some("70###"), "+49 0711 #######"),
            city("Berlin", None, Some("107##"), "+49 030 ########"),
            city("Frankfurt", None, Some("603##"), "+49 069 ########"),
            city("München", None, Some("80###"), "+49 089 #######"),
            city("Köln", None, Some("50###"), "+49 0221 #######"),
            city("Dresden", None, Some("01###"), "+49 0351 #######"),
        ],
        style: StreetNumber,
        streets: &[
            "Theodor-Heuss-Straße",
            "Tauentzienstraße",
            "Berger Straße",
            "Barbarossastraße",
            "Königsallee",
            "Schloßstraße",
            "Lindenstraße",
            "Hauptstraße",
        ],
        first_names: &[
            "Leonie", "Hannah", "Niklas", "Fynn", "Jürgen", "Jörg", "Lukas", "Sophie",
        ],
        last_names: &[
            "Köhler",
            "Schröder",
            "Zimmermann",
            "Müller",
            "Weiß",
            "Schneider",
            "Fischer",
            "Groß",
        ],
        email_domains: &["surfeu.de", "gmx.de", "web.de", "t-online.de", "yahoo.de"],
        company_suffix: "GmbH",
    },
    Country {
        name: "United Kingdom",
        weight: 3,
        cities: &[
            city("London", None, Some("N# #@@"), "+44 020 #### ####"),
            city("London", None, Some("SW1@ #@@"), "+44 020 #### ####"),
            city("Edinburgh ", None, Some("EH# #@@"), "+44 0131 ### ####"),
            city("Manchester", None, Some("M## #@@"), "+44 0161 ### ####"),
            city("Bristol", None, Some("BS# #@@"), "+44 0117 ### ####"),
        ],
        style: NumberStreet,
        streets: &[
            "Upper Street",
            "Baker Street",
            "Abbey Road",
            "King's Road",
            "Princes Street",
            "Oxford Road",
            "Vauxhall Bridge Road",
        ],
        first_names: &["Emma", "Phil", "Steve", "Oliver", "Amelia", "Harry", "Siân"],
        last_names: &[
            "Jones", "Hughes", "Murray", "Smith", "Taylor", "Wilson", "O'Neill",
        ],
        email_domains: &[
            "yahoo.co.uk",
            "gmail.com",
            "btinternet.com",
            "hotmail.co.uk",
        ],
        company_suffix: "Ltd.",
    },
    Country {
        name: "Czech Republic",
        weight: 2,
        cities: &[
            city("Prague", None, Some("1##00"), "+420 2 #### ####"),
            city("Brno", None, Some("6##00"), "+420 5 #### ####"),
            city("Ostrava", None, Some("7##00"), "+420 59 ### ####"),
        ],
        style: StreetNumber,
        streets: &[
            "Klanova",
            "Rilská",
            "Vinohradská",
            "Národní",
            "Masarykova",
            "Dlouhá",
        ],
        first_names: &["František", "Helena", "Jiří", "Tomáš", "Kateřina", "Petr"],
        last_names: &[
            "Wichterlová",
            "Holý",
            "Novák",
            "Dvořák",
            "Svoboda",
            "Černý",
            "Procházka",
        ],
        email_domains: &["jetbrains.com", "seznam.cz", "centrum.cz", "gmail.com"],
        company_suffix: "s.r.o.",
    },
    Country {
        name: "Portugal",
        weight: 2,
        cities: &[
            city("Lisbon", None, None, "+351 (213) ###-###"),
            city("Porto", None, None, "+351 (225) ###-###"),
            city("Coimbra", None, Some("3000-###"), "+351 (239) ###-###"),
        ],
        style: StreetCommaNumber,
        streets: &[
            "Rua da Assunção",
            "Rua dos Campeões Europeus de Viena",
            "Avenida da Liberdade",
            "Rua Augusta",
        ],
        first_names: &["João", "Madalena", "Tiago", "Inês"],
        last_names: &["Fernandes", "Sampaio", "Costa", "Gonçalves"],
        email_domains: &["netcabo.pt", "sapo.pt", "gmail.com"],
        company_suffix: "Lda.",
    },
    Country {
        name: "India",
        weight: 2,
        cities: &[
            city("Delhi", None, Some("1100##"), "+91 0124 ########"),
            city("Bangalore", None, Some("5600##"), "+91 080 ########"),
            city("Mumbai", None, Some("4000##"), "+91 022 ########"),
        ],
        style: NumberCommaTight,
        streets: &[
            "Raj Bhavan Road",
            "Community Centre",
            "M.G. Road",
            "Brigade Road",
        ],
        first_names: &["Manoj", "Puja", "Arjun", "Priya", "Rahul"],
        last_names: &["Pareek", "Srivastava", "Sharma", "Patel", "Iyer"],
        email_domains: &["rediffmail.com", "yahoo.in", "gmail.com"],
        company_suffix: "Pvt. Ltd.",
    },
    Country {
        name: "Norway",
        weight: 1,
        cities: &[
            city("Oslo", None, Some("0###"), "+47 22 ## ## ##"),
            city("Bergen", None, Some("5###"), "+47 55 ## ## ##"),
        ],
        style: StreetNumber,
        streets: &[
            "Ullevålsveien",
            "Karl Johans gate",
            "Bygdøy allé",
            "Torggata",
        ],
        first_names: &["Bjørn", "Kari", "Ole", "Ingrid"],
        last_names: &["Hansen", "Johansen", "Olsen", "Sæther"],
        email_domains: &["yahoo.no", "online.no", "gmail.com"],
        company_suffix: "AS",
    },
    Country {
        name: "Austria",
        weight: 1,
        cities: &[
            city("Vienne", None, Some("1010"), "+43 01 #######"),
            city("Graz", None, Some("80##"), "+43 0316 ######"),
            city("Salzburg", None, Some("50##"), "+43 0662 ######"),
        ],
        style: StreetNumber,
        streets: &["Rotenturmstraße", "Mariahilfer Straße", "Getreidegasse"],
        first_names: &["Astrid", "Lukas", "Maximilian", "Theresa"],
        last_names: &["Gruber", "Huber", "Bauer", "Wagner"],
        email_domains: &["yahoo.at", "gmx.at", "chello.at"],
        company_suffix: "GmbH",
    },
    Country {
        name: "Belgium",
        weight: 1,
        cities: &[
            city("Brussels", None, Some("1000"), "+32 02 ### ## ##"),
            city("Antwerpen", None, Some("2000"), "+32 03 ### ## ##"),
            city("Liège", None, Some("4000"), "+32 04 ### ## ##"),
        ],
        style: StreetNumber,
        streets: &["Grétrystraat", "Rue de la Loi", "Meir", "Boulevard d'Avroy"],
        first_names: &["Daan", "Lotte", "Étienne", "Noémie"],
        last_names: &["Peeters", "Janssens", "Dubois", "Maes"],
        email_domains: &["yahoo.be", "skynet.be", "telenet.be"],
        company_suffix: "NV",
    },
    Country {
        name: "Denmark",
        weight: 1,
        cities: &[
            city("Copenhagen", None, Some("1###"), "+453 3### ####"),
            city("Aarhus", None, Some("8000"), "+45 86 ## ## ##"),
        ],
        style: StreetNumber,
        streets: &["Sønder Boulevard", "Strøget", "Nørrebrogade"],
        first_names: &["Kara", "Mads", "Søren", "Freja"],
        last_names: &["Nielsen", "Jensen", "Sørensen", "Pedersen"],
        email_domains: &["yahoo.dk", "jubii.dk"],
        company_suffix: "A/S",
    },
    Country {
        name: "Finland",
        weight: 1,
        cities: &[
            city("Helsinki", None, Some("00###"), "+358 09 ### ####"),
            city("Tampere", None, Some("33###"), "+358 03 ### ####"),
        ],
        style: StreetNumber,
        streets: &["Porthaninkatu", "Mannerheimintie", "Hämeenkatu"],
        first_names: &["Terhi", "Mikko", "Aino", "Jyrki"],
        last_names: &["Hämäläinen", "Virtanen", "Mäkinen", "Korhonen"],
        email_domains: &["apple.fi", "elisa.fi", "gmail.com"],
        company_suffix: "Oy",
    },
    Country {
        name: "Hungary",
        weight: 1,
        cities: &[
            city("Budapest", None, Some("H-1###"), "+36 1 ### ####"),
            city("Debrecen", None, Some("H-40##"), "+36 52 ### ###"),
        ],
        style: StreetNumber,
        streets: &["Erzsébet krt.", "Andrássy út", "Váci utca"],
        first_names: &["Ladislav", "László", "Zsófia", "Ádám"],
        last_names: &["Kovács", "Nagy", "Tóth", "Szabó"],
        email_domains: &["freemail.hu", "gmail.com"],
        company_suffix: "Kft.",
    },
    Country {
        name: "Ireland",
        weight: 1,
        cities: &[
            city("Dublin", Some("Dublin"), None, "+353 01 #######"),
            city("Cork", Some("Cork"), None, "+353 021 #######"),
        ],
        style: NumberStreet,
        streets: &["Chatham Street", "Grafton Street", "O'Connell Street"],
        first_names: &["Hugh", "Siobhán", "Aoife", "Seán"],
        last_names: &["O'Reilly", "Murphy", "Kelly", "O'Sullivan"],
        email_domains: &["yahoo.ie", "eircom.net", "gmail.com"],
        company_suffix: "Ltd.",
    },
    Country {
        name: "Italy",
        weight: 1,
        cities: &[
            city("Rome", Some("RM"), Some("00###"), "+39 06 ########"),
            city("Milano", Some("MI"), Some("201##"), "+39 02 ########"),
            city("Torino", Some("TO"), Some("101##"), "+39 011 #######"),
        ],
        style: StreetCommaNumber,
        streets: &[
            "Via Degli Scipioni",
            "Via del Corso",
            "Piazza di Spagna",
            "Via Nazionale",
        ],
        first_names: &["Lucas", "Giulia", "Niccolò", "Francesca"],
        last_names: &["Mancini", "Rossi", "Bianchi", "Ricci", "D'Angelo"],
        email_domains: &["yahoo.it", "libero.it", "tiscali.it"],
        company_suffix: "S.p.A.",
    },
    Country {
        name: "Netherlands",
        weight: 1,
        cities: &[
            city("Amsterdam", Some("VV"), Some("10## @@"), "+31 020 #######"),
            city("Rotterdam", Some("ZH"), Some("30## @@"), "+31 010 #######"),
        ],
        style: StreetNumber,
        streets: &["Lijnbaansgracht", "Prinsengracht", "Coolsingel"],
        first_names: &["Johannes", "Sanne", "Daan", "Eline"],
        last_names: &["Van der Berg", "de Vries", "van Dijk", "Bakker"],
        email_domains: &["yahoo.nl", "xs4all.nl", "kpnmail.nl"],
        company_suffix: "B.V.",
    },
    Country {
        name: "Poland",
        weight: 1,
        cities: &[
            city("Warsaw", None, Some("00-###"), "+48 22 ### ## ##"),
            city("Kraków", None, Some("30-###"), "+48 12 ### ## ##"),
            city("Łódź", None, Some("90-###"), "+48 42 ### ## ##"),
        ],
        style: StreetNumber,
        streets: &[
            "Ordynacka",
            "Marszałkowska",
            "Floriańska",
            "ul. Piotrkowska",
        ],
        first_names: &["Stanisław", "Łukasz", "Agnieszka", "Małgorzata"],
        last_names: &["Wójcik", "Kowalski", "Wiśniewski", "Lewandowski"],
        email_domains: &["wp.pl", "onet.pl", "o2.pl"],
        company_suffix: "Sp. z o.o.",
    },
    Country {
        name: "Spain",
        weight: 1,
        cities: &[
            city("Madrid", None, Some("28###"), "+34 91# ### ###"),
            city("Barcelona", None, Some("08###"), "+34 93# ### ###"),
            city("Sevilla", None, Some("41###"), "+34 95# ### ###"),
        ],
        style: StreetNumber,
        streets: &[
            "C/ San Bernardo",
            "Calle de Alcalá",
            "Passeig de Gràcia",
            "Avenida de la Constitución",
        ],
        first_names: &["Enrique", "Lucía", "José", "María"],
        last_names: &["Muñoz", "García", "Fernández", "Núñez"],
        email_domains: &["yahoo.es", "telefonica.es", "gmail.com"],
        company_suffix: "S.L.",
    },
    Country {
        name: "Sweden",
        weight: 1,
        cities: &[
            city("Stockholm", None, Some("1##3#"), "+46 08-### ## ##"),
            city("Göteborg", None, Some("4## ##"), "+46 031-### ## ##"),
            city("Malmö", None, Some("2## ##"), "+46 040-## ## ##"),
        ],
        style: StreetNumber,
        streets: &["Celsiusg.", "Drottninggatan", "Kungsgatan", "Södergatan"],
        first_names: &["Joakim", "Åsa", "Björn", "Märta"],
        last_names: &["Johansson", "Andersson", "Lindqvist", "Åberg"],
        email_domains: &["yahoo.se", "telia.com", "bredband.net"],
        company_suffix: "AB",
    },
    Country {
        name: "Australia",
        weight: 1,
        cities: &[
            city("Sidney", Some("NSW"), Some("2###"), "+61 (02) #### ####"),
            city("Melbourne", Some("VIC"), Some("3###"), "+61 (03) #### ####"),
            city("Brisbane", Some("QLD"), Some("4###"), "+61 (07) #### ####"),
            city("Darwin", Some("NT"), Some("08##"), "+61 (08) #### ####"),
        ],
        style: NumberStreet,
        streets: &[
            "Oxford St",
            "George Street",
            "Collins Street",
            "Queen Street",
        ],
        first_names: &["Mark", "Olivia", "Jack", "Chloe"],
        last_names: &["Taylor", "Wilson", "Nguyen", "O'Brien"],
        email_domains: &["yahoo.com.au", "bigpond.com", "gmail.com"],
        company_suffix: "Pty Ltd",
    },
    Country {
        name: "Argentina",
        weight: 1,
        cities: &[
            city("Buenos Aires", None, Some("1###"), "+54 (0)11 #### ####"),
            city("Córdoba", None, Some("5000"), "+54 (0)351 ### ####"),
        ],
        style: StreetNumber,
        streets: &["Av. Corrientes", "Av. de Mayo", "Calle Florida"],
        first_names: &["Diego", "Martina", "Santiago", "Sofía"],
        last_names: &["Gutiérrez", "González", "Rodríguez", "Fernández"],
        email_domains: &["yahoo.com.ar", "fibertel.com.ar"],
        company_suffix: "S.R.L.",
    },
    Country {
        name: "Chile",
        weight: 1,
        cities: &[
            city("Santiago", None, None, "+56 (0)2 ### ####"),
            city("Valparaíso", None, None, "+56 (0)32 ### ####"),
        ],
        style: StreetNumber,
        streets: &["Calle Lira", "Avenida Providencia", "Paseo Ahumada"],
        first_names: &["Luis", "Catalina", "Matías", "Valentina"],
        last_names: &["Rojas", "Muñoz", "Soto", "Contreras"],
        email_domains: &["yahoo.cl", "vtr.net"],
        company_suffix: "Ltda.",
    },
];

/// Real-world company names used now and then (Chinook has a few like these).
pub static COMPANIES: &[&str] = &[
    "Embraer - Empresa Brasileira de Aeronáutica S.A.",
    "JetBrains s.r.o.",
    "Woodstock Discos",
    "Banco do Brasil S.A.",
    "Riotur",
    "Telus",
    "Rogers Canada",
    "Google Inc.",
    "Microsoft Corporation",
    "Apple Inc.",
];

/// The 25 genres of the real data set (ids 1..=25 in this order) and the
/// relative number of tracks each one has there.
pub static GENRES: &[(&str, u32)] = &[
    ("Rock", 1297),
    ("Jazz", 130),
    ("Metal", 374),
    ("Alternative & Punk", 332),
    ("Rock And Roll", 12),
    ("Blues", 81),
    ("Latin", 579),
    ("Reggae", 58),
    ("Pop", 48),
    ("Soundtrack", 43),
    ("Bossa Nova", 15),
    ("Easy Listening", 24),
    ("Heavy Metal", 28),
    ("R&B/Soul", 61),
    ("Electronica/Dance", 30),
    ("World", 28),
    ("Hip Hop/Rap", 35),
    ("Science Fiction", 13),
    ("TV Shows", 93),
    ("Sci Fi & Fantasy", 26),
    ("Drama", 64),
    ("Comedy", 17),
    ("Alternative", 40),
    ("Classical", 74),
    ("Opera", 1),
];

/// Genre ids whose albums are video (media type 3, price 1.99).
pub const VIDEO_GENRES: &[u8] = &[18, 19, 20, 21, 22];
/// Genre ids that get classical titles.
pub const CLASSICAL_GENRES: &[u8] = &[24, 25];

/// The 5 media types (ids 1..=5) and, for audio, the relative number of
/// albums using each one. Media type 3 is video and is chosen by genre.
pub static MEDIA_TYPES: &[(&str, u32)] = &[
    ("MPEG audio file", 3034),
    ("Protected AAC audio file", 237),
    ("Protected MPEG-4 video file", 0),
    ("Purchased AAC audio file", 7),
    ("AAC audio file", 11),
];
/// The id of the video media type.
pub const VIDEO_MEDIA_TYPE: u8 = 3;

pub static ADJECTIVES: &[&str] = &[
    "Black", "Blue", "Electric", "Golden", "Silent", "Wild", "Broken", "Burning", "Crimson",
    "Lonely", "Midnight", "Restless", "Velvet", "Iron", "Northern", "Sweet", "Dark", "Holy",
    "Lost", "Secret", "Neon", "Savage", "Frozen", "Infinite", "Sacred", "Hollow", "Crystal",
    "Mellow", "Hungry", "Heavy", "Little", "Strange", "Wicked", "Rolling", "Last", "First",
];

/// Nouns with their plural.
pub static NOUNS: &[(&str, &str)] = &[
    ("Heart", "Hearts"),
    ("Fire", "Fires"),
    ("Road", "Roads"),
    ("Night", "Nights"),
    ("River", "Rivers"),
    ("Sky", "Skies"),
    ("Dream", "Dreams"),
    ("Machine", "Machines"),
    ("Shadow", "Shadows"),
    ("Storm", "Storms"),
    ("Angel", "Angels"),
    ("Garden", "Gardens"),
    ("Ocean", "Oceans"),
    ("Mirror", "Mirrors"),
    ("Highway", "Highways"),
    ("Sun", "Suns"),
    ("Moon", "Moons"),
    ("Star", "Stars"),
    ("Soul", "Souls"),
    ("Ghost", "Ghosts"),
    ("Stone", "Stones"),
    ("Wolf", "Wolves"),
    ("Flower", "Flowers"),
    ("City", "Cities"),
    ("Train", "Trains"),
    ("Island", "Islands"),
    ("Rebel", "Rebels"),
    ("Kid", "Kids"),
    ("Lady", "Ladies"),
    ("Wheel", "Wheels"),
];

pub static VERBS: &[&str] = &[
    "Dancing", "Running", "Waiting", "Falling", "Breaking", "Chasing", "Burning", "Flying",
    "Rolling", "Shining", "Crying", "Walking",
];

pub static PREPOSITIONS: &[&str] = &["in", "on", "through", "under", "across", "with", "for"];

/// Non-English words and phrases (NFC), used as titles and in names.
pub static WORLD_WORDS: &[&str] = &[
    "Saudade",
    "Coração",
    "Mañana",
    "Mädchen",
    "Straße",
    "Été Indien",
    "Canção de Amor",
    "Noites Cariocas",
    "São João",
    "Über Alles",
    "Ça Plane Pour Moi",
    "Señorita",
    "Fantasía",
    "Æon",
    "Smørrebrød",
    "Łódka",
    "Déjà Vu",
    "Bésame Mucho",
    "Garota de Ipanema",
    "Olé",
];

pub static NICKNAMES: &[&str] = &[
    "Ace",
    "Slim",
    "Kid",
    "Doc",
    "Lucky",
    "Big Mama",
    "The Voice",
    "Blind Boy",
];

pub static ENSEMBLES: &[&str] = &[
    "Symphony Orchestra",
    "Philharmonic",
    "Chamber Orchestra",
    "String Quartet",
    "Baroque Ensemble",
    "Choir",
];

pub static CLASSICAL_COMPOSERS: &[&str] = &[
    "Bach",
    "Mozart",
    "Beethoven",
    "Chopin",
    "Dvořák",
    "Tchaikovsky",
    "Händel",
    "Saint-Saëns",
    "Schönberg",
    "Mahler",
    "Debussy",
    "Vivaldi",
    "Grieg",
    "Sibelius",
    "Górecki",
    "Schubert",
];

pub static CLASSICAL_FORMS: &[&str] = &[
    "Symphony",
    "Piano Concerto",
    "Violin Concerto",
    "Sonata",
    "String Quartet",
    "Suite",
    "Mass",
];

pub static KEYS: &[&str] = &[
    "C Major",
    "C Minor",
    "D Major",
    "D Minor",
    "E-Flat Major",
    "E Minor",
    "F Major",
    "F-Sharp Minor",
    "G Major",
    "G Minor",
    "A Major",
    "A Minor",
    "B-Flat Major",
    "B Minor",
];

pub static CATALOGUES: &[&str] = &["Op.", "BWV", "K.", "RV", "HWV", "D."];

pub static MOVEMENTS: &[&str] = &[
    "Allegro",
    "Allegro con brio",
    "Adagio",
    "Andante",
    "Largo",
    "Presto",
    "Scherzo",
    "Menuetto",
    "Rondo",
    "Allegretto",
    "Vivace",
    "Finale",
];

pub static ROMAN: &[&str] = &["I", "II", "III", "IV"];

/// Themes for playlists beyond the 18 of the real data set.
pub static PLAYLIST_THEMES: &[&str] = &[
    "Road Trip",
    "Late Night Jazz",
    "Workout Mix",
    "Café Classics",
    "Chill, Relax & Unwind",
    "Friday Night \"Live\"",
    "Sunday Morning",
    "Rock Anthems",
    "Música Brasileira",
    "Party Starters",
    "Focus",
    "Throwback 80's",
    "Indie Discoveries",
    "On-The-Go",
];

/// Employees live near head office (Alberta, as in Chinook).
pub static EMPLOYEE_CITIES: &[City] = &[
    city("Calgary", Some("AB"), Some("T2P #@#"), "+1 (403) ###-####"),
    city("Calgary", Some("AB"), Some("T3B #@#"), "+1 (403) ###-####"),
    city("Edmonton", Some("AB"), Some("T5K #@#"), "+1 (780) ###-####"),
    city(
        "Lethbridge",
        Some("AB"),
        Some("T1K #@#"),
        "+1 (403) ###-####",
    ),
];

pub static EMPLOYEE_STREETS: &[&str] = &[
    "Jasper Ave NW",
    "8 Ave SW",
    "6 Ave SW",
    "10 Street SW",
    "41 Ave",
    "Bowness Road NW",
    "Columbia Boulevard West",
    "7 ST NW",
];

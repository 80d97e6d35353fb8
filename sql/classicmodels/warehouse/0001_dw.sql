-- Pack classicmodels, warehouse migration 0001: schema `dw`, the Kimball
-- star schema the models in ../models/ build (docs/warehouse.md). One OLAP
-- database serves one pack, so the schema is called dw as Chinook's is.
-- Nothing here goes into the schemas mirror and etl (the engine's).
--
-- Surrogate keys of the type-1 and SCD2 dimensions are identity columns;
-- they carry no meaning and may differ between an incremental history and
-- a full rebuild, so every column referring to one has its name
-- (customer_key, product_key, employee_key). dim_location plays two roles
-- in the order-line fact (the customer's place and the sales office's), so
-- its key is not an identity but the hash of the place itself
-- (dw.location_key): the same in every build. Facts store surrogate keys
-- plus their degenerate natural keys. There are no foreign-key constraints
-- from facts to dimensions: the per-row trigger checks would dominate a
-- full build, and the pack's data-quality tests check that every key
-- resolves.
-- Dates: OLTP dates are calendar days; a point-in-time lookup reads a day
-- as its UTC midnight against the timestamptz validity of the SCD2
-- versions (a build's time is an instant).

CREATE SCHEMA IF NOT EXISTS dw;
COMMENT ON SCHEMA dw IS
    'Gold layer: the Kimball star schema of classicmodels (dimensions and facts) built by star-builder from schema mirror.';

-- The date_key (YYYYMMDD) of a day. date_part keeps it cheap and
-- independent of locale and time zone.
CREATE OR REPLACE FUNCTION dw.date_key(d date) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT (date_part('year', d) * 10000 + date_part('month', d) * 100 + date_part('day', d))::integer $$;
COMMENT ON FUNCTION dw.date_key(date) IS 'YYYYMMDD smart key of dim_date for a day.';

-- A day read as its UTC midnight: the instant a point-in-time lookup
-- compares with valid_from / valid_to.
CREATE OR REPLACE FUNCTION dw.utc_midnight(d date) RETURNS timestamptz
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT d::timestamp AT TIME ZONE 'UTC' $$;
COMMENT ON FUNCTION dw.utc_midnight(date) IS 'The day''s 00:00 UTC, for SCD2 point-in-time lookups.';

-- The key of a place. The text form of a row value tells NULL from '' and
-- quotes separators, so distinct places hash distinctly.
CREATE OR REPLACE FUNCTION dw.location_key(country text, state text, city text) RETURNS uuid
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT md5(ROW(country, state, city)::text)::uuid $$;
COMMENT ON FUNCTION dw.location_key(text, text, text) IS
    'dim_location key of a place: the MD5 of (country, state, city) as a uuid; the same in every build.';

CREATE OR REPLACE FUNCTION dw.unknown_location_key() RETURNS uuid
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT '00000000-0000-0000-0000-000000000000'::uuid $$;
COMMENT ON FUNCTION dw.unknown_location_key() IS
    'dim_location key of the unknown member (the office of an order whose customer has no sales rep).';

-- ---------------------------------------------------------------------------
-- dim_date
CREATE TABLE IF NOT EXISTS dw.dim_date (
    date_key        integer PRIMARY KEY,
    full_date       date NOT NULL UNIQUE,
    day_of_month    smallint NOT NULL,
    day_of_week     smallint NOT NULL,
    day_name        text NOT NULL,
    day_of_year     smallint NOT NULL,
    iso_week        smallint NOT NULL,
    iso_year        smallint NOT NULL,
    month           smallint NOT NULL,
    month_name      text NOT NULL,
    month_short     text NOT NULL,
    year_month      text NOT NULL,
    month_start     date NOT NULL,
    quarter         smallint NOT NULL,
    quarter_name    text NOT NULL,
    year_quarter    text NOT NULL,
    year            smallint NOT NULL,
    is_weekend      boolean NOT NULL
);
COMMENT ON TABLE dw.dim_date IS
    'Calendar dimension: one row per day, covering whole calendar years from the first to the last year of any order, required, shipped or payment date (contiguous; it only grows). Role-played by fact_orders (order, required, shipped date) and fact_payments (payment date).';
COMMENT ON COLUMN dw.dim_date.date_key IS 'Smart key YYYYMMDD (e.g. 20040115).';
COMMENT ON COLUMN dw.dim_date.full_date IS 'The calendar day.';
COMMENT ON COLUMN dw.dim_date.day_of_month IS '1-31.';
COMMENT ON COLUMN dw.dim_date.day_of_week IS 'ISO day of week: 1 = Monday … 7 = Sunday.';
COMMENT ON COLUMN dw.dim_date.day_name IS 'English day name (Monday …).';
COMMENT ON COLUMN dw.dim_date.day_of_year IS '1-366.';
COMMENT ON COLUMN dw.dim_date.iso_week IS 'ISO 8601 week number (1-53), belongs to iso_year.';
COMMENT ON COLUMN dw.dim_date.iso_year IS 'ISO 8601 week-numbering year.';
COMMENT ON COLUMN dw.dim_date.month IS '1-12.';
COMMENT ON COLUMN dw.dim_date.month_name IS 'English month name (January …).';
COMMENT ON COLUMN dw.dim_date.month_short IS 'Three-letter month name (Jan …).';
COMMENT ON COLUMN dw.dim_date.year_month IS 'YYYY-MM, sorts chronologically.';
COMMENT ON COLUMN dw.dim_date.month_start IS 'First day of the month.';
COMMENT ON COLUMN dw.dim_date.quarter IS '1-4.';
COMMENT ON COLUMN dw.dim_date.quarter_name IS 'Q1-Q4.';
COMMENT ON COLUMN dw.dim_date.year_quarter IS 'YYYY-Qn, sorts chronologically.';
COMMENT ON COLUMN dw.dim_date.year IS 'Calendar year.';
COMMENT ON COLUMN dw.dim_date.is_weekend IS 'Saturday or Sunday.';

-- ---------------------------------------------------------------------------
-- dim_location (type 1: a place never changes; places no office or
-- customer version is in any more are removed)
CREATE TABLE IF NOT EXISTS dw.dim_location (
    location_key  uuid PRIMARY KEY,
    country       text NOT NULL,
    state         text,
    city          text NOT NULL,
    place         text NOT NULL
);
COMMENT ON TABLE dw.dim_location IS
    'Location dimension: one row per place (country, state, city) of an office or of any version of a customer''s address, plus the unknown member. Role-played by fact_orders (the customer''s place at the order date, the sales office''s place).';
COMMENT ON COLUMN dw.dim_location.location_key IS 'dw.location_key(country, state, city); dw.unknown_location_key() for the unknown member.';
COMMENT ON COLUMN dw.dim_location.country IS 'Country.';
COMMENT ON COLUMN dw.dim_location.state IS 'State / region (NULL where the address has none).';
COMMENT ON COLUMN dw.dim_location.city IS 'City.';
COMMENT ON COLUMN dw.dim_location.place IS 'City, state and country as one label.';

INSERT INTO dw.dim_location (location_key, country, state, city, place)
VALUES (dw.unknown_location_key(), 'Unknown', NULL, 'Unknown', 'Unknown')
ON CONFLICT DO NOTHING;

-- ---------------------------------------------------------------------------
-- dim_product (type 1, with its product line)
CREATE TABLE IF NOT EXISTS dw.dim_product (
    product_key               bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    product_code              text NOT NULL UNIQUE,
    product_name              text NOT NULL,
    product_line              text NOT NULL,
    product_line_description  text,
    product_scale             text NOT NULL,
    product_vendor            text NOT NULL,
    product_description       text NOT NULL,
    quantity_in_stock         smallint NOT NULL,
    buy_price                 numeric(10, 2) NOT NULL,
    msrp                      numeric(10, 2) NOT NULL,
    list_margin               numeric(10, 2) NOT NULL
);
COMMENT ON TABLE dw.dim_product IS
    'Product dimension, type 1, denormalized with its product line (a change to the line updates its products).';
COMMENT ON COLUMN dw.dim_product.product_key IS 'Surrogate key.';
COMMENT ON COLUMN dw.dim_product.product_code IS 'Natural key (OLTP product_code).';
COMMENT ON COLUMN dw.dim_product.product_name IS 'Product name.';
COMMENT ON COLUMN dw.dim_product.product_line IS 'Product line (OLTP productlines.product_line).';
COMMENT ON COLUMN dw.dim_product.product_line_description IS 'The product line''s text description.';
COMMENT ON COLUMN dw.dim_product.product_scale IS 'Model scale (1:10 …).';
COMMENT ON COLUMN dw.dim_product.product_vendor IS 'Vendor.';
COMMENT ON COLUMN dw.dim_product.product_description IS 'Description.';
COMMENT ON COLUMN dw.dim_product.quantity_in_stock IS 'Units in stock (current).';
COMMENT ON COLUMN dw.dim_product.buy_price IS 'Current purchase price (the cost of a unit).';
COMMENT ON COLUMN dw.dim_product.msrp IS 'Manufacturer''s suggested retail price (current list price).';
COMMENT ON COLUMN dw.dim_product.list_margin IS 'msrp - buy_price: the margin of a unit sold at list price.';

-- ---------------------------------------------------------------------------
-- dim_employee (type 1, with office and manager)
CREATE TABLE IF NOT EXISTS dw.dim_employee (
    employee_key             bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    employee_number          integer NOT NULL UNIQUE,
    first_name               text NOT NULL,
    last_name                text NOT NULL,
    full_name                text NOT NULL,
    extension                text,
    email                    text,
    job_title                text,
    manager_employee_number  integer,
    manager_full_name        text,
    manager_job_title        text,
    office_code              text,
    office_city              text,
    office_state             text,
    office_country           text,
    office_territory         text,
    office_location_key      uuid NOT NULL
);
COMMENT ON TABLE dw.dim_employee IS
    'Employee dimension, type 1, denormalized with the office and the direct manager. Holds the unknown member (employee_key = -1, employee_number = -1) for the orders and payments of customers without a sales rep.';
COMMENT ON COLUMN dw.dim_employee.employee_key IS 'Surrogate key; -1 is the unknown member.';
COMMENT ON COLUMN dw.dim_employee.employee_number IS 'Natural key (OLTP employee_number); -1 for the unknown member.';
COMMENT ON COLUMN dw.dim_employee.first_name IS 'First name.';
COMMENT ON COLUMN dw.dim_employee.last_name IS 'Last name.';
COMMENT ON COLUMN dw.dim_employee.full_name IS 'first_name || '' '' || last_name.';
COMMENT ON COLUMN dw.dim_employee.extension IS 'Phone extension.';
COMMENT ON COLUMN dw.dim_employee.email IS 'E-mail.';
COMMENT ON COLUMN dw.dim_employee.job_title IS 'Job title.';
COMMENT ON COLUMN dw.dim_employee.manager_employee_number IS 'Natural key of the manager (OLTP reports_to); NULL at the top.';
COMMENT ON COLUMN dw.dim_employee.manager_full_name IS 'Manager''s full name.';
COMMENT ON COLUMN dw.dim_employee.manager_job_title IS 'Manager''s job title.';
COMMENT ON COLUMN dw.dim_employee.office_code IS 'The office (OLTP office_code).';
COMMENT ON COLUMN dw.dim_employee.office_city IS 'The office''s city.';
COMMENT ON COLUMN dw.dim_employee.office_state IS 'The office''s state.';
COMMENT ON COLUMN dw.dim_employee.office_country IS 'The office''s country.';
COMMENT ON COLUMN dw.dim_employee.office_territory IS 'The office''s sales territory (NA, EMEA, APAC, Japan).';
COMMENT ON COLUMN dw.dim_employee.office_location_key IS 'dim_location.location_key of the office''s place (the unknown member''s for -1).';

INSERT INTO dw.dim_employee (employee_key, employee_number, first_name, last_name, full_name, office_location_key)
VALUES (-1, -1, 'Unknown', 'Unknown', 'Unknown', dw.unknown_location_key())
ON CONFLICT DO NOTHING;

-- ---------------------------------------------------------------------------
-- dim_customer (SCD type 2)
CREATE TABLE IF NOT EXISTS dw.dim_customer (
    customer_key               bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    customer_number            integer NOT NULL,
    version_no                 integer NOT NULL,
    customer_name              text NOT NULL,
    contact_first_name         text NOT NULL,
    contact_last_name          text NOT NULL,
    contact_full_name          text NOT NULL,
    phone                      text NOT NULL,
    address_line1              text NOT NULL,
    address_line2              text,
    city                       text NOT NULL,
    state                      text,
    postal_code                text,
    country                    text NOT NULL,
    credit_limit               numeric(10, 2),
    sales_rep_employee_number  integer,
    location_key               uuid NOT NULL,
    attr_hash                  uuid NOT NULL,
    valid_from                 timestamptz NOT NULL,
    valid_to                   timestamptz NOT NULL,
    is_current                 boolean NOT NULL,
    CONSTRAINT dim_customer_version_key UNIQUE (customer_number, version_no),
    CONSTRAINT dim_customer_valid_range CHECK (valid_from <= valid_to)
);
CREATE UNIQUE INDEX IF NOT EXISTS dim_customer_current_key ON dw.dim_customer (customer_number) WHERE is_current;
CREATE INDEX IF NOT EXISTS dim_customer_location_key_idx ON dw.dim_customer (location_key);
COMMENT ON TABLE dw.dim_customer IS
    'Customer dimension, SCD type 2. One row per version of the tracked attributes (address lines, city, state, postal code, country, credit limit, sales rep); the first version is valid from -infinity, later ones from the build that saw the change. Name, contact names and phone are type 1 (overwritten on every version). Built from the engine''s SCD2 versions (dataset.toml [scd2.customer]).';
COMMENT ON COLUMN dw.dim_customer.customer_key IS 'Surrogate key of this version.';
COMMENT ON COLUMN dw.dim_customer.customer_number IS 'Natural key (OLTP customer_number).';
COMMENT ON COLUMN dw.dim_customer.version_no IS '1, 2, … in order of validity.';
COMMENT ON COLUMN dw.dim_customer.customer_name IS 'Type 1.';
COMMENT ON COLUMN dw.dim_customer.contact_first_name IS 'Type 1.';
COMMENT ON COLUMN dw.dim_customer.contact_last_name IS 'Type 1.';
COMMENT ON COLUMN dw.dim_customer.contact_full_name IS 'contact_first_name || '' '' || contact_last_name. Type 1.';
COMMENT ON COLUMN dw.dim_customer.phone IS 'Type 1.';
COMMENT ON COLUMN dw.dim_customer.address_line1 IS 'Type 2.';
COMMENT ON COLUMN dw.dim_customer.address_line2 IS 'Type 2.';
COMMENT ON COLUMN dw.dim_customer.city IS 'Type 2.';
COMMENT ON COLUMN dw.dim_customer.state IS 'Type 2.';
COMMENT ON COLUMN dw.dim_customer.postal_code IS 'Type 2; text (leading zeros kept).';
COMMENT ON COLUMN dw.dim_customer.country IS 'Type 2.';
COMMENT ON COLUMN dw.dim_customer.credit_limit IS 'Type 2: the credit limit of this version.';
COMMENT ON COLUMN dw.dim_customer.sales_rep_employee_number IS 'Type 2: natural key of the sales rep (dim_employee.employee_number) for this version; NULL without one.';
COMMENT ON COLUMN dw.dim_customer.location_key IS 'dim_location.location_key of this version''s place (country, state, city).';
COMMENT ON COLUMN dw.dim_customer.attr_hash IS 'Hash of the type-2 attributes (the SCD2 change detection).';
COMMENT ON COLUMN dw.dim_customer.valid_from IS 'Inclusive start of validity; -infinity for the first version, else the build_time of the build that saw the change.';
COMMENT ON COLUMN dw.dim_customer.valid_to IS 'Exclusive end of validity (= next version''s valid_from); infinity for the current version.';
COMMENT ON COLUMN dw.dim_customer.is_current IS 'True for exactly one version per customer.';

-- ---------------------------------------------------------------------------
-- fact_orders (grain: one order line)
CREATE TABLE IF NOT EXISTS dw.fact_orders (
    order_number           integer NOT NULL,
    product_code           text NOT NULL,
    order_line_number      smallint NOT NULL,
    customer_number        integer NOT NULL,
    order_date_key         integer,
    required_date_key      integer,
    shipped_date_key       integer,
    customer_key           bigint,
    product_key            bigint,
    employee_key           bigint,
    office_code            text,
    customer_location_key  uuid,
    office_location_key    uuid,
    status                 text NOT NULL,
    quantity_ordered       integer NOT NULL,
    price_each             numeric(10, 2) NOT NULL,
    amount                 numeric(12, 2) NOT NULL,
    days_to_ship           integer,
    shipped_late           boolean NOT NULL,
    PRIMARY KEY (order_number, product_code)
);
CREATE INDEX IF NOT EXISTS fact_orders_employee_key_idx ON dw.fact_orders (employee_key);
COMMENT ON TABLE dw.fact_orders IS
    'Order-line fact, grain: one order line (OLTP orderdetails row). Rebuilt per affected order (delete + insert). customer_key is the customer version valid at the order date; employee_key is that version''s sales rep (-1 if none), office_code and office_location_key the rep''s office (kept current when the rep changes office).';
COMMENT ON COLUMN dw.fact_orders.order_number IS 'Degenerate dimension: the OLTP order_number.';
COMMENT ON COLUMN dw.fact_orders.product_code IS 'The OLTP product_code (with order_number the line''s natural key).';
COMMENT ON COLUMN dw.fact_orders.order_line_number IS 'Line number on the order.';
COMMENT ON COLUMN dw.fact_orders.customer_number IS 'The OLTP customer_number of the order.';
COMMENT ON COLUMN dw.fact_orders.order_date_key IS 'dim_date.date_key of the order date.';
COMMENT ON COLUMN dw.fact_orders.required_date_key IS 'dim_date.date_key of the required date.';
COMMENT ON COLUMN dw.fact_orders.shipped_date_key IS 'dim_date.date_key of the shipped date; NULL while the order is not shipped.';
COMMENT ON COLUMN dw.fact_orders.customer_key IS 'dim_customer.customer_key of the version valid at the order date.';
COMMENT ON COLUMN dw.fact_orders.product_key IS 'dim_product.product_key.';
COMMENT ON COLUMN dw.fact_orders.employee_key IS 'dim_employee.employee_key of the sales rep of that customer version (-1 = none).';
COMMENT ON COLUMN dw.fact_orders.office_code IS 'The sales rep''s office (NULL without a rep).';
COMMENT ON COLUMN dw.fact_orders.customer_location_key IS 'dim_location.location_key of the customer version''s place.';
COMMENT ON COLUMN dw.fact_orders.office_location_key IS 'dim_location.location_key of the sales rep''s office (the unknown member without a rep).';
COMMENT ON COLUMN dw.fact_orders.status IS 'Order status (Shipped, Resolved, Cancelled, On Hold, Disputed, In Process).';
COMMENT ON COLUMN dw.fact_orders.quantity_ordered IS 'Units ordered.';
COMMENT ON COLUMN dw.fact_orders.price_each IS 'Price per unit paid on this line.';
COMMENT ON COLUMN dw.fact_orders.amount IS 'quantity_ordered * price_each (revenue of the line).';
COMMENT ON COLUMN dw.fact_orders.days_to_ship IS 'shipped date - order date in days; NULL while not shipped.';
COMMENT ON COLUMN dw.fact_orders.shipped_late IS 'Shipped after the required date (false while not shipped).';

-- ---------------------------------------------------------------------------
-- fact_payments (grain: one payment)
CREATE TABLE IF NOT EXISTS dw.fact_payments (
    customer_number   integer NOT NULL,
    check_number      text NOT NULL,
    payment_date_key  integer,
    customer_key      bigint,
    employee_key      bigint,
    amount            numeric(10, 2) NOT NULL,
    PRIMARY KEY (customer_number, check_number)
);
COMMENT ON TABLE dw.fact_payments IS
    'Payment fact, grain: one payment (OLTP payments row). Rebuilt per affected payment. customer_key is the customer version valid at the payment date; employee_key that version''s sales rep (-1 if none).';
COMMENT ON COLUMN dw.fact_payments.customer_number IS 'The paying customer (OLTP customer_number); with check_number the natural key.';
COMMENT ON COLUMN dw.fact_payments.check_number IS 'The check (OLTP check_number).';
COMMENT ON COLUMN dw.fact_payments.payment_date_key IS 'dim_date.date_key of the payment date.';
COMMENT ON COLUMN dw.fact_payments.customer_key IS 'dim_customer.customer_key of the version valid at the payment date.';
COMMENT ON COLUMN dw.fact_payments.employee_key IS 'dim_employee.employee_key of that version''s sales rep (-1 = none).';
COMMENT ON COLUMN dw.fact_payments.amount IS 'Amount paid.';

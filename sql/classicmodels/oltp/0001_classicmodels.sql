-- The classicmodels schema (MySQL's sample database of a retailer of
-- scale-model cars), snake_case, as the OLTP system of record. The MySQL
-- table names are kept; the columns are the MySQL names in snake_case
-- (customerNumber = customer_number: the loader matches the exports'
-- camelCase headers by normalized name). NOT NULL where the MySQL sample
-- has it. Every table carries load_batch_id: the etl.load row that last
-- inserted or changed it, so star-builder copies only what changed since
-- its last run. This DDL is the loader's catalog: columns, types, keys,
-- foreign keys, CHECK constraints and load order are read back from
-- PostgreSQL after it is migrated (crates/domain/src/catalog/read.rs).

CREATE SCHEMA IF NOT EXISTS classicmodels;

CREATE TABLE classicmodels.productlines (
    product_line      text PRIMARY KEY,
    text_description  text,
    html_description  text,
    image             bytea,
    load_batch_id     bigint NOT NULL
);

CREATE TABLE classicmodels.products (
    product_code         text PRIMARY KEY,
    product_name         text NOT NULL,
    product_line         text NOT NULL REFERENCES classicmodels.productlines (product_line),
    product_scale        text NOT NULL,
    product_vendor       text NOT NULL,
    product_description  text NOT NULL,
    quantity_in_stock    smallint NOT NULL,
    buy_price            numeric(10, 2) NOT NULL,
    msrp                 numeric(10, 2) NOT NULL,
    load_batch_id        bigint NOT NULL,
    CONSTRAINT products_quantity_in_stock_not_negative CHECK (quantity_in_stock >= 0),
    CONSTRAINT products_buy_price_not_negative CHECK (buy_price >= 0),
    CONSTRAINT products_msrp_not_negative CHECK (msrp >= 0)
);
CREATE INDEX products_product_line_idx ON classicmodels.products (product_line);

CREATE TABLE classicmodels.offices (
    office_code    text PRIMARY KEY,
    city           text NOT NULL,
    phone          text NOT NULL,
    address_line1  text NOT NULL,
    address_line2  text,
    state          text,
    country        text NOT NULL,
    postal_code    text NOT NULL,
    territory      text NOT NULL,
    load_batch_id  bigint NOT NULL
);

CREATE TABLE classicmodels.employees (
    employee_number  integer PRIMARY KEY,
    last_name        text NOT NULL,
    first_name       text NOT NULL,
    extension        text NOT NULL,
    email            text NOT NULL,
    office_code      text NOT NULL REFERENCES classicmodels.offices (office_code),
    reports_to       integer REFERENCES classicmodels.employees (employee_number),
    job_title        text NOT NULL,
    load_batch_id    bigint NOT NULL,
    CONSTRAINT employees_not_own_manager CHECK (reports_to <> employee_number)
);
CREATE INDEX employees_office_code_idx ON classicmodels.employees (office_code);
CREATE INDEX employees_reports_to_idx ON classicmodels.employees (reports_to);

CREATE TABLE classicmodels.customers (
    customer_number            integer PRIMARY KEY,
    customer_name              text NOT NULL,
    contact_last_name          text NOT NULL,
    contact_first_name         text NOT NULL,
    phone                      text NOT NULL,
    address_line1              text NOT NULL,
    address_line2              text,
    city                       text NOT NULL,
    state                      text,
    postal_code                text,
    country                    text NOT NULL,
    sales_rep_employee_number  integer REFERENCES classicmodels.employees (employee_number),
    credit_limit               numeric(10, 2),
    load_batch_id              bigint NOT NULL,
    CONSTRAINT customers_credit_limit_not_negative CHECK (credit_limit >= 0)
);
CREATE INDEX customers_sales_rep_employee_number_idx ON classicmodels.customers (sales_rep_employee_number);

CREATE TABLE classicmodels.orders (
    order_number     integer PRIMARY KEY,
    order_date       date NOT NULL,
    required_date    date NOT NULL,
    shipped_date     date,
    status           text NOT NULL,
    comments         text,
    customer_number  integer NOT NULL REFERENCES classicmodels.customers (customer_number),
    load_batch_id    bigint NOT NULL,
    CONSTRAINT orders_required_not_before_ordered CHECK (required_date >= order_date),
    CONSTRAINT orders_shipped_not_before_ordered CHECK (shipped_date >= order_date)
);
CREATE INDEX orders_customer_number_idx ON classicmodels.orders (customer_number);

CREATE TABLE classicmodels.orderdetails (
    order_number       integer NOT NULL REFERENCES classicmodels.orders (order_number),
    product_code       text NOT NULL REFERENCES classicmodels.products (product_code),
    quantity_ordered   integer NOT NULL,
    price_each         numeric(10, 2) NOT NULL,
    order_line_number  smallint NOT NULL,
    load_batch_id      bigint NOT NULL,
    PRIMARY KEY (order_number, product_code),
    CONSTRAINT orderdetails_quantity_ordered_positive CHECK (quantity_ordered > 0),
    CONSTRAINT orderdetails_price_each_not_negative CHECK (price_each >= 0),
    CONSTRAINT orderdetails_order_line_number_positive CHECK (order_line_number > 0)
);
CREATE INDEX orderdetails_product_code_idx ON classicmodels.orderdetails (product_code);

CREATE TABLE classicmodels.payments (
    customer_number  integer NOT NULL REFERENCES classicmodels.customers (customer_number),
    check_number     text NOT NULL,
    payment_date     date NOT NULL,
    amount           numeric(10, 2) NOT NULL,
    load_batch_id    bigint NOT NULL,
    PRIMARY KEY (customer_number, check_number),
    CONSTRAINT payments_amount_not_negative CHECK (amount >= 0)
);

-- star-builder reads changed rows by batch.
CREATE INDEX productlines_load_batch_id_idx ON classicmodels.productlines (load_batch_id);
CREATE INDEX products_load_batch_id_idx ON classicmodels.products (load_batch_id);
CREATE INDEX offices_load_batch_id_idx ON classicmodels.offices (load_batch_id);
CREATE INDEX employees_load_batch_id_idx ON classicmodels.employees (load_batch_id);
CREATE INDEX customers_load_batch_id_idx ON classicmodels.customers (load_batch_id);
CREATE INDEX orders_load_batch_id_idx ON classicmodels.orders (load_batch_id);
CREATE INDEX orderdetails_load_batch_id_idx ON classicmodels.orderdetails (load_batch_id);
CREATE INDEX payments_load_batch_id_idx ON classicmodels.payments (load_batch_id);

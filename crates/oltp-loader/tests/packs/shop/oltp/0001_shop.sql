-- The shop test pack: every shape the loader's catalog reads back.
--   category   self reference, varchar(10), boolean
--   product    composite primary key, numeric(12,4), a named CHECK, date
--   sale_line  composite primary key, a foreign key to a composite key
--   price_log  no primary key: an append table (load_origin_id)

CREATE SCHEMA IF NOT EXISTS shop;

CREATE TABLE shop.category (
    category_id    integer PRIMARY KEY,
    name           varchar(10) NOT NULL,
    parent_id      integer REFERENCES shop.category (category_id),
    active         boolean,
    load_batch_id  bigint NOT NULL
);

CREATE TABLE shop.product (
    sku            text NOT NULL,
    variant        smallint NOT NULL,
    category_id    integer NOT NULL REFERENCES shop.category (category_id),
    price          numeric(12, 4) NOT NULL,
    launched       date,
    load_batch_id  bigint NOT NULL,
    PRIMARY KEY (sku, variant),
    CONSTRAINT product_price_positive CHECK (price > 0)
);
CREATE INDEX product_category_id_idx ON shop.product (category_id);

CREATE TABLE shop.sale_line (
    sale_id        integer NOT NULL,
    line_no        smallint NOT NULL,
    sku            text NOT NULL,
    variant        smallint NOT NULL,
    qty            integer NOT NULL CHECK (qty > 0),
    sold_at        timestamp,
    load_batch_id  bigint NOT NULL,
    PRIMARY KEY (sale_id, line_no),
    FOREIGN KEY (sku, variant) REFERENCES shop.product (sku, variant)
);
CREATE INDEX sale_line_product_idx ON shop.sale_line (sku, variant);

CREATE TABLE shop.price_log (
    sku             text NOT NULL,
    variant         smallint NOT NULL,
    price           numeric(12, 4) NOT NULL,
    seen_on         date NOT NULL,
    load_batch_id   bigint NOT NULL,
    load_origin_id  bigint NOT NULL,
    FOREIGN KEY (sku, variant) REFERENCES shop.product (sku, variant)
);
CREATE INDEX price_log_product_idx ON shop.price_log (sku, variant);
CREATE INDEX price_log_load_origin_id_idx ON shop.price_log (load_origin_id);

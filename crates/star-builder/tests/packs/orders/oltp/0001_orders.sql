-- The orders test pack: customers, products, orders and their lines.
-- Every table carries the engine's load_batch_id.

CREATE SCHEMA IF NOT EXISTS orders;

CREATE TABLE orders.customer (
    customer_id    integer PRIMARY KEY,
    name           text NOT NULL,
    city           text NOT NULL,
    load_batch_id  bigint NOT NULL
);

CREATE TABLE orders.product (
    product_id     integer PRIMARY KEY,
    name           text NOT NULL,
    category       text NOT NULL,
    price          numeric(10, 2) NOT NULL CHECK (price > 0),
    load_batch_id  bigint NOT NULL
);

CREATE TABLE orders.orders (
    order_id       integer PRIMARY KEY,
    customer_id    integer NOT NULL REFERENCES orders.customer (customer_id),
    ordered_at     timestamp NOT NULL,
    status         text NOT NULL,
    load_batch_id  bigint NOT NULL
);
CREATE INDEX orders_customer_id_idx ON orders.orders (customer_id);

CREATE TABLE orders.order_line (
    order_id       integer NOT NULL REFERENCES orders.orders (order_id),
    line_no        smallint NOT NULL,
    product_id     integer NOT NULL REFERENCES orders.product (product_id),
    quantity       integer NOT NULL CHECK (quantity > 0),
    unit_price     numeric(10, 2) NOT NULL,
    load_batch_id  bigint NOT NULL,
    PRIMARY KEY (order_id, line_no)
);
CREATE INDEX order_line_product_id_idx ON orders.order_line (product_id);

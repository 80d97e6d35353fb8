CREATE SCHEMA tiny;

CREATE TABLE tiny.customer (
    customer_id integer PRIMARY KEY,
    name text NOT NULL,
    city text,
    load_batch_id bigint NOT NULL
);

CREATE TABLE tiny.orders (
    order_id integer PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES tiny.customer (customer_id),
    amount numeric(10, 2) NOT NULL,
    ordered_at timestamp NOT NULL,
    load_batch_id bigint NOT NULL
);

CREATE TABLE dw.dim_customer (
    customer_key bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id integer NOT NULL,
    version_no integer NOT NULL,
    name text NOT NULL,
    city text,
    valid_from timestamp NOT NULL,
    valid_to timestamp NOT NULL,
    is_current boolean NOT NULL,
    UNIQUE (customer_id, version_no)
);

CREATE TABLE dw.fact_order (
    order_id integer PRIMARY KEY,
    customer_key bigint NOT NULL,
    amount numeric(10, 2) NOT NULL
);

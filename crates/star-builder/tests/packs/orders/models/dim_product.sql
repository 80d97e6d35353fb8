-- reads: changed.product
-- writes: dw.dim_product

-- Type 1: one row per product, overwritten when it changes.
WITH upserted AS (
    INSERT INTO dw.dim_product (product_id, name, category, price)
    SELECT product_id, name, category, price
    FROM changed.product
    ON CONFLICT (product_id) DO UPDATE
        SET name = EXCLUDED.name, category = EXCLUDED.category, price = EXCLUDED.price
        WHERE (dim_product.name, dim_product.category, dim_product.price)
              IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.category, EXCLUDED.price)
    RETURNING 1
)
INSERT INTO build_counts (table_name, rows_changed)
SELECT 'dw.dim_product', count(*) FROM upserted;

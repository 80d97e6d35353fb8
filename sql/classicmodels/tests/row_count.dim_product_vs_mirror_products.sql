-- dw.dim_product has one row per OLTP product. Fails with one row: the two
-- counts.
-- Scope: a full build (or dq_full) counts both tables whole; an incremental
-- build the rows of the products in changed.products (a product's row is
-- only ever created for a changed product; a product line change updates
-- existing rows).
SELECT c.dim_product, c.mirror_products
FROM (
    SELECT CASE WHEN p.mode = 'full' OR p.dq_full
                THEN (SELECT count(*) FROM dw.dim_product)
                ELSE (SELECT count(*) FROM dw.dim_product d
                      WHERE d.product_code IN (SELECT product_code FROM changed.products))
           END AS dim_product,
           CASE WHEN p.mode = 'full' OR p.dq_full
                THEN (SELECT count(*) FROM mirror.products)
                ELSE (SELECT count(*) FROM mirror.products m
                      WHERE m.product_code IN (SELECT product_code FROM changed.products))
           END AS mirror_products
    FROM build_params p
) c
WHERE c.dim_product <> c.mirror_products

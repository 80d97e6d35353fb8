-- reads: changed.products, changed.productlines, mirror.products, mirror.productlines
-- writes: dw.dim_product
--
-- dw.dim_product: type 1, denormalized with the product line. The products
-- to write: the changed products, plus the products of changed product
-- lines (an index probe on the products mirror by product_line). Full
-- mode: every product. Upsert on the natural key; a row is rewritten only
-- if something differs, so surrogate keys stay stable and facts never need
-- re-pointing for it.
CREATE TEMP TABLE product_codes (product_code text PRIMARY KEY) ON COMMIT DROP;

INSERT INTO product_codes
SELECT product_code FROM changed.products
UNION
SELECT p.product_code
FROM changed.productlines s JOIN mirror.products p ON p.product_line = s.product_line
WHERE (SELECT mode FROM build_params) <> 'full';

ANALYZE product_codes;

WITH ins AS (
    INSERT INTO dw.dim_product AS d (
        product_code, product_name, product_line, product_line_description, product_scale,
        product_vendor, product_description, quantity_in_stock, buy_price, msrp, list_margin)
    SELECT p.product_code, p.product_name, p.product_line, l.text_description, p.product_scale,
           p.product_vendor, p.product_description, p.quantity_in_stock, p.buy_price, p.msrp,
           p.msrp - p.buy_price
    FROM product_codes a
    JOIN mirror.products p ON p.product_code = a.product_code
    LEFT JOIN mirror.productlines l ON l.product_line = p.product_line
    ORDER BY p.product_code
    ON CONFLICT (product_code) DO UPDATE SET
        product_name = EXCLUDED.product_name,
        product_line = EXCLUDED.product_line,
        product_line_description = EXCLUDED.product_line_description,
        product_scale = EXCLUDED.product_scale,
        product_vendor = EXCLUDED.product_vendor,
        product_description = EXCLUDED.product_description,
        quantity_in_stock = EXCLUDED.quantity_in_stock,
        buy_price = EXCLUDED.buy_price,
        msrp = EXCLUDED.msrp,
        list_margin = EXCLUDED.list_margin
    WHERE ROW(d.product_name, d.product_line, d.product_line_description, d.product_scale,
              d.product_vendor, d.product_description, d.quantity_in_stock, d.buy_price,
              d.msrp, d.list_margin)
          IS DISTINCT FROM
          ROW(EXCLUDED.product_name, EXCLUDED.product_line, EXCLUDED.product_line_description,
              EXCLUDED.product_scale, EXCLUDED.product_vendor, EXCLUDED.product_description,
              EXCLUDED.quantity_in_stock, EXCLUDED.buy_price, EXCLUDED.msrp,
              EXCLUDED.list_margin)
    RETURNING 1
)
INSERT INTO build_counts (table_name, rows_changed)
SELECT 'dw.dim_product', count(*) FROM ins;

SELECT json_build_object('orders', (SELECT count(*) FROM dw.fact_order)) AS summary;

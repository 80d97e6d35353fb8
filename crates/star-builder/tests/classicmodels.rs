//! The classicmodels pack end to end on a small hand-written sample in the
//! shape of MySQL exports (tests/data/classicmodels-mini/: `;`, camelCase
//! headers, text quoted only sometimes, empty fields for NULL, a UTF-8 BOM,
//! CRLF lines, accented names): the real loader fills the OLTP database,
//! the real handler builds the warehouse, every data-quality check passes,
//! every analytics view and the summary agree with the same question asked
//! of the OLTP tables, a second phase of changes (a customer moving, an
//! employee changing office, an office moving, a product line renamed, new
//! and changed orders) built incrementally equals a full build, and the
//! files arriving children first load the same rows.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use std::path::PathBuf;

use common::*;
use serde_json::json;
use star_builder::{Mode, demo_summary};
use starlift_domain::sql::{named_statements, statement};

const PACK: &str = "classicmodels";

/// Pairs of queries that must return the same rows: `<name>:olap` over the
/// analytics views, `<name>:oltp` the same question over classicmodels.*.
const ANALYTICS_VS_OLTP: &str = include_str!("sql/classicmodels_analytics_vs_oltp.sql");

/// The views whose OLTP answer needs the customers' and employees' history
/// (the OLTP keeps the current rows only): compared while none has changed.
const HISTORY_VIEWS: [&str; 2] = ["sales_rep_performance", "office_performance"];

/// The mini sample's files in foreign-key order, with their rows.
const FILES: [(&str, u64); 8] = [
    ("productlines", 4),
    ("products", 7),
    ("offices", 4),
    ("employees", 8),
    ("customers", 12),
    ("orders", 16),
    ("orderdetails", 27),
    ("payments", 13),
];

fn mini_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/classicmodels-mini")
}

fn mini_file(table: &str) -> Vec<u8> {
    std::fs::read(mini_dir().join(format!("{table}.csv"))).expect("read CSV")
}

/// Loads every mini file, parents first; each loads whole.
async fn load_mini(h: &Harness) {
    for (table, rows) in FILES {
        let summary = h
            .drop_file(&format!("incoming/{table}.csv"), mini_file(table))
            .await;
        assert_eq!(summary.rows_inserted, rows, "{summary:?}");
    }
}

/// The OLTP row count of every table.
async fn oltp_counts(h: &Harness) -> Vec<(String, i64)> {
    let mut counts = Vec::new();
    for (table, _) in FILES {
        let n = h
            .oltp_i64(&format!("SELECT count(*) FROM classicmodels.{table}"))
            .await;
        counts.push((table.to_string(), n));
    }
    counts
}

/// Every analytics view against the OLTP answer (`with_history`: the
/// sales-rep and office views too). Returns the number compared.
async fn assert_views_agree_with_oltp(h: &Harness, with_history: bool) -> usize {
    let statements = named_statements(ANALYTICS_VS_OLTP);
    let mut compared = 0;
    for (name, olap_sql) in &statements {
        let Some(view) = name.strip_suffix(":olap") else {
            continue;
        };
        if HISTORY_VIEWS.contains(&view) && !with_history {
            continue;
        }
        let oltp_sql = statement(&statements, &format!("{view}:oltp")).expect("pair");
        let from_views = rows_as_text(&h.olap, olap_sql).await;
        let from_oltp = rows_as_text(&h.oltp, oltp_sql).await;
        assert!(!from_views.is_empty(), "{view}: no rows");
        assert_same_rows(view, &from_views, &from_oltp);
        compared += 1;
    }
    // Every view of the pack has its pair.
    let views = h
        .olap_i64("SELECT count(*) FROM information_schema.views WHERE table_schema = 'analytics'")
        .await;
    assert_eq!(views, 14);
    let expected = if with_history { 16 } else { 14 };
    assert_eq!(compared, expected);
    compared
}

/// The summary's values, each asked of the OLTP tables: the same JSON.
const SUMMARY_FROM_OLTP: &str = r#"
WITH lines AS (
    SELECT o.order_number, o.order_date, o.status, o.customer_number,
           l.quantity_ordered * l.price_each AS amount
    FROM classicmodels.orders o JOIN classicmodels.orderdetails l USING (order_number)
), by_line AS (
    SELECT p.product_line, sum(x.amount) AS revenue
    FROM classicmodels.orderdetails l
    JOIN classicmodels.products p USING (product_code)
    CROSS JOIN LATERAL (SELECT l.quantity_ordered * l.price_each AS amount) x
    GROUP BY p.product_line
), by_country AS (
    SELECT c.country, sum(x.amount) AS revenue
    FROM lines x JOIN classicmodels.customers c USING (customer_number)
    GROUP BY c.country
), by_customer AS (
    SELECT c.customer_number, c.customer_name, sum(x.amount) AS revenue
    FROM lines x JOIN classicmodels.customers c USING (customer_number)
    GROUP BY c.customer_number
), by_office AS (
    SELECT f.office_code, f.city, sum(x.amount) AS revenue
    FROM lines x
    JOIN classicmodels.customers c USING (customer_number)
    JOIN classicmodels.employees e ON e.employee_number = c.sales_rep_employee_number
    JOIN classicmodels.offices f ON f.office_code = e.office_code
    GROUP BY f.office_code, f.city
), by_status AS (
    SELECT status, count(DISTINCT order_number) AS orders FROM lines GROUP BY status
)
SELECT json_build_object(
    'total_revenue', (SELECT sum(amount)::numeric(15,2)::text FROM lines),
    'revenue_by_year', (
        SELECT json_agg(json_build_object('year', year, 'revenue', revenue::numeric(15,2)::text) ORDER BY year)
        FROM (SELECT extract(year FROM order_date)::int AS year, sum(amount) AS revenue FROM lines GROUP BY 1) y),
    'revenue_by_product_line', (
        SELECT json_agg(json_build_object('product_line', product_line, 'revenue', revenue::numeric(15,2)::text)
                        ORDER BY revenue DESC, product_line)
        FROM by_line),
    'revenue_by_country', (
        SELECT json_agg(json_build_object('country', country, 'revenue', revenue::numeric(15,2)::text)
                        ORDER BY revenue DESC, country)
        FROM by_country),
    'top_customers', (
        SELECT json_agg(json_build_object('customer', customer_name, 'revenue', revenue::numeric(15,2)::text)
                        ORDER BY revenue DESC, customer_number)
        FROM (SELECT * FROM by_customer ORDER BY revenue DESC, customer_number LIMIT 5) t),
    'payments_total', (SELECT sum(amount)::numeric(15,2)::text FROM classicmodels.payments),
    'revenue_by_office', (
        SELECT json_agg(json_build_object('office', city, 'revenue', revenue::numeric(15,2)::text)
                        ORDER BY revenue DESC, office_code)
        FROM by_office),
    'orders_by_status', (
        SELECT json_agg(json_build_object('status', status, 'orders', orders) ORDER BY orders DESC, status)
        FROM by_status),
    'customers_without_rep', (
        SELECT count(*) FROM classicmodels.customers WHERE sales_rep_employee_number IS NULL)
)
"#;

/// The summary's keys, exactly.
const SUMMARY_KEYS: [&str; 9] = [
    "customers_without_rep",
    "orders_by_status",
    "payments_total",
    "revenue_by_country",
    "revenue_by_office",
    "revenue_by_product_line",
    "revenue_by_year",
    "top_customers",
    "total_revenue",
];

/// `summary.sql` against the OLTP answer; returns the summary.
async fn assert_summary_agrees_with_oltp(h: &Harness) -> serde_json::Value {
    let summary = demo_summary(&h.olap, h.builder.pack())
        .await
        .expect("demo summary");
    let analytics = summary["analytics"].clone();
    let keys: Vec<&str> = analytics
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, SUMMARY_KEYS);
    let expected: serde_json::Value = h
        .oltp
        .query_one(SUMMARY_FROM_OLTP, &[])
        .await
        .expect("summary from OLTP")
        .get(0);
    assert_eq!(analytics, expected, "{analytics:#}");
    analytics
}

/// The warehouse tables the models write, every column but the surrogate
/// keys (identity columns and the columns named like one), and the facts
/// with their surrogate keys replaced by the natural keys they stand for,
/// and every analytics view: what must be equal between two builds.
async fn warehouse_without_surrogates(h: &Harness) -> Vec<(String, Vec<String>)> {
    let columns = h
        .olap
        .query(
            "SELECT c.table_name::text, string_agg(quote_ident(c.column_name), ', ' ORDER BY c.ordinal_position)
             FROM information_schema.columns c
             WHERE c.table_schema = 'dw'
               AND c.column_name NOT IN (SELECT column_name FROM information_schema.columns
                                         WHERE table_schema = 'dw' AND is_identity = 'YES')
               AND c.table_name IN (SELECT table_name FROM information_schema.tables
                                    WHERE table_schema = 'dw' AND table_type = 'BASE TABLE')
             GROUP BY c.table_name ORDER BY 1",
            &[],
        )
        .await
        .expect("columns");
    let tables: Vec<(String, String)> = columns.iter().map(|r| (r.get(0), r.get(1))).collect();
    let names: Vec<&str> = tables.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        names,
        [
            "dim_customer",
            "dim_date",
            "dim_employee",
            "dim_location",
            "dim_product",
            "fact_orders",
            "fact_payments"
        ]
    );
    let mut out = Vec::new();
    for (table, columns) in &tables {
        let rows = rows_as_text(&h.olap, &format!("SELECT {columns} FROM dw.{table}")).await;
        out.push((format!("dw.{table}"), rows));
    }
    for (name, sql) in [
        (
            "fact_orders by natural keys",
            "SELECT f.order_number, f.product_code, c.customer_number, c.version_no, p.product_code,
                    e.employee_number
             FROM dw.fact_orders f
             LEFT JOIN dw.dim_customer c USING (customer_key)
             LEFT JOIN dw.dim_product p USING (product_key)
             LEFT JOIN dw.dim_employee e USING (employee_key)",
        ),
        (
            "fact_payments by natural keys",
            "SELECT f.customer_number, f.check_number, c.customer_number, c.version_no, e.employee_number
             FROM dw.fact_payments f
             LEFT JOIN dw.dim_customer c USING (customer_key)
             LEFT JOIN dw.dim_employee e USING (employee_key)",
        ),
    ] {
        out.push((name.to_string(), rows_as_text(&h.olap, sql).await));
    }
    let views = h
        .olap
        .query(
            "SELECT table_name::text FROM information_schema.views WHERE table_schema = 'analytics' ORDER BY 1",
            &[],
        )
        .await
        .expect("views");
    for row in views {
        let view: String = row.get(0);
        let rows = rows_as_text(&h.olap, &format!("SELECT * FROM analytics.{view}")).await;
        out.push((format!("analytics.{view}"), rows));
    }
    out
}

async fn olap_text(h: &Harness, sql: &str) -> String {
    h.olap.query_one(sql, &[]).await.expect(sql).get(0)
}

/// Phase 2: changes of every kind the models must carry incrementally.
async fn phase_2(h: &Harness) {
    // A product line's description (its products are rewritten) and a
    // product's list price.
    h.drop_csv(
        "productlines",
        "phase2",
        "productLine;textDescription;htmlDescription;image\n\
         Trains;\"Model trains: a rewarding hobby; for enthusiasts of all ages.\";;\n",
    )
    .await;
    h.drop_csv(
        "products",
        "phase2",
        "productCode;productName;productLine;productScale;productVendor;productDescription;quantityInStock;buyPrice;MSRP\n\
         S72_3212;Pont Yacht;Ships;1:72;Unimax Art Galleries;Measures 38 inches Long x 33 3/4 inches High.;400;33.30;56.10\n",
    )
    .await;
    // The Tokyo office moves to Osaka: its place leaves dim_location.
    h.drop_csv(
        "offices",
        "phase2",
        "officeCode;city;phone;addressLine1;addressLine2;state;country;postalCode;territory\n\
         5;Osaka;+81 6 6345 5000;2-4-1 Umeda;;;Japan;530-0001;Japan\n",
    )
    .await;
    // Gerard Hernández moves to the San Francisco office (his orders follow).
    h.drop_csv(
        "employees",
        "phase2",
        "employeeNumber;lastName;firstName;extension;email;officeCode;reportsTo;jobTitle\n\
         1370;Hernández;Gerard;x2028;ghernande@classicmodelcars.com;1;1102;Sales Rep\n",
    )
    .await;
    // Atelier graphique moves within France and gets another sales rep (a
    // second version); Signal Gift Stores changes its phone (type 1); a new
    // customer in Osaka.
    h.drop_csv(
        "customers",
        "phase2",
        "customerNumber;customerName;contactLastName;contactFirstName;phone;addressLine1;addressLine2;city;state;postalCode;country;salesRepEmployeeNumber;creditLimit\n\
         103;Atelier graphique;Schmitt;Carine ;40.32.2555;12, rue de Rivoli;;Paris;;75004;France;1337;25000.00\n\
         112;Signal Gift Stores;King;Jean;7025559999;8489 Strong St.;;Las Vegas;NV;83030;USA;1166;71800.00\n\
         250;Cité des Modèles;Ōno;Ryō;06-6345-5555;1-1 Ōfuka-chō;;Osaka;;530-0011;Japan;1621;40000.00\n",
    )
    .await;
    // An order of the moved customer dated after this build (its second
    // version), a changed order (shipped now), and lines.
    h.drop_csv(
        "orders",
        "phase2",
        "orderNumber;orderDate;requiredDate;shippedDate;status;comments;customerNumber\n\
         10420;2005-05-29;2005-06-07;2005-06-09;Shipped;Shipped two days late.;148\n\
         10425;2030-01-15;2030-01-25;;In Process;;103\n\
         10426;2005-06-01;2005-06-10;2005-06-03;Shipped;;250\n",
    )
    .await;
    h.drop_csv(
        "orderdetails",
        "phase2",
        "orderNumber;productCode;quantityOrdered;priceEach;orderLineNumber\n\
         10425;S10_1949;20;210.00;1\n\
         10425;S72_3212;10;55.00;2\n\
         10426;S18_3259;12;99.99;1\n\
         10420;S700_2824;40;92.64;1\n",
    )
    .await;
    h.drop_csv(
        "payments",
        "phase2",
        "customerNumber;checkNumber;paymentDate;amount\n\
         103;ZZ100200;2030-01-20;5000.00\n\
         250;AB123456;2005-06-20;1199.88\n",
    )
    .await;
}

/// The mini sample, one build; the views and the summary against the
/// OLTP; then a phase of changes built incrementally, and a full build
/// that gives the same warehouse.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mini_classicmodels_builds_agrees_with_oltp_and_incremental_equals_full() {
    let h = Harness::start_dataset(PACK).await;
    assert_eq!(h.builder.pack().name(), PACK);
    load_mini(&h).await;

    let report = h.build().await;
    assert_clean(&report);
    assert_eq!(report.dq.len(), 29, "{:#?}", report.dq);
    assert_eq!(report.batches_consumed, 8, "{report:?}");
    assert_eq!(changed(&report, "dw.fact_orders"), 27);
    assert_eq!(changed(&report, "dw.fact_payments"), 13);
    assert_eq!(changed(&report, "dw.dim_customer"), 12);
    assert_eq!(changed(&report, "dw.dim_product"), 7);
    // The eight employees and the unknown member.
    assert_eq!(h.olap_i64("SELECT count(*) FROM dw.dim_employee").await, 9);
    // Eleven customer places (twelve customers, two in Nantes), the four
    // offices' (San Francisco, Paris, Tokyo, Sydney; none shared with a
    // customer) and the unknown member.
    assert_eq!(h.olap_i64("SELECT count(*) FROM dw.dim_location").await, 16);
    // 2003 to 2005, whole years.
    assert_eq!(h.olap_i64("SELECT count(*) FROM dw.dim_date").await, 1096);
    // The customer without a sales rep who ordered: the unknown members.
    assert_eq!(
        olap_text(
            &h,
            "SELECT format('%s %s %s', e.employee_number, f.office_code IS NULL, l.place)
             FROM dw.fact_orders f JOIN dw.dim_employee e USING (employee_key)
             JOIN dw.dim_location l ON l.location_key = f.office_location_key
             WHERE f.order_number = 10414"
        )
        .await,
        "-1 t Unknown"
    );
    // Shipped late, and not shipped.
    assert_eq!(
        olap_text(
            &h,
            "SELECT string_agg(format('%s:%s:%s', order_number, days_to_ship, shipped_late), ' ' ORDER BY order_number)
             FROM (SELECT DISTINCT order_number, days_to_ship, shipped_late FROM dw.fact_orders
                   WHERE order_number IN (10165, 10167, 10100)) x"
        )
        .await,
        "10100:4:f 10165:65:t 10167::f"
    );
    // The text came through byte for byte: accents, trailing spaces, quotes.
    assert_eq!(
        olap_text(
            &h,
            "SELECT string_agg(contact_full_name || '|' || city, ';' ORDER BY customer_number)
             FROM dw.dim_customer WHERE customer_number IN (144, 209)"
        )
        .await,
        "Christina  Berglund|Luleå;Frédérique  Citeaux|Strasbourg"
    );
    assert_eq!(
        h.oltp_i64(
            "SELECT count(*) FROM classicmodels.productlines WHERE image IS NULL AND html_description IS NULL"
        )
        .await,
        4
    );

    let compared = assert_views_agree_with_oltp(&h, true).await;
    eprintln!("{compared} analytics views agree with classicmodels.*");
    let summary = assert_summary_agrees_with_oltp(&h).await;
    assert_eq!(summary["customers_without_rep"], 2, "{summary:#}");
    assert_eq!(
        summary["top_customers"].as_array().map(Vec::len),
        Some(5),
        "{summary:#}"
    );
    let years: Vec<&serde_json::Value> = summary["revenue_by_year"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| &y["year"])
        .collect();
    assert_eq!(years, [&json!(2003), &json!(2004), &json!(2005)]);
    // Orders of customers without a rep are in no office: Paris, San
    // Francisco, Sydney and Tokyo have reps with orders.
    assert_eq!(
        summary["revenue_by_office"].as_array().map(Vec::len),
        Some(4),
        "{summary:#}"
    );

    phase_2(&h).await;
    let report = h
        .build_event(json!({"mode": "incremental", "plan": "incremental"}))
        .await;
    assert_clean(&report);
    assert_eq!(report.plan, Mode::Incremental, "{report:?}");
    // The orders rewritten: 10420 (changed), 10425 and 10426 (new).
    assert_eq!(changed(&report, "dw.fact_payments"), 2);
    // Atelier graphique: two versions; the order dated after the change is
    // on the second, with the new rep; the old orders stay on the first,
    // with the old rep, whose office is now San Francisco.
    assert_eq!(
        olap_text(
            &h,
            "SELECT string_agg(format('%s:v%s:%s:%s:%s', f.order_number, c.version_no, e.employee_number,
                                      f.office_code, l.city), ' ' ORDER BY f.order_number)
             FROM (SELECT DISTINCT order_number, customer_key, employee_key, office_code, customer_location_key
                   FROM dw.fact_orders WHERE customer_number = 103) f
             JOIN dw.dim_customer c USING (customer_key)
             JOIN dw.dim_employee e USING (employee_key)
             JOIN dw.dim_location l ON l.location_key = f.customer_location_key"
        )
        .await,
        "10100:v1:1370:1:Nantes 10417:v1:1370:1:Nantes 10425:v2:1337:4:Paris"
    );
    assert_eq!(
        olap_text(
            &h,
            "SELECT string_agg(format('%s:v%s:%s', f.check_number, c.version_no, e.employee_number), ' '
                               ORDER BY f.check_number)
             FROM dw.fact_payments f JOIN dw.dim_customer c USING (customer_key)
             JOIN dw.dim_employee e USING (employee_key) WHERE f.customer_number = 103"
        )
        .await,
        "HQ336336:v1:1370 JM555205:v1:1370 ZZ100200:v2:1337"
    );
    // The type-1 phone is on every version; the tracked columns are not.
    assert_eq!(
        olap_text(
            &h,
            "SELECT string_agg(format('%s:%s:%s', customer_number, version_no, phone), ' '
                               ORDER BY customer_number, version_no)
             FROM dw.dim_customer WHERE customer_number IN (103, 112)"
        )
        .await,
        "103:1:40.32.2555 103:2:40.32.2555 112:1:7025559999"
    );
    // Tokyo left dim_location with its office; Osaka came (the office and
    // a customer share the place), and the customer's new Paris is the
    // Paris office's place.
    assert_eq!(
        h.olap_i64("SELECT count(*) FROM dw.dim_location WHERE city = 'Tokyo'")
            .await,
        0
    );
    assert_eq!(
        h.olap_i64("SELECT count(*) FROM dw.dim_location WHERE city IN ('Osaka', 'Paris')")
            .await,
        2
    );
    // The orders of Mami Nishi's customers are credited to the Osaka office.
    assert_eq!(
        olap_text(
            &h,
            "SELECT string_agg(DISTINCT l.city, ',') FROM dw.fact_orders f
             JOIN dw.dim_location l ON l.location_key = f.office_location_key
             WHERE f.customer_number IN (148, 250)"
        )
        .await,
        "Osaka"
    );
    assert_eq!(
        olap_text(
            &h,
            "SELECT product_line_description || '|' || (SELECT msrp::text FROM dw.dim_product
                                                        WHERE product_code = 'S72_3212')
             FROM dw.dim_product WHERE product_code = 'S18_3259'"
        )
        .await,
        "Model trains: a rewarding hobby; for enthusiasts of all ages.|56.10"
    );
    // dim_date grew to cover 2030 (whole years, contiguous).
    assert_eq!(
        h.olap_i64("SELECT count(*) FROM dw.dim_date").await,
        h.olap_i64("SELECT ('2030-12-31'::date - '2003-01-01'::date + 1)::bigint")
            .await
    );

    // The reps and offices changed: those views have history now.
    assert_views_agree_with_oltp(&h, false).await;
    let incremental = warehouse_without_surrogates(&h).await;

    let report = h.build_full().await;
    assert_clean(&report);
    assert_eq!(report.plan, Mode::Full);
    let full = warehouse_without_surrogates(&h).await;
    assert_same_warehouse(&incremental, &full);
    assert_views_agree_with_oltp(&h, false).await;

    // A build with nothing new changes nothing and passes.
    let report = h.build().await;
    assert_clean(&report);
    assert_eq!(report.batches_consumed, 0);
    assert_same_warehouse(&full, &warehouse_without_surrogates(&h).await);
}

/// The files arriving children first (payments before their customers,
/// order lines before their orders and products, employees before their
/// offices and managers): rows wait for their parents and, once every file
/// is in, the OLTP has the same rows as parents-first loading gives, and
/// the warehouse builds clean with the same summary.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mini_classicmodels_loads_the_same_rows_in_reverse_order() {
    let h = Harness::start_dataset(PACK).await;
    let mut pending_seen = 0;
    for (table, rows) in FILES.iter().rev() {
        let summary = h
            .load_file(&format!("incoming/{table}.csv"), mini_file(table))
            .await;
        assert_eq!(summary.rows_read, *rows, "{summary:?}");
        pending_seen += summary.rows_pending;
    }
    assert!(pending_seen > 0, "children first must wait for parents");
    assert_eq!(
        h.oltp_i64("SELECT count(*) FROM etl.pending_row WHERE schema_name = 'classicmodels'")
            .await,
        0
    );
    let expected: Vec<(String, i64)> = FILES
        .iter()
        .map(|(t, n)| (t.to_string(), i64::try_from(*n).unwrap()))
        .collect();
    assert_eq!(oltp_counts(&h).await, expected);

    let report = h.build().await;
    assert_clean(&report);
    assert_eq!(changed(&report, "dw.fact_orders"), 27);
    assert_views_agree_with_oltp(&h, true).await;
    assert_summary_agrees_with_oltp(&h).await;
}

/// The pack's checks read the stored rows: corrupting the warehouse makes
/// exactly the checks that guard each corruption fail, naming the rows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mini_classicmodels_corruptions_fail_their_checks() {
    let h = Harness::start_dataset(PACK).await;
    load_mini(&h).await;
    assert_clean(&h.build().await);
    h.olap
        .batch_execute(
            "UPDATE dw.fact_orders SET amount = amount + 1 WHERE order_number = 10100 AND product_code = 'S18_3259';
             UPDATE dw.fact_orders SET office_code = '6' WHERE order_number = 10101;
             UPDATE dw.fact_orders SET customer_key = (SELECT customer_key FROM dw.dim_customer WHERE customer_number = 161)
             WHERE order_number = 10102;
             DELETE FROM dw.fact_orders WHERE order_number = 10327;
             DELETE FROM dw.dim_location WHERE city = 'Stavern';
             INSERT INTO dw.dim_location VALUES (dw.location_key('Atlantis', NULL, 'Poseidonia'), 'Atlantis', NULL, 'Poseidonia', 'Poseidonia, Atlantis');
             UPDATE dw.fact_payments SET amount = amount + 1 WHERE check_number = 'HQ336336';
             UPDATE dw.dim_customer SET is_current = false WHERE customer_number = 112;",
        )
        .await
        .expect("corrupt");
    let report = h.build_event(json!({"dq_full": true})).await;
    let failed: Vec<(&str, &str)> = report
        .dq
        .iter()
        .filter(|c| !c.passed)
        .map(|c| (c.check.as_str(), c.detail.as_str()))
        .collect();
    let detail = |check: &str| {
        failed
            .iter()
            .find(|(c, _)| *c == check)
            .unwrap_or_else(|| panic!("{check} passed; failed: {failed:#?}"))
            .1
    };
    let amounts = detail("fact_orders.amounts_equal_oltp");
    assert!(
        amounts.starts_with("2 failing rows, e.g. {\"order_number\":10100,")
            && amounts.contains("{\"order_number\":10327,"),
        "{amounts}"
    );
    let lines = detail("fact_orders.lines_match_orders_and_dimensions");
    for expected in [
        "{\"order_number\":10101,\"product_code\":\"S10_1678\",\"problem\":\"office 6 is not the rep's\"}",
        "customer_key of customer 161",
        "{\"order_number\":10104,\"product_code\":\"S10_1678\",\"problem\":\"customer_location_key ",
    ] {
        assert!(lines.contains(expected), "{expected} in {lines}");
    }
    assert!(
        detail("row_count.fact_orders_vs_mirror_orderdetails").starts_with("1 failing row"),
        "{failed:#?}"
    );
    assert!(detail("dim_customer.location_resolves").contains("\"customer_number\":121"));
    assert!(detail("dim_location.every_place_in_use").contains("Atlantis"));
    assert!(detail("fact_payments.match_oltp").contains("HQ336336"));
    assert!(detail("dim_customer.one_current_version_per_customer").contains("112"));
    assert!(detail("dim_customer.versions_contiguous").contains("112"));
    assert!(
        detail("row_count.dim_customer_current_vs_mirror_customers").starts_with("1 failing row")
    );
    let mut names: Vec<&str> = failed.iter().map(|(c, _)| *c).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "dim_customer.location_resolves",
            "dim_customer.one_current_version_per_customer",
            "dim_customer.versions_contiguous",
            "dim_location.every_place_in_use",
            "fact_orders.amounts_equal_oltp",
            "fact_orders.lines_match_orders_and_dimensions",
            "fact_payments.match_oltp",
            "mirror.customer_version_matches_customers",
            "row_count.dim_customer_current_vs_mirror_customers",
            "row_count.fact_orders_vs_mirror_orderdetails",
        ],
        "{failed:#?}"
    );
}

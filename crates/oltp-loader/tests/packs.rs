//! oltp-loader serving a pack read from a folder (`tests/packs/shop/`):
//! composite keys, a composite foreign key, a self reference, an append
//! table, a named CHECK, numeric/date/boolean/varchar types and CSV dialects,
//! all through the real handler against a real PostgreSQL and S3 server.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Harness, loader_for_pack, test_pack};
use oltp_loader::{LoadStatus, LoadSummary};
use tokio_postgres::Client;

const CATEGORIES: &str = "category_id;name;parent_id;active\n\
                          3;Shoes;1;true\n\
                          1;Apparel;;true\n\
                          2;Books;;false\n";
const PRODUCTS: &str = "sku;variant;category_id;price;launched\n\
                        TEE;1;3;19.99;2024-03-01\n\
                        TEE;2;3;21.5;2024-03-01\n\
                        BOOK;1;2;12.0000;\n";
const SALE_LINES: &str = "sale_id;line_no;sku;variant;qty;sold_at\n\
                          100;1;TEE;1;2;2024-05-01 10:00:00\n\
                          100;2;BOOK;1;1;2024-05-01 10:00:00\n\
                          101;1;TEE;2;3;\n";
const PRICE_LOG: &str = "sku;variant;price;seen_on\n\
                         TEE;1;19.99;2024-05-01\n\
                         TEE;1;18.5;2024-06-01\n\
                         TEE;2;21.5;2024-05-01\n\
                         BOOK;1;12;2024-05-01\n";

/// `(folder the key names the table by, contents)` of the shop's files; the
/// sale lines come under their alias.
const SHOP_FILES: [(&str, &str); 4] = [
    ("category", CATEGORIES),
    ("product", PRODUCTS),
    ("shop_sales_export", SALE_LINES),
    ("price_log", PRICE_LOG),
];

async fn scalar_i64(db: &Client, sql: &str) -> i64 {
    db.query_one(sql, &[]).await.expect(sql).get(0)
}

async fn scalar_text(db: &Client, sql: &str) -> String {
    db.query_one(sql, &[]).await.expect(sql).get(0)
}

/// `(line, column, reason, raw_record)` of `rejected/<key>.errors.csv`, by line.
async fn reported_rejects(harness: &Harness, key: &str) -> Vec<(u64, String, String, String)> {
    let report = harness
        .get_object(&format!("rejected/{key}.errors.csv"))
        .await
        .unwrap_or_else(|| panic!("rejected/{key}.errors.csv"));
    let mut reader = csv::Reader::from_reader(report.as_slice());
    assert_eq!(
        reader.headers().unwrap(),
        vec!["line", "column", "reason", "raw_record"]
    );
    let mut rows: Vec<(u64, String, String, String)> = reader
        .records()
        .map(|r| r.unwrap())
        .map(|r| {
            (
                r[0].parse().unwrap(),
                r[1].to_string(),
                r[2].to_string(),
                r[3].to_string(),
            )
        })
        .collect();
    rows.sort();
    rows
}

/// Asserts the report's `(line, column, reason prefix)`s, in line order.
fn assert_rejects(reported: &[(u64, String, String, String)], expected: &[(u64, &str, &str)]) {
    assert_eq!(reported.len(), expected.len(), "{reported:#?}");
    for ((line, column, reason, _), (want_line, want_column, want_reason)) in
        reported.iter().zip(expected)
    {
        assert_eq!(
            (*line, column.as_str()),
            (*want_line, *want_column),
            "{reported:#?}"
        );
        assert!(
            reason.starts_with(want_reason),
            "line {line}: {reason:?} should start with {want_reason:?}"
        );
    }
}

fn assert_loaded(summary: &LoadSummary, inserted: u64, rejected: u64) {
    assert_eq!(summary.status, LoadStatus::Loaded, "{summary:?}");
    assert_eq!(
        (summary.rows_inserted, summary.rows_rejected),
        (inserted, rejected),
        "{summary:?}"
    );
}

/// UTF-16LE with a byte-order mark, as Excel's "Unicode text" writes it.
fn utf16le_with_bom(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    bytes
}

/// Every order of `0..n`.
fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![Vec::new()];
    }
    let mut all = Vec::new();
    for shorter in permutations(n - 1) {
        for at in 0..=shorter.len() {
            let mut order = shorter.clone();
            order.insert(at, n - 1);
            all.push(order);
        }
    }
    all
}

/// Loads the categories and products every later test refers to.
async fn load_parents(harness: &Harness) {
    let categories = harness
        .drop_file("incoming/Category.csv", CATEGORIES.as_bytes().to_vec())
        .await;
    assert_loaded(&categories, 3, 0);
    let products = harness
        .drop_file("incoming/Product.csv", PRODUCTS.as_bytes().to_vec())
        .await;
    assert_loaded(&products, 3, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_shop_pack_loads_exactly_in_every_arrival_order() {
    let harness = Harness::start_pack("shop").await;
    let orders = permutations(SHOP_FILES.len());
    assert_eq!(orders.len(), 24);
    for (run, order) in orders.iter().enumerate() {
        let url = harness
            .sandbox
            .postgres()
            .create_database("shop_order")
            .await
            .unwrap();
        let loader = loader_for_pack(&harness.sandbox, &url, test_pack("shop")).await;
        let db = starlift_sandbox::connect(&url).await.unwrap();
        let names: Vec<&str> = order.iter().map(|&i| SHOP_FILES[i].0).collect();
        let (mut inserted, mut pending, mut resolved) = (0, 0, 0);
        for &i in order {
            let (folder, csv) = SHOP_FILES[i];
            // Each order gets its own keys so the ledger sees new objects.
            let key = format!("incoming/{folder}/run{run}.csv");
            let summary = harness
                .drop_file_with(&loader, &key, csv.as_bytes().to_vec())
                .await;
            assert_eq!(summary.status, LoadStatus::Loaded, "{names:?}: {summary:?}");
            assert_eq!(summary.rows_rejected, 0, "{names:?}: {summary:?}");
            assert_eq!(
                summary.rows_read,
                csv.lines().count() as u64 - 1,
                "{names:?}: {summary:?}"
            );
            inserted += summary.rows_inserted;
            pending += summary.rows_pending;
            resolved += summary.rows_resolved;
        }
        assert_eq!(inserted + resolved, 13, "order {names:?}");
        assert_eq!(
            pending, resolved,
            "order {names:?}: every held row resolved"
        );
        for (table, expected) in [
            ("category", 3),
            ("product", 3),
            ("sale_line", 3),
            ("price_log", 4),
        ] {
            let n = scalar_i64(&db, &format!("SELECT count(*) FROM shop.{table}")).await;
            assert_eq!(n, expected, "order {names:?}: shop.{table}");
        }
        assert_eq!(
            scalar_i64(&db, "SELECT count(*) FROM etl.pending_row").await,
            0,
            "order {names:?}: no pending rows left"
        );
        assert_eq!(
            scalar_text(
                &db,
                "SELECT string_agg(format('%s:%s:%s:%s', category_id, name, coalesce(parent_id::text, '-'), active::text), ',' ORDER BY category_id) FROM shop.category"
            )
            .await,
            "1:Apparel:-:true,2:Books:-:false,3:Shoes:1:true",
            "order {names:?}"
        );
        assert_eq!(
            scalar_text(
                &db,
                "SELECT string_agg(format('%s/%s:%s:%s:%s', sku, variant, category_id, price, coalesce(launched::text, '-')), ',' ORDER BY sku, variant) FROM shop.product"
            )
            .await,
            "BOOK/1:2:12.0000:-,TEE/1:3:19.9900:2024-03-01,TEE/2:3:21.5000:2024-03-01",
            "order {names:?}"
        );
        assert_eq!(
            scalar_text(
                &db,
                "SELECT string_agg(format('%s/%s:%s/%s:%s:%s', sale_id, line_no, sku, variant, qty, coalesce(sold_at::text, '-')), ',' ORDER BY sale_id, line_no) FROM shop.sale_line"
            )
            .await,
            "100/1:TEE/1:2:2024-05-01 10:00:00,100/2:BOOK/1:1:2024-05-01 10:00:00,101/1:TEE/2:3:-",
            "order {names:?}"
        );
        assert_eq!(
            scalar_text(
                &db,
                "SELECT string_agg(format('%s/%s:%s:%s', sku, variant, price, seen_on), ',' ORDER BY sku, variant, seen_on) FROM shop.price_log"
            )
            .await,
            "BOOK/1:12.0000:2024-05-01,TEE/1:19.9900:2024-05-01,TEE/1:18.5000:2024-06-01,TEE/2:21.5000:2024-05-01",
            "order {names:?}"
        );
        // The append rows keep the load they came from, even when they waited.
        let origin_key = format!("incoming/price_log/run{run}.csv");
        let from_origin: i64 = db
            .query_one(
                "SELECT count(*) FROM shop.price_log AS p JOIN etl.load AS l ON l.load_id = p.load_origin_id WHERE l.object_key = $1",
                &[&origin_key],
            )
            .await
            .unwrap()
            .get(0);
        assert_eq!(from_origin, 4, "order {names:?}");
    }
}

/// `line_no` is an ordinary column name (`sale_line.line_no`), but the
/// loader's stage tables carry a `line_no` of their own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pack_column_named_line_no_loads_directly_and_from_pending() {
    let harness = Harness::start_pack("shop").await;
    let categories = harness
        .drop_file("incoming/Category.csv", CATEGORIES.as_bytes().to_vec())
        .await;
    assert_loaded(&categories, 3, 0);
    // Before their products: every line waits (a composite foreign key).
    let early = harness
        .drop_file(
            "incoming/shop_sales_export.csv",
            SALE_LINES.as_bytes().to_vec(),
        )
        .await;
    assert_loaded(&early, 0, 0);
    assert_eq!(early.table.as_deref(), Some("sale_line"), "{early:?}");
    assert_eq!(early.rows_pending, 3, "{early:?}");
    let products = harness
        .drop_file("incoming/Product.csv", PRODUCTS.as_bytes().to_vec())
        .await;
    assert_loaded(&products, 3, 0);
    assert_eq!(products.rows_resolved, 3, "{products:?}");
    // A later file with the parents present merges directly.
    let late = harness
        .drop_file(
            "incoming/sale_line/late.csv",
            b"sale_id;line_no;sku;variant;qty;sold_at\n102;1;BOOK;1;4;2024-06-01 09:30:00\n"
                .to_vec(),
        )
        .await;
    assert_loaded(&late, 1, 0);
    assert_eq!(
        scalar_text(
            &harness.oltp,
            "SELECT string_agg(format('%s/%s:%s/%s:%s', sale_id, line_no, sku, variant, qty), ',' ORDER BY sale_id, line_no) FROM shop.sale_line"
        )
        .await,
        "100/1:TEE/1:2,100/2:BOOK/1:1,101/1:TEE/2:3,102/1:BOOK/1:4"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_version_of_an_append_key_replaces_exactly_that_keys_rows() {
    let harness = Harness::start_pack("shop").await;
    load_parents(&harness).await;
    let store_a = "incoming/price_log/store_a.csv";
    let store_b = "incoming/price_log/store_b.csv";
    let first = harness
        .drop_file(
            store_a,
            b"sku;variant;price;seen_on\nTEE;1;19.99;2024-05-01\nTEE;1;18.5;2024-06-01\nTEE;2;21.5;2024-05-01\n"
                .to_vec(),
        )
        .await;
    assert_loaded(&first, 3, 0);
    assert_eq!(first.rows_replaced, 0, "{first:?}");
    let other = harness
        .drop_file(
            store_b,
            b"sku;variant;price;seen_on\nBOOK;1;12;2024-05-01\nBOOK;1;11;2024-06-01\n".to_vec(),
        )
        .await;
    assert_loaded(&other, 2, 0);
    assert_eq!(other.rows_replaced, 0, "{other:?}");

    let second_csv =
        b"sku;variant;price;seen_on\nTEE;1;17;2024-07-01\nTEE;2;20;2024-07-01\n".to_vec();
    let second = harness.drop_file(store_a, second_csv.clone()).await;
    assert_loaded(&second, 2, 0);
    assert_eq!(second.rows_replaced, 3, "{second:?}");
    let h = &harness;
    let rows = move |key: &'static str| async move {
        h.oltp
            .query_one(
                "SELECT count(*), string_agg(format('%s/%s:%s:%s', p.sku, p.variant, p.price, p.seen_on), ',' ORDER BY p.sku, p.variant, p.seen_on)
                 FROM shop.price_log AS p JOIN etl.load AS l ON l.load_id = p.load_origin_id
                 WHERE l.object_key = $1",
                &[&key],
            )
            .await
            .unwrap()
    };
    let a = rows(store_a).await;
    assert_eq!(a.get::<_, i64>(0), 2);
    assert_eq!(
        a.get::<_, String>(1),
        "TEE/1:17.0000:2024-07-01,TEE/2:20.0000:2024-07-01"
    );
    let b = rows(store_b).await;
    assert_eq!(b.get::<_, i64>(0), 2, "the other key's rows stay");
    assert_eq!(
        b.get::<_, String>(1),
        "BOOK/1:12.0000:2024-05-01,BOOK/1:11.0000:2024-06-01"
    );
    assert_eq!(
        harness.count("SELECT count(*) FROM shop.price_log").await,
        4
    );
    let origin_of_a: i64 = harness
        .count("SELECT DISTINCT load_origin_id FROM shop.price_log WHERE sku = 'TEE'")
        .await;
    assert_eq!(Some(origin_of_a), second.load_id);

    // The same bytes again: a duplicate, nothing replaced or inserted.
    let again = harness.drop_file(store_a, second_csv).await;
    assert_eq!(again.status, LoadStatus::Duplicate, "{again:?}");
    assert_eq!(
        (again.rows_inserted, again.rows_replaced),
        (0, 0),
        "{again:?}"
    );
    assert_eq!(again.load_id, second.load_id);
    assert_eq!(
        harness.count("SELECT count(*) FROM shop.price_log").await,
        4
    );

    // A version with a row whose product has not arrived: it waits, and the
    // next version of the key forgets it along with the loaded rows.
    let third = harness
        .drop_file(
            store_a,
            b"sku;variant;price;seen_on\nTEE;1;16;2024-08-01\nMUG;1;5;2024-08-01\n".to_vec(),
        )
        .await;
    assert_loaded(&third, 1, 0);
    assert_eq!(
        (third.rows_pending, third.rows_replaced),
        (1, 2),
        "{third:?}"
    );
    assert_eq!(
        harness.count("SELECT count(*) FROM etl.pending_row").await,
        1
    );
    let fourth = harness
        .drop_file(
            store_a,
            b"sku;variant;price;seen_on\nTEE;2;15;2024-09-01\n".to_vec(),
        )
        .await;
    assert_loaded(&fourth, 1, 0);
    assert_eq!(
        (fourth.rows_pending, fourth.rows_replaced),
        (0, 1),
        "{fourth:?}"
    );
    assert_eq!(
        harness.count("SELECT count(*) FROM etl.pending_row").await,
        0,
        "the superseded version's waiting row is forgotten"
    );
    assert_eq!(
        harness.count("SELECT count(*) FROM shop.price_log").await,
        3
    );
    // A product arriving later does not bring the forgotten row back.
    let mug = harness
        .drop_file(
            "incoming/product/mug.csv",
            b"sku;variant;category_id;price;launched\nMUG;1;1;5;\n".to_vec(),
        )
        .await;
    assert_loaded(&mug, 1, 0);
    assert_eq!(mug.rows_resolved, 0, "{mug:?}");
    assert_eq!(
        harness
            .count("SELECT count(*) FROM shop.price_log WHERE sku = 'MUG'")
            .await,
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_named_check_rejects_only_its_rows_with_their_lines() {
    let harness = Harness::start_pack("shop").await;
    let categories = harness
        .drop_file("incoming/Category.csv", CATEGORIES.as_bytes().to_vec())
        .await;
    assert_loaded(&categories, 3, 0);
    let key = "incoming/Product.csv";
    let csv = "sku;variant;category_id;price;launched\n\
               TEE;1;3;19.99;2024-03-01\n\
               FREE;1;3;0;\n\
               TEE;2;3;21.5;\n\
               NEG;1;2;-3.5;2024-01-01\n";
    let summary = harness.drop_file(key, csv.as_bytes().to_vec()).await;
    assert_loaded(&summary, 2, 2);
    assert_eq!(summary.rows_read, 4, "{summary:?}");
    assert_eq!(
        summary.rejects_key.as_deref(),
        Some("rejected/incoming/Product.csv.errors.csv")
    );
    let reported = reported_rejects(&harness, key).await;
    assert_rejects(
        &reported,
        &[
            (3, "", "violates check constraint product_price_positive"),
            (5, "", "violates check constraint product_price_positive"),
        ],
    );
    let rows = harness
        .oltp
        .query(
            "SELECT r.line_no, r.column_name, r.reason FROM etl.rejected_row AS r
             JOIN etl.load AS l USING (load_id) WHERE l.object_key = $1 ORDER BY r.line_no",
            &[&key],
        )
        .await
        .unwrap();
    let lines: Vec<i64> = rows.iter().map(|r| r.get(0)).collect();
    assert_eq!(lines, vec![3, 5]);
    for row in &rows {
        assert_eq!(row.get::<_, Option<String>>(1), None);
        let reason: String = row.get(2);
        assert!(reason.contains("product_price_positive"), "{reason}");
    }
    assert_eq!(
        scalar_text(
            &harness.oltp,
            "SELECT string_agg(format('%s/%s', sku, variant), ',' ORDER BY sku, variant) FROM shop.product"
        )
        .await,
        "TEE/1,TEE/2"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dialects_load_end_to_end() {
    let harness = Harness::start_pack("shop").await;
    let text_cases: Vec<(&str, &str, u64)> = vec![
        // The pack says `;`; `delimiter=auto` detects it from camelCase names.
        (
            "incoming/delimiter=auto/Category.csv",
            "categoryId;name;parentId;active\n10;Ten;;yes\n11;Eleven;10;no\n",
            2,
        ),
        (
            "incoming/delimiter=auto/category/commas.csv",
            "CategoryId,Name,ParentId,Active\n12,Twelve,,t\n",
            1,
        ),
        (
            "incoming/category/tabs.tsv",
            "category_id\tname\tparent_id\tactive\n13\tThirteen\t10\ttrue\n14\tFourteen\t\tfalse\n",
            2,
        ),
        (
            "incoming/category/delimiter=pipe/pipes.csv",
            "category_id|name|parent_id|active\n15|Fifteen|10|true\n",
            1,
        ),
        (
            "incoming/null=NULL/category/nulls.csv",
            "category_id;name;parent_id;active\n16;\"NULL\";NULL;NULL\n17;Seventeen;NULL;true\n",
            2,
        ),
        (
            "incoming/null=\\N/category/backslash.csv",
            "category_id;name;parent_id;active\n18;Eighteen;\\N;\\N\n",
            1,
        ),
        (
            "incoming/category/bom.csv",
            "\u{feff}category_id;name;parent_id;active\n19;Café;;true\n",
            1,
        ),
        (
            "incoming/category/crlf.csv",
            "category_id;name;parent_id;active\r\n22;CRLF;;true\r\n23;\"A\r\nB\";22;false\r\n",
            2,
        ),
    ];
    for (key, csv, rows) in text_cases {
        let summary = harness.drop_file(key, csv.as_bytes().to_vec()).await;
        assert_loaded(&summary, rows, 0);
        assert_eq!(summary.rows_read, rows, "{key}: {summary:?}");
    }
    let utf16 = harness
        .drop_file(
            "incoming/category/utf16.csv",
            utf16le_with_bom(
                "category_id;name;parent_id;active\r\n20;Bücher;;true\r\n21;Ωmega;20;false\r\n",
            ),
        )
        .await;
    assert_loaded(&utf16, 2, 0);
    // Bare CR ends records (and lines: the bad boolean is on line 4).
    let cr_key = "incoming/category/mac.csv";
    let cr = harness
        .drop_file(
            cr_key,
            b"category_id;name;parent_id;active\r24;CR one;;true\r25;CR two;24;false\r26;CR bad;;maybe\r27;CR four;;\r"
                .to_vec(),
        )
        .await;
    assert_loaded(&cr, 3, 1);
    assert_eq!(cr.rows_read, 4, "{cr:?}");
    assert_rejects(
        &reported_rejects(&harness, cr_key).await,
        &[(4, "active", "not a boolean: \"maybe\"")],
    );
    // Without an option the pack's `;` applies: a comma file is one column.
    let commas = harness
        .drop_file(
            "incoming/category/commas_no_option.csv",
            b"category_id,name,parent_id,active\n90,Comma,,true\n".to_vec(),
        )
        .await;
    assert_eq!(commas.status, LoadStatus::Failed, "{commas:?}");
    assert!(
        commas
            .error
            .as_deref()
            .unwrap()
            .contains("missing required column"),
        "{commas:?}"
    );

    assert_eq!(
        harness.count("SELECT count(*) FROM shop.category").await,
        17
    );
    assert_eq!(
        scalar_text(
            &harness.oltp,
            "SELECT string_agg(format('%s:%s:%s:%s', category_id, name, coalesce(parent_id::text, '-'), coalesce(active::text, '-')), ',' ORDER BY category_id) FROM shop.category"
        )
        .await,
        [
            "10:Ten:-:true",
            "11:Eleven:10:false",
            "12:Twelve:-:true",
            "13:Thirteen:10:true",
            "14:Fourteen:-:false",
            "15:Fifteen:10:true",
            "16:NULL:-:-",
            "17:Seventeen:-:true",
            "18:Eighteen:-:-",
            "19:Café:-:true",
            "20:Bücher:-:true",
            "21:Ωmega:20:false",
            "22:CRLF:-:true",
            "23:A\r\nB:22:false",
            "24:CR one:-:true",
            "25:CR two:24:false",
            "27:CR four:-:-",
        ]
        .join(",")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strict_records_fail_the_file_or_reject_only_the_record() {
    let harness = Harness::start_pack("shop").await;
    let key = "incoming/category/unterminated.csv";
    let summary = harness
        .drop_file(
            key,
            b"category_id;name;parent_id;active\n40;Fine;;true\n41;\"Open;;true\n42;Rest;;true\n"
                .to_vec(),
        )
        .await;
    assert_eq!(summary.status, LoadStatus::Failed, "{summary:?}");
    let error = summary.error.clone().unwrap();
    assert!(
        error.contains("unterminated quoted field opened on line 3"),
        "{error}"
    );
    let report = harness
        .get_object(&format!("rejected/{key}.error.json"))
        .await
        .expect("error.json");
    let report: serde_json::Value = serde_json::from_slice(&report).unwrap();
    assert_eq!(report["key"], key);
    assert_eq!(report["status"], "failed");
    assert_eq!(report["nothing_loaded"], true);
    assert!(
        report["error"]
            .as_str()
            .unwrap()
            .contains("unterminated quoted field opened on line 3"),
        "{report}"
    );
    assert_eq!(
        harness.count("SELECT count(*) FROM shop.category").await,
        0,
        "nothing of the file loaded"
    );
    assert_eq!(
        harness
            .count("SELECT count(*) FROM etl.load WHERE status = 'failed'")
            .await,
        1
    );

    let key = "incoming/category/records.csv";
    let csv = "category_id;name;parent_id;active\n\
               50;Good;;true\n\
               51;Bad\"Quote;;true\n\
               52;Extra;;true;surplus\n\
               53;Few\n\
               54;\"Q\"\"d\";;false\n\
               55;\"after\"x;;true\n\
               56;Last;50;true\n";
    let summary = harness.drop_file(key, csv.as_bytes().to_vec()).await;
    assert_loaded(&summary, 3, 4);
    assert_eq!(summary.rows_read, 7, "{summary:?}");
    let reported = reported_rejects(&harness, key).await;
    assert_rejects(
        &reported,
        &[
            (3, "name", "quote character '\"' inside unquoted field 2"),
            (4, "", "expected 4 fields as in the header, found 5"),
            (5, "", "expected 4 fields as in the header, found 2"),
            (7, "name", "text after the closing quote of field 2"),
        ],
    );
    let raws: Vec<&str> = reported.iter().map(|r| r.3.as_str()).collect();
    assert_eq!(
        raws,
        vec![
            "51;Bad\"Quote;;true",
            "52;Extra;;true;surplus",
            "53;Few",
            "55;\"after\"x;;true"
        ]
    );
    let recorded: Vec<i64> = harness
        .oltp
        .query(
            "SELECT r.line_no FROM etl.rejected_row AS r JOIN etl.load AS l USING (load_id)
             WHERE l.object_key = $1 ORDER BY r.line_no",
            &[&key],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(recorded, vec![3, 4, 5, 7]);
    assert_eq!(
        scalar_text(
            &harness.oltp,
            "SELECT string_agg(format('%s:%s', category_id, name), ',' ORDER BY category_id) FROM shop.category"
        )
        .await,
        "50:Good,54:Q\"d,56:Last"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn types_are_exact_never_rounded_or_truncated() {
    let harness = Harness::start_pack("shop").await;
    let key = "incoming/category/types.csv";
    let csv = "category_id;name;parent_id;active\n\
               1;Exactly10!;;yes\n\
               2;ElevenChars;;N\n\
               3;Ténchars10;;1\n\
               4;Four;;f\n\
               5;Five;;N\n\
               6;Six;;maybe\n";
    let summary = harness.drop_file(key, csv.as_bytes().to_vec()).await;
    assert_loaded(&summary, 4, 2);
    assert_rejects(
        &reported_rejects(&harness, key).await,
        &[
            (
                3,
                "name",
                "11 characters, more than varchar(10) allows: \"ElevenChars\"",
            ),
            (7, "active", "not a boolean: \"maybe\""),
        ],
    );
    assert_eq!(
        scalar_text(
            &harness.oltp,
            "SELECT string_agg(format('%s:%s:%s', category_id, name, active::text), ',' ORDER BY category_id) FROM shop.category"
        )
        .await,
        "1:Exactly10!:true,3:Ténchars10:true,4:Four:false,5:Five:false"
    );

    let key = "incoming/product/types.csv";
    let csv = "sku;variant;category_id;price;launched\n\
               P5;1;1;1.23456;2024-01-01\n\
               P4;1;1;1.23450;2024-01-01\n\
               BADDATE;1;1;2.5;2024-02-30\n\
               MAX;1;1;99999999.9999;2024-02-29\n\
               BIG;1;1;123456789.5;\n";
    let summary = harness.drop_file(key, csv.as_bytes().to_vec()).await;
    assert_loaded(&summary, 2, 3);
    assert_rejects(
        &reported_rejects(&harness, key).await,
        &[
            (
                2,
                "price",
                "more than 4 decimal places for numeric(12,4): \"1.23456\" (refusing to round)",
            ),
            (4, "launched", "not a date: \"2024-02-30\""),
            (
                6,
                "price",
                "out of range for numeric(12,4): \"123456789.5\" (at most 8 digits before the decimal point)",
            ),
        ],
    );
    assert_eq!(
        scalar_text(
            &harness.oltp,
            "SELECT string_agg(format('%s:%s:%s', sku, price, launched), ',' ORDER BY sku) FROM shop.product"
        )
        .await,
        "MAX:99999999.9999:2024-02-29,P4:1.2345:2024-01-01"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_key_options_fail_the_file_naming_the_option() {
    let harness = Harness::start_pack("shop").await;
    let cases = [
        (
            "incoming/delimter=;/category/x.csv",
            r#"unknown CSV option "delimter": the options are delimiter, quote, null, encoding"#,
        ),
        (
            "incoming/category/delimiter=colon/y.csv",
            r#"CSV option delimiter: unknown value "colon""#,
        ),
    ];
    for (key, message) in cases {
        let summary = harness
            .drop_file(
                key,
                b"category_id;name;parent_id;active\n1;One;;true\n".to_vec(),
            )
            .await;
        assert_eq!(summary.status, LoadStatus::Failed, "{key}: {summary:?}");
        assert_eq!(summary.table.as_deref(), Some("category"), "{summary:?}");
        let error = summary.error.clone().unwrap();
        assert!(error.contains(message), "{key}: {error:?}");
        let report = harness
            .get_object(&format!("rejected/{key}.error.json"))
            .await
            .unwrap_or_else(|| panic!("{key}: error.json"));
        let report: serde_json::Value = serde_json::from_slice(&report).unwrap();
        assert!(
            report["error"].as_str().unwrap().contains(message),
            "{report}"
        );
    }
    assert_eq!(harness.count("SELECT count(*) FROM shop.category").await, 0);
    assert_eq!(
        harness
            .count("SELECT count(*) FROM etl.load WHERE status = 'failed'")
            .await,
        2
    );
}

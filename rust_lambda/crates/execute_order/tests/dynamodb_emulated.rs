//! What `execute_order` keeps in DynamoDB besides orders, against DynamoDB as the moto emulator
//! serves it over HTTP (`moto_server` from `FKS_PYTHON`'s directory, else the project's
//! `.venv/bin`; without it the tests say so and pass without running): a Kraken `cl_ord_id`
//! derived from a long platform id read back from the orders table's `ByAccount` index, and the
//! rate budget every caller of a venue shares.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use execute_order::aws::AwsJsonClient;
use execute_order::config::kraken_owner_lookup;
use execute_order::rate_budget::{Pace, SharedBudget};
use execute_order::sigv4::Credentials;
use fks_execution_core::{Decimal, ErrorClass};
use serde_json::json;

const TABLE: &str = "fks-orders-test";

struct Moto(Child);

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn moto() -> Option<(Moto, AwsJsonClient)> {
    let bin = std::env::var_os("FKS_PYTHON").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../.venv/bin/moto_server"),
        |python| PathBuf::from(python).with_file_name("moto_server"),
    );
    if !bin.exists() {
        eprintln!("SKIPPED: no moto_server at {}", bin.display());
        return None;
    }
    let port = TcpListener::bind("127.0.0.1:0").ok()?.local_addr().ok()?.port();
    let child = Command::new(bin)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start moto_server");
    let server = Moto(child);
    let credentials = Credentials {
        access_key_id: "testing".into(),
        secret_access_key: "testing".into(),
        session_token: None,
    };
    let aws = AwsJsonClient::new("us-east-1", credentials, Some(format!("http://127.0.0.1:{port}")));
    let started = Instant::now();
    while aws.call("dynamodb", "1.0", "DynamoDB_20120810.ListTables", &json!({})).is_err() {
        assert!(started.elapsed() < Duration::from_secs(30), "moto_server did not come up");
        std::thread::sleep(Duration::from_millis(200));
    }
    Some((server, aws))
}

fn create_orders_table(aws: &AwsJsonClient) {
    aws.call(
        "dynamodb",
        "1.0",
        "DynamoDB_20120810.CreateTable",
        &json!({
            "TableName": TABLE,
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [
                {"AttributeName": "client_order_id", "AttributeType": "S"},
                {"AttributeName": "account", "AttributeType": "S"},
                {"AttributeName": "created_ms", "AttributeType": "N"},
            ],
            "KeySchema": [{"AttributeName": "client_order_id", "KeyType": "HASH"}],
            "GlobalSecondaryIndexes": [{
                "IndexName": "ByAccount",
                "KeySchema": [
                    {"AttributeName": "account", "KeyType": "HASH"},
                    {"AttributeName": "created_ms", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }],
        }),
    )
    .expect("create the orders table");
}

fn put_order(aws: &AwsJsonClient, id: &str, account: &str, created_ms: u64) {
    let item = json!({
        "client_order_id": {"S": id}, "account": {"S": account}, "created_ms": {"N": created_ms.to_string()},
    });
    aws.call("dynamodb", "1.0", "DynamoDB_20120810.PutItem", &json!({"TableName": TABLE, "Item": item}))
        .expect("put an order");
}

#[test]
fn a_derived_cl_ord_id_is_read_back_from_the_accounts_recent_orders() {
    let Some((_server, aws)) = moto() else { return };
    create_orders_table(&aws);
    let now = u64::try_from(
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis(),
    )
    .unwrap();
    let ours = "sig-0123456789abcdef0123456789abcdef";
    let old = "sig-ffffffffffffffffffffffffffffffff";
    let elsewhere = "sig-eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";
    put_order(&aws, ours, "kraken-main", now - 60_000);
    put_order(&aws, old, "kraken-main", now - 30 * 86_400_000);
    put_order(&aws, elsewhere, "kraken-other", now);
    let mut lookup = kraken_owner_lookup(aws, TABLE.into(), "kraken-main".into());
    let derive = fks_kraken::ids::cl_ord_id;

    assert_eq!(lookup(&derive(ours)).unwrap().as_deref(), Some(ours));
    assert_eq!(lookup(&derive(old)).unwrap(), None, "older than the lookback");
    assert_eq!(lookup(&derive(elsewhere)).unwrap(), None, "another account's order");
    assert_eq!(lookup("d15708c1-dbb6-465d-b77d-47258319cc90").unwrap(), None, "nobody's");
}

#[test]
fn the_shared_budget_lets_a_burst_through_then_refuses_a_call_it_cannot_wait_for() {
    let Some((_server, aws)) = moto() else { return };
    aws.call(
        "dynamodb",
        "1.0",
        "DynamoDB_20120810.CreateTable",
        &json!({
            "TableName": "fks-rate-budget-test",
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "bucket", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "bucket", "KeyType": "HASH"}],
        }),
    )
    .expect("create the budget table");
    // One unit a second, two at once: a third call needs a second's refill, more than it may wait.
    let pace = Pace { rate_per_s: Decimal::ONE, burst: Decimal::TWO };
    let budget = |key: &str| {
        SharedBudget::new(
            aws.clone(),
            "fks-rate-budget-test".into(),
            "kraken",
            key,
            pace,
            Duration::from_millis(200),
        )
    };
    let (mut first, mut second) = (budget("kraken-main"), budget("kraken-main"));

    let paid = [first.take(Decimal::ONE), second.take(Decimal::ONE)];
    let refused = first.take(Decimal::ONE).expect_err("the burst is spent");
    let other_key = budget("kraken-other").take(Decimal::ONE);

    assert!(paid.iter().all(Result::is_ok), "{paid:?}");
    assert_eq!(refused.class, ErrorClass::RateLimited);
    assert!(other_key.is_ok(), "each key has a budget of its own");
    let item = aws
        .call(
            "dynamodb",
            "1.0",
            "DynamoDB_20120810.GetItem",
            &json!({"TableName": "fks-rate-budget-test", "Key": {"bucket": {"S": "kraken#kraken-main"}}}),
        )
        .unwrap();
    assert_eq!(
        item.pointer("/Item/calls/N").and_then(|v| v.as_str()),
        Some("2"),
        "the bucket Python reads too"
    );
}

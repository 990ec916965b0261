//! The server's API: the happy path and bad requests (bad TOML, oversized upload, n above the
//! cap, unknown scenario, too many concurrent jobs), after which it still answers.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use std::time::Duration;
use tower::ServiceExt;
use truce_web::server::{app, Config};

/// The address the app is served at in these tests (no socket: requests go through `oneshot`).
const AT: &str = "127.0.0.1:8080";

/// The server's default upload limit (256 KiB): the default scenario ships calibrated, and its
/// edited TOML (with the posterior's 1000 rows) is over 64 KiB.
fn router(max_jobs: usize) -> Router {
    let cfg = Config { max_runs: 200_000, max_jobs, max_upload: 256 * 1024, threads: 2, ..Config::default() };
    app(cfg, AT.parse().unwrap()).unwrap()
}

async fn call(r: &Router, method: &str, uri: &str, body: Body, ctype: &str) -> (StatusCode, Vec<u8>) {
    let req =
        Request::builder().method(method).uri(uri).header("host", AT).header("content-type", ctype).body(body).unwrap();
    let res = r.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, bytes)
}

async fn get(r: &Router, uri: &str) -> (StatusCode, Value) {
    let (s, b) = call(r, "GET", uri, Body::empty(), "text/plain").await;
    (s, serde_json::from_slice(&b).unwrap_or(Value::Null))
}

async fn post(r: &Router, uri: &str, v: Value) -> (StatusCode, Value) {
    let (s, b) = call(r, "POST", uri, Body::from(v.to_string()), "application/json").await;
    (s, serde_json::from_slice(&b).unwrap_or(Value::Null))
}

async fn alive(r: &Router) {
    let (s, v) = get(r, "/api/info").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["max_runs"], 200_000);
}

async fn wait(r: &Router, id: &str) -> Value {
    for _ in 0..600 {
        let (_, v) = get(r, &format!("/api/jobs/{id}")).await;
        if v["state"] != "running" {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("job {id} did not finish");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_scenarios_and_a_forecast() {
    let r = router(2);
    let (s, b) = call(&r, "GET", "/", Body::empty(), "text/plain").await;
    assert_eq!(s, StatusCode::OK);
    assert!(String::from_utf8_lossy(&b).contains("forecast workbench"));
    let (s, v) = get(&r, "/api/scenarios").await;
    assert_eq!(s, StatusCode::OK);
    assert!(v.as_array().unwrap().iter().any(|x| x["name"] == "ukraine-2025-12"));
    let (s, v) = get(&r, "/api/scenarios/ukraine-2025-12").await;
    assert_eq!(s, StatusCode::OK);
    let knobs = v["editor"]["knobs"].as_array().unwrap();
    assert!(knobs.iter().any(|k| k["path"] == "actors.russia.positions.territory"));
    assert!(knobs.iter().any(|k| k["path"] == "protocol.cadence_weeks"));
    // An edited scenario round-trips through TOML, with the edit recorded in its source.
    let edits = json!({"actors.russia.positions.territory": 80.0, "protocol.cadence_weeks": 4});
    let (s, v) = post(&r, "/api/scenario", json!({"scenario": "ukraine-2025-12", "edits": edits})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let toml = v["toml"].as_str().unwrap();
    assert!(toml.contains("edited (was 100)"));
    let (s, v2) =
        call(&r, "POST", "/api/upload?name=edited.toml", Body::from(toml.to_string()), "application/toml").await;
    assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&v2));
    let v2: Value = serde_json::from_slice(&v2).unwrap();
    let k = v2["editor"]["knobs"].as_array().unwrap();
    let terr = k.iter().find(|k| k["path"] == "actors.russia.positions.territory").unwrap();
    assert_eq!(terr["value"], 80.0);
    // A forecast.
    let (s, v) =
        post(&r, "/api/forecast", json!({"scenario": "ukraine-2025-12", "edits": edits, "n": 600, "seed": 3})).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    let st = wait(&r, &id).await;
    assert_eq!(st["state"], "done", "{st}");
    let (s, v) = get(&r, &format!("/api/jobs/{id}/result")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["summary"]["runs"], 600);
    assert_eq!(v["charts"].as_array().unwrap().len(), 7);
    // What broke a side that collapsed: the summary's counts and the causes' labels for the page.
    assert!(v["summary"]["collapse_causes"]["ukraine"]["front"]["p"].is_number(), "{}", v["summary"]);
    let causes = v["collapse_causes"].as_array().unwrap();
    assert_eq!(causes.len(), 4);
    assert_eq!(causes[0], json!(["front", "the front past its threshold"]));
    let (s, b) = call(&r, "GET", &format!("/api/jobs/{id}/csv?table=terms"), Body::empty(), "text/plain").await;
    assert_eq!(s, StatusCode::OK);
    assert!(String::from_utf8_lossy(&b).starts_with("issue,n,mean,p10,p50,p90\n"));
    let (s, v) = get(&r, &format!("/api/jobs/{id}/csv?table=nope")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(v["error"].as_str().unwrap().contains("unknown table"));
    let (s, b) = call(&r, "GET", &format!("/api/jobs/{id}/report.html"), Body::empty(), "text/plain").await;
    assert_eq!(s, StatusCode::OK);
    assert!(String::from_utf8_lossy(&b).contains("chart-fan"));
    // One traced run.
    let (s, v) = post(&r, "/api/run", json!({"scenario": "ukraine-2025-12", "edits": edits, "seed": 2})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(!v["trace"]["rounds"].as_array().unwrap().is_empty());
    // The four run charts and a talk-round timeline per issue, each with its data table.
    let charts = v["charts"].as_array().unwrap();
    assert_eq!(charts.len(), 4 + v["issues"].as_array().unwrap().len());
    assert!(charts.iter().all(|c| c["table"].as_str().is_some_and(|t| t.contains("<table>"))));
    // Compare on the same seed.
    let (s, v) = post(
        &r,
        "/api/compare",
        json!({"a": {"scenario": "ukraine-2025-12"}, "b": {"scenario": "ukraine-2025-12", "edits": edits}, "n": 300, "seed": 5}),
    )
    .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    for id in v["ids"].as_array().unwrap() {
        assert_eq!(wait(&r, id.as_str().unwrap()).await["seed"], 5);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_clear_errors_and_the_server_still_answers() {
    let r = router(1);
    // Bad TOML: the CLI's message, located.
    let bad = "[scenario]\nname = \"x\"\nhorizon_weeks = \"many\"\n";
    let (s, b) = call(&r, "POST", "/api/upload?name=bad.toml", Body::from(bad), "application/toml").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = serde_json::from_slice(&b).unwrap();
    let cli = truce_engine::load::load_str("bad.toml", bad).unwrap_err().to_string();
    assert_eq!(v["error"], cli.as_str());
    assert!(cli.starts_with("bad.toml:"), "{cli}");
    alive(&r).await;
    // Oversized upload.
    let big = "#".repeat(257 * 1024);
    let (s, b) = call(&r, "POST", "/api/upload?name=big.toml", Body::from(big), "application/toml").await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(String::from_utf8_lossy(&b).contains("limit of 256 KiB"));
    alive(&r).await;
    // Not UTF-8.
    let (s, _) = call(&r, "POST", "/api/upload", Body::from(vec![0xff, 0xfe, 0x00]), "application/toml").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // n above the cap, and n = 0.
    let (s, v) = post(&r, "/api/forecast", json!({"n": 200_001})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(v["error"].as_str().unwrap().contains("cap of 200000"), "{v}");
    let (s, _) = post(&r, "/api/forecast", json!({"n": 0})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // A horizon above the cap (memory grows with it), and no horizon at all.
    let (s, v) = post(&r, "/api/forecast", json!({"n": 10, "horizon": 5000})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(v["error"].as_str().unwrap().contains("cap of 520 weeks"), "{v}");
    let (s, v) = post(&r, "/api/forecast", json!({"n": 10, "horizon": 0})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(v["error"].as_str().unwrap().starts_with("horizon must be at least 1 week"), "{v}");
    let (s, v) = post(&r, "/api/run", json!({"horizon": 521})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(v["error"].as_str().unwrap().contains("cap of 520 weeks"), "{v}");
    let (s, v) = post(&r, "/api/compare", json!({"a": {}, "b": {}, "n": 10, "horizon": 600})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(v["error"].as_str().unwrap().starts_with("configuration A: horizon of 600 weeks"), "{v}");
    // Unknown scenario.
    let (s, v) = get(&r, "/api/scenarios/atlantis").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(v["error"].as_str().unwrap().contains("unknown built-in scenario `atlantis`"));
    let (s, _) = post(&r, "/api/forecast", json!({"scenario": "atlantis", "n": 10})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Invalid JSON, unknown fields, bad edits.
    let (s, b) = call(&r, "POST", "/api/forecast", Body::from("{n: 3"), "application/json").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(String::from_utf8_lossy(&b).contains("invalid JSON"));
    let (s, _) = post(&r, "/api/forecast", json!({"runs": 10})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = post(&r, "/api/compare", json!({"a": {"horizon": 60}, "b": {}, "n": 10})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "the horizon is a run option, not part of a configuration");
    let (s, v) = post(&r, "/api/scenario", json!({"edits": {"actors.nobody.resolve": 1.0}})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(v["error"].as_str().unwrap().contains("not an editable parameter"));
    let (s, v) = post(&r, "/api/scenario", json!({"edits": {"actors.russia.positions.territory": 150.0}})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(v["error"].as_str().unwrap().contains("actors.russia.positions.territory"), "{v}");
    // Unknown job and endpoint.
    let (s, _) = get(&r, "/api/jobs/999").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = get(&r, "/api/jobs/abc/result").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = get(&r, "/api/nothing").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    alive(&r).await;
    // Concurrent jobs over the limit (1 here), then cancel.
    let (s, v) = post(&r, "/api/forecast", json!({"n": 200_000})).await;
    assert_eq!(s, StatusCode::ACCEPTED);
    let id = v["id"].as_str().unwrap().to_string();
    let (s, v) = post(&r, "/api/forecast", json!({"n": 100})).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert!(v["error"].as_str().unwrap().contains("the limit is 1"), "{v}");
    let (s, _) = post(&r, "/api/compare", json!({"a": {}, "b": {}, "n": 100})).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    let (s, _) = get(&r, &format!("/api/jobs/{id}/result")).await;
    assert!(s == StatusCode::CONFLICT || s == StatusCode::OK);
    let (s, _) = post(&r, &format!("/api/jobs/{id}/cancel"), json!({})).await;
    assert_eq!(s, StatusCode::OK);
    let st = wait(&r, &id).await;
    assert!(st["state"] == "cancelled" || st["state"] == "done", "{st}");
    alive(&r).await;
    // The slot is free again.
    let (s, v) = post(&r, "/api/forecast", json!({"n": 100})).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    wait(&r, v["id"].as_str().unwrap()).await;
}

/// The horizon is a request field next to `n` and `seed`, the same job option as
/// `truce forecast --horizon`: the page's forecast is the CLI's golden output byte for byte.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_horizon_field_equals_the_cli_horizon() {
    let r = router(2);
    let (s, v) = post(&r, "/api/forecast", json!({"n": 500, "seed": 5, "horizon": 60})).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    assert_eq!(wait(&r, &id).await["state"], "done");
    let (s, got) = call(&r, "GET", &format!("/api/jobs/{id}/summary.json"), Body::empty(), "text/plain").await;
    assert_eq!(s, StatusCode::OK);
    let golden = concat!(env!("CARGO_MANIFEST_DIR"), "/../truce-cli/tests/golden/forecast-ukraine-h60.json");
    let want = std::fs::read(golden).unwrap();
    assert!(
        got == want[..want.len() - 1],
        "the page's forecast with horizon 60 differs from `truce forecast --horizon 60`"
    );
    // The charts follow the horizon; the scenario download is the scenario, unchanged.
    let (_, v) = get(&r, &format!("/api/jobs/{id}/result")).await;
    assert_eq!(v["summary"]["horizon_weeks"], 60);
    assert_eq!(v["summary"]["km2_quantiles"].as_array().unwrap().len(), 60);
    let (_, toml) = call(&r, "GET", &format!("/api/jobs/{id}/scenario.toml"), Body::empty(), "text/plain").await;
    assert_eq!(toml, truce_engine::builtin::builtin("ukraine-2025-12").unwrap().as_bytes());
    // A single run stops at the horizon.
    let (s, v) = post(&r, "/api/run", json!({"seed": 2, "horizon": 8})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let weeks = v["trace"]["weeks"].as_array().unwrap();
    assert!(!weeks.is_empty() && weeks.len() <= 8, "{} weeks", weeks.len());
    // Compare: both configurations on the same horizon.
    let (s, v) =
        post(&r, "/api/compare", json!({"a": {}, "b": {"scenario": "generic-interstate"}, "n": 50, "horizon": 30}))
            .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    for id in v["ids"].as_array().unwrap() {
        let id = id.as_str().unwrap();
        assert_eq!(wait(&r, id).await["state"], "done");
        let (_, v) = get(&r, &format!("/api/jobs/{id}/result")).await;
        assert_eq!(v["summary"]["horizon_weeks"], 30);
    }
}

/// Observations after the default scenario's start (synthetic, for the filter).
const OBS: &str = "date,quantity,value,sd,source\n2026-01-07,km2_held,118500,150,synthetic\n\
2026-01-07,state,fighting,,synthetic\n2026-02-04,km2_held,119800,150,synthetic\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploaded_observations_condition_the_forecast_like_the_cli() {
    let r = router(2);
    let (s, v) =
        post(&r, "/api/forecast", json!({"n": 400, "seed": 4, "observations": OBS, "observations_file": "obs.csv"}))
            .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    let st = wait(&r, &id).await;
    assert_eq!(st["state"], "done", "{st}");
    assert!(st["label"].as_str().unwrap().contains("conditioned on observations"), "{st}");
    let (s, got) = call(&r, "GET", &format!("/api/jobs/{id}/summary.json"), Body::empty(), "text/plain").await;
    assert_eq!(s, StatusCode::OK);
    // The same job as `truce forecast --observations obs.csv -n 400 --seed 4`.
    let mut job =
        truce_forecast::job::ForecastJob::new(truce_forecast::job::Source::Builtin("ukraine-2025-12".into()), 400, 4);
    let (sides, rule) = job.observation_frame().unwrap();
    job.observations = Some(
        truce_io::observations::observations_from_text(std::path::Path::new("obs.csv"), OBS, &sides, rule).unwrap(),
    );
    let want = match job.prepare().unwrap().run(truce_forecast::job::Hooks::none()).unwrap() {
        truce_forecast::job::JobOutput::Forecast(f) => serde_json::to_vec_pretty(&f.summary).unwrap(),
        truce_forecast::job::JobOutput::Part(_) => unreachable!(),
    };
    assert!(got == want, "the page's filtered forecast differs from the library's");
    let (_, v) = get(&r, &format!("/api/jobs/{id}/result")).await;
    assert_eq!(v["summary"]["filter"]["observations"], 3);
    // The fan chart carries the observed points.
    assert!(v.to_string().contains("\"observed\""), "no observed series on the charts");

    // Bad observations: a 400 naming the upload, line, column and field; the server answers.
    let bad = "date,quantity,value,sd,source\n2026-01-07,km2_held,-5,150,x\n";
    let (s, v) = post(&r, "/api/forecast", json!({"n": 10, "observations": bad, "observations_file": "obs.csv"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(v["error"].as_str().unwrap().starts_with("obs.csv:2:3: field `value`"), "{v}");
    let (s, v) = post(&r, "/api/run", json!({"observations": OBS})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(v["error"].as_str().unwrap().contains("not conditioned"), "{v}");
    let (s, v) = post(&r, "/api/compare", json!({"a": {}, "b": {}, "observations": OBS})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    alive(&r).await;
}

//! The server against a hostile web page and hostile clients (issue 16, point 6), over real
//! TCP: cross-origin and `text/plain` POSTs start nothing, foreign `Host` headers (DNS
//! rebinding) are refused, job ids are random, bodies that are not objects are refused, slow
//! clients are disconnected, 50 concurrent forecasts get 202 or 429 and nothing else, and a
//! network-facing server needs its token.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tower::ServiceExt;
use truce_web::server::{app, Config, Remote, Server};

/// A running server on 127.0.0.1 and a free port; dropping `stop` stops it.
struct Running {
    addr: SocketAddr,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn start(cfg: Config) -> Running {
    let server = Server::bind("127.0.0.1", 0, cfg).await.unwrap();
    let addr = server.local_addr();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.run(async move {
        let _ = rx.await;
    }));
    Running { addr, _stop: tx }
}

fn cfg() -> Config {
    Config { threads: 2, max_jobs: 2, ..Config::default() }
}

/// One request on a fresh connection (`Connection: close`): `headers` are sent as given, a
/// `Host` naming the server is added unless one is among them.
async fn send(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, String) {
    let mut req = format!("{method} {path} HTTP/1.1\r\n");
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        req += &format!("Host: {addr}\r\n");
    }
    for (k, v) in headers {
        req += &format!("{k}: {v}\r\n");
    }
    req += &format!("Content-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
    raw(addr, req.as_bytes()).await
}

async fn raw(addr: SocketAddr, bytes: &[u8]) -> (u16, String) {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(bytes).await.unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(60), s.read_to_end(&mut out)).await.unwrap().unwrap();
    parse(&out)
}

fn parse(out: &[u8]) -> (u16, String) {
    let text = String::from_utf8_lossy(out).to_string();
    let status = text.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map_or(String::new(), |(_, b)| b.to_string());
    (status, body)
}

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or(Value::Null)
}

const JSON: (&str, &str) = ("Content-Type", "application/json");

async fn jobs(addr: SocketAddr) -> Vec<Value> {
    let (s, b) = send(addr, "GET", "/api/jobs", &[], "").await;
    assert_eq!(s, 200, "{b}");
    json(&b).as_array().unwrap().clone()
}

async fn cancel_all(addr: SocketAddr) {
    for j in jobs(addr).await {
        let id = j["id"].as_str().unwrap();
        send(addr, "POST", &format!("/api/jobs/{id}/cancel"), &[JSON], "{}").await;
    }
    for _ in 0..600 {
        if jobs(addr).await.iter().all(|j| j["state"] != "running") {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("jobs still running after cancel");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_origin_posts_are_refused_and_start_nothing() {
    let r = start(cfg()).await;
    let a = r.addr;
    let body = r#"{"n": 10}"#;
    let evil = ("Origin", "http://evil.example");
    // The issue's reproducer: a cross-origin `text/plain` POST (a "simple" request that needs
    // no CORS preflight).
    let (s, b) = send(a, "POST", "/api/forecast", &[evil, ("Content-Type", "text/plain")], body).await;
    assert_eq!(s, 403, "{b}");
    assert!(json(&b)["error"].as_str().unwrap().contains("cross-origin request refused"), "{b}");
    let cases: Vec<(Vec<(&str, &str)>, u16)> = vec![
        (vec![evil, JSON], 403),
        (vec![("Origin", "null"), JSON], 403),
        (vec![("Origin", "http://localhost:1"), JSON], 403),
        (vec![("Sec-Fetch-Site", "cross-site"), JSON], 403),
        (vec![("Sec-Fetch-Site", "same-site"), JSON], 403),
        // Without Origin, a form or text/plain body still needs the JSON type.
        (vec![("Content-Type", "text/plain")], 415),
        (vec![("Content-Type", "application/x-www-form-urlencoded")], 415),
        (vec![("Content-Type", "multipart/form-data; boundary=x")], 415),
        (vec![], 415),
    ];
    for (headers, want) in &cases {
        for path in ["/api/forecast", "/api/compare", "/api/run", "/api/scenario"] {
            let (s, b) = send(a, "POST", path, headers, body).await;
            assert_eq!(s, *want, "{path} {headers:?}: {b}");
        }
    }
    // The upload takes its own type; text/plain is refused there too.
    let (s, b) = send(a, "POST", "/api/upload", &[("Content-Type", "text/plain")], "[scenario]").await;
    assert_eq!(s, 415, "{b}");
    assert!(b.contains("application/toml"), "{b}");
    assert!(jobs(a).await.is_empty(), "a refused request started a job");
    // The page itself: same origin, JSON.
    let origin = format!("http://{a}");
    let page = [("Origin", origin.as_str()), ("Sec-Fetch-Site", "same-origin"), JSON];
    let (s, b) = send(a, "POST", "/api/forecast", &page, body).await;
    assert_eq!(s, 202, "{b}");
    let id = json(&b)["id"].as_str().unwrap().to_string();
    // Cancel is state-changing too.
    let (s, _) = send(a, "POST", &format!("/api/jobs/{id}/cancel"), &[evil, JSON], "{}").await;
    assert_eq!(s, 403);
    let (s, _) = send(a, "POST", &format!("/api/jobs/{id}/cancel"), &[("Content-Type", "text/plain")], "").await;
    assert_eq!(s, 415);
    let (s, b) = send(a, "POST", &format!("/api/jobs/{id}/cancel"), &page, "{}").await;
    assert_eq!(s, 200, "{b}");
    cancel_all(a).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_foreign_host_is_refused() {
    let r = start(cfg()).await;
    let a = r.addr;
    let port = a.port();
    let foreign = [
        format!("evil.example:{port}"),
        "evil.example".to_string(),
        format!("127.0.0.1.evil.example:{port}"),
        format!("localhost.:{}", port.wrapping_add(1)),
        format!("127.0.0.1:{}", port.wrapping_add(1)),
        format!("::1:{port}"),
        format!("[::1]x:{port}"),
        format!("localhost:{port}x"),
        String::new(),
    ];
    for h in &foreign {
        for (m, path) in [("GET", "/api/info"), ("GET", "/"), ("GET", "/api/jobs"), ("POST", "/api/forecast")] {
            let (s, b) = send(a, m, path, &[("Host", h), JSON], r#"{"n": 10}"#).await;
            assert_eq!(s, 403, "Host {h:?} {m} {path}: {b}");
        }
    }
    let (_, b) = send(a, "GET", "/api/info", &[("Host", &foreign[0])], "").await;
    assert!(json(&b)["error"].as_str().unwrap().contains("DNS rebinding"), "{b}");
    // An absolute-form target naming another host.
    let (s, _) = send(a, "GET", &format!("http://evil.example:{port}/api/info"), &[], "").await;
    assert_eq!(s, 403);
    // No Host at all (HTTP/1.0).
    let (s, _) = raw(a, b"GET /api/info HTTP/1.0\r\n\r\n").await;
    assert_eq!(s, 400);
    for h in [
        a.to_string(),
        format!("localhost:{port}"),
        format!("LocalHost:{port}"),
        format!("localhost.:{port}"),
        format!("[::1]:{port}"),
        "localhost".to_string(),
        "127.0.0.1".to_string(),
    ] {
        let (s, b) = send(a, "GET", "/api/info", &[("Host", &h)], "").await;
        assert_eq!(s, 200, "Host {h:?}: {b}");
    }
    assert!(jobs(a).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn job_ids_are_random_not_sequential() {
    let r = start(Config { max_jobs: 64, ..cfg() }).await;
    let a = r.addr;
    let mut ids = Vec::new();
    for _ in 0..12 {
        let (s, b) = send(a, "POST", "/api/forecast", &[JSON], r#"{"n": 1, "horizon": 4}"#).await;
        assert_eq!(s, 202, "{b}");
        ids.push(json(&b)["id"].as_str().unwrap().to_string());
    }
    let (s, b) = send(a, "POST", "/api/compare", &[JSON], r#"{"a": {}, "b": {}, "n": 1, "horizon": 4}"#).await;
    assert_eq!(s, 202, "{b}");
    ids.extend(json(&b)["ids"].as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_string()));
    let mut nums: Vec<u128> = ids
        .iter()
        .map(|id| {
            assert!(id.len() == 32 && id.bytes().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()), "{id}");
            u128::from_str_radix(id, 16).unwrap()
        })
        .collect();
    nums.sort_unstable();
    for w in nums.windows(2) {
        // 14 random 128-bit numbers: adjacent or equal values have probability ~1e-36.
        assert!(w[1] - w[0] > 1 << 64, "ids {:x} and {:x} look sequential", w[0], w[1]);
    }
    // Counting finds nothing.
    for guess in ["1", "2", "0", "00000000000000000000000000000001"] {
        let (s, _) = send(a, "GET", &format!("/api/jobs/{guess}"), &[], "").await;
        assert_eq!(s, 404);
    }
    cancel_all(a).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_that_are_not_objects_are_refused() {
    let r = start(cfg()).await;
    let a = r.addr;
    for body in ["[]", "null", "\"n\"", "3", "true", "[{\"n\": 10}]"] {
        for path in ["/api/forecast", "/api/compare", "/api/run", "/api/scenario"] {
            let (s, b) = send(a, "POST", path, &[JSON], body).await;
            assert_eq!(s, 400, "{path} {body}: {b}");
            assert!(json(&b)["error"].as_str().unwrap().contains("must be a JSON object"), "{b}");
        }
    }
    for body in [r#"{"a": [], "b": {}}"#, r#"{"a": {}, "b": null}"#, r#"{"a": "x", "b": {}}"#] {
        let (s, b) = send(a, "POST", "/api/compare", &[JSON], body).await;
        assert_eq!(s, 400, "{body}: {b}");
        assert!(json(&b)["error"].as_str().unwrap().contains("must be a JSON object (a configuration)"), "{b}");
    }
    assert!(jobs(a).await.is_empty(), "a body that is not an object started a job");
}

/// Reads until the peer closes (Ok(0) or an error); returns how long that took, or `None`
/// if it stayed open for `limit`.
async fn closed_within(s: &mut TcpStream, limit: Duration) -> Option<Duration> {
    let t = Instant::now();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(limit.saturating_sub(t.elapsed()), s.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(t.elapsed()),
            Ok(Ok(_)) => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_are_disconnected() {
    let secs = Duration::from_secs(1);
    let r = start(Config { header_timeout: secs, body_timeout: secs, ..cfg() }).await;
    let a = r.addr;
    // Half the headers, then silence (the issue's 30 half-sent requests), all at once.
    let mut half = Vec::new();
    for _ in 0..30 {
        let mut s = TcpStream::connect(a).await.unwrap();
        s.write_all(format!("POST /api/forecast HTTP/1.1\r\nHost: {a}\r\nContent-Ty").as_bytes()).await.unwrap();
        half.push(s);
    }
    for s in &mut half {
        let took = closed_within(s, Duration::from_secs(10)).await.expect("a half-sent request stayed open 10 s");
        assert!(took < Duration::from_secs(5), "closed only after {took:?}");
    }
    // Whole headers, half the body: 408, then closed.
    let mut s = TcpStream::connect(a).await.unwrap();
    let head = format!(
        "POST /api/forecast HTTP/1.1\r\nHost: {a}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"n\": "
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let t = Instant::now();
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut out)).await.expect("half a body held").ok();
    assert!(t.elapsed() < Duration::from_secs(5));
    assert_eq!(parse(&out).0, 408, "{}", String::from_utf8_lossy(&out));
    // A kept-alive connection left idle is closed too.
    let mut s = TcpStream::connect(a).await.unwrap();
    s.write_all(format!("GET /api/info HTTP/1.1\r\nHost: {a}\r\n\r\n").as_bytes()).await.unwrap();
    let took = closed_within(&mut s, Duration::from_secs(10)).await.expect("an idle connection stayed open 10 s");
    assert!(took < Duration::from_secs(5), "idle connection closed only after {took:?}");
    // And the server still answers.
    let (st, _) = send(a, "GET", "/api/info", &[], "").await;
    assert_eq!(st, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_forecasts_get_202_or_429_only() {
    let r = start(cfg()).await;
    let a = r.addr;
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            tokio::spawn(async move {
                let body = format!(r#"{{"n": 100000, "seed": {i}}}"#);
                send(a, "POST", "/api/forecast", &[JSON], &body).await
            })
        })
        .collect();
    let mut count: BTreeMap<u16, usize> = BTreeMap::new();
    for t in tasks {
        let (s, b) = t.await.unwrap();
        assert!(s == 202 || s == 429, "status {s}: {b}");
        *count.entry(s).or_default() += 1;
    }
    assert!(count.get(&202).is_some_and(|&n| n >= 1), "{count:?}");
    assert!(count.get(&429).is_some_and(|&n| n >= 1), "{count:?}");
    assert_eq!(count.values().sum::<usize>(), 50);
    assert!(jobs(a).await.len() <= count[&202]);
    cancel_all(a).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serving_a_network_needs_allow_remote_and_the_token() {
    // Not loopback, no `remote`: refused before serving anything.
    let e = Server::bind("0.0.0.0", 0, cfg()).await.err().expect("bound 0.0.0.0 without --allow-remote");
    assert!(e.contains("--allow-remote"), "{e}");
    // With it (served at 0.0.0.0:8080; requests through `oneshot`, no socket).
    let token = truce_web::server::new_token().unwrap();
    assert_eq!(token.len(), 32);
    let remote = Remote { token: token.clone(), hosts: vec!["truce-box.lan".into()] };
    let router = app(Config { remote: Some(remote), ..cfg() }, "0.0.0.0:8080".parse().unwrap()).unwrap();
    let call = |host: &str, uri: &str, auth: Option<String>| {
        let mut b = Request::builder().uri(uri).header("host", host);
        if let Some(t) = auth {
            b = b.header("authorization", t);
        }
        let req = b.body(Body::empty()).unwrap();
        let router = router.clone();
        async move {
            let res = router.oneshot(req).await.unwrap();
            let s = res.status();
            (s, String::from_utf8_lossy(&res.into_body().collect().await.unwrap().to_bytes()).to_string())
        }
    };
    let bearer = Some(format!("Bearer {token}"));
    let (s, b) = call("10.1.2.3:8080", "/api/info", None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
    assert!(b.contains("access token"), "{b}");
    let (s, _) = call("10.1.2.3:8080", "/api/info", Some(format!("Bearer {}", "0".repeat(32)))).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = call("10.1.2.3:8080", "/api/info", bearer.clone()).await;
    assert_eq!(s, StatusCode::OK);
    // Downloads are links: the token may come in the query on GET.
    let (s, _) = call("10.1.2.3:8080", &format!("/api/info?token={token}"), None).await;
    assert_eq!(s, StatusCode::OK);
    // The page itself needs no token (it reads it from the address's #token=…).
    let (s, _) = call("[fe80::1]:8080", "/", None).await;
    assert_eq!(s, StatusCode::OK);
    // IP literals and the --allow-host names; not other names.
    let (s, _) = call("truce-box.lan:8080", "/api/info", bearer.clone()).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = call("evil.example:8080", "/api/info", bearer.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = call("10.1.2.3:9999", "/api/info", bearer.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // A POST needs the header, not the query.
    let req = Request::builder()
        .method("POST")
        .uri(format!("/api/forecast?token={token}"))
        .header("host", "10.1.2.3:8080")
        .header("content-type", "application/json")
        .body(Body::from(r#"{"n": 1}"#))
        .unwrap();
    assert_eq!(router.clone().oneshot(req).await.unwrap().status(), StatusCode::UNAUTHORIZED);
}

/// A job whose estimated memory is above the job's limit is an input error (400) with the
/// job's message, not a failed job or a 5xx.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_too_large_for_memory_is_a_400() {
    let cfg = Config { threads: 160, ..cfg() };
    let router = app(cfg, "127.0.0.1:8080".parse().unwrap()).unwrap();
    let req = Request::builder()
        .method("POST")
        .uri("/api/forecast")
        .header("host", "127.0.0.1:8080")
        .header("content-type", "application/json")
        .body(Body::from(r#"{"n": 5000, "horizon": 520}"#))
        .unwrap();
    let res = router.oneshot(req).await.unwrap();
    let s = res.status();
    let b = String::from_utf8_lossy(&res.into_body().collect().await.unwrap().to_bytes()).to_string();
    assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
    assert!(b.contains("above the limit of 4.0 GiB"), "{b}");
    assert!(b.contains("truce serve --threads"), "{b}");
}

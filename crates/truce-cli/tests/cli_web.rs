//! `--report FILE.html` and `truce serve`.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Output, Stdio};

fn truce(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_truce")).args(args).output().expect("run truce")
}

#[test]
fn forecast_and_run_write_reports() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("f.html");
    let o = truce(&["forecast", "-n", "300", "--quiet", "--seed", "4", "--report", f.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = std::fs::read_to_string(&f).unwrap();
    assert!(html.contains("id=\"chart-fan\"") && html.contains("seed: <b>4</b>") && html.contains("runs: <b>300</b>"));
    let r = dir.path().join("r.html");
    let o = truce(&["run", "--format", "json", "--report", r.to_str().unwrap()]);
    assert!(o.status.success());
    assert!(std::fs::read_to_string(&r).unwrap().contains("id=\"rounds-table\""));
    // An unwritable report fails before any work; --report needs the whole forecast.
    let o = truce(&["forecast", "-n", "300", "--quiet", "--report", "/nonexistent-dir/x.html"]);
    assert!(!o.status.success());
    let p = dir.path().join("p.bin");
    let o = truce(&[
        "forecast",
        "-n",
        "300",
        "--shard",
        "1/2",
        "--out",
        p.to_str().unwrap(),
        "--report",
        f.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("--report needs the whole forecast"));
}

#[test]
fn serve_binds_localhost_and_answers() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_truce"))
        .args(["serve", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let addr = line.trim().strip_prefix("listening on http://").map(str::to_string);
    let result = std::panic::catch_unwind(|| {
        let addr = addr.clone().unwrap_or_else(|| panic!("unexpected first line {line:?}"));
        assert!(addr.starts_with("127.0.0.1:"), "{addr}");
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        write!(s, "GET /api/scenarios/nope HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
        let mut resp = String::new();
        s.read_to_string(&mut resp).unwrap();
        assert!(resp.starts_with("HTTP/1.1 404"), "{resp}");
        assert!(resp.contains("unknown built-in scenario `nope`"));
    });
    let _ = child.kill();
    let _ = child.wait();
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}

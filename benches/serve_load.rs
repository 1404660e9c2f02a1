//! Load on `jiansuo serve`: a mixed query set (`jiansuo bench --save-queries`) sent at a fixed
//! concurrency for a while, reporting requests per second, p50/p99 latency, errors, and the
//! server's peak RSS; optionally while `jiansuo index` publishes a new generation.
//!
//! ```sh
//! cargo build --release
//! jiansuo --index /tmp/big bench --kind mixed --count 500 --save-queries /tmp/q.txt
//! cargo bench --bench serve_load -- --index /tmp/big --queries /tmp/q.txt \
//!     --connections 16,64 --seconds 10 [--reindex ../shared/corpora] [--jobs N]
//! ```

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn binary() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/jiansuo")
}

/// The request of one query line (`kind<TAB>text`), as the page would send it.
fn request(line: &str) -> Option<String> {
    let (kind, text) = line.split_once('\t')?;
    let q = |s: &str| {
        let mut out = String::new();
        for b in s.as_bytes() {
            match *b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                    out.push(*b as char)
                }
                _ => out.push_str(&format!("%{b:02X}")),
            }
        }
        out
    };
    Some(match kind {
        "phrase" => format!("/api/phrase?q={}&count=true&limit=20", q(text)),
        "search" => format!("/api/search?q={}&limit=10", q(text)),
        "quote" => format!("/api/quote?q={}&limit=10", q(text)),
        "theme" => {
            let (name, words) = text.split_once('\t').unwrap_or((text, ""));
            format!("/api/search?theme={}&q={}&limit=10", q(name), q(words))
        }
        _ => return None,
    })
}

fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(index) = arg(&args, "--index") else {
        eprintln!("serve_load: give --index DIR and --queries FILE (see the file's doc)");
        return;
    };
    let queries = arg(&args, "--queries").expect("--queries FILE");
    let kinds = arg(&args, "--kinds").unwrap_or_else(|| "phrase,search".into());
    let seconds: u64 = arg(&args, "--seconds").map_or(10, |s| s.parse().unwrap());
    let connections: Vec<usize> = arg(&args, "--connections")
        .unwrap_or_else(|| "16,64".into())
        .split(',')
        .map(|c| c.parse().unwrap())
        .collect();
    let reindex = arg(&args, "--reindex");
    let jobs = arg(&args, "--jobs").unwrap_or_else(|| "0".into());
    let wanted: Vec<&str> = kinds.split(',').collect();
    let paths: Vec<String> = std::fs::read_to_string(&queries)
        .expect("read the query file")
        .lines()
        .filter(|l| wanted.iter().any(|k| l.starts_with(&format!("{k}\t"))))
        .filter_map(request)
        .collect();
    assert!(!paths.is_empty(), "no {kinds} queries in {queries}");
    let mut server = Command::new(binary())
        .args([
            "--index",
            &index,
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--timeout",
            "30",
            "--jobs",
            &jobs,
        ])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("start the server (cargo build --release first)");
    let mut lines = BufReader::new(server.stderr.take().unwrap()).lines();
    let base = loop {
        let line = lines.next().expect("the server's URL").unwrap();
        if let Some(at) = line.find("http://") {
            break line[at..]
                .split_whitespace()
                .next()
                .unwrap()
                .trim_end_matches('/')
                .to_owned();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    let paths = Arc::new(paths);
    println!(
        "{} queries ({kinds}) from {queries}, {seconds} s per run, server pid {}",
        paths.len(),
        server.id()
    );
    println!(
        "connections  requests   req/s   p50 ms   p99 ms   max ms  errors  generations  \
         server µs/req  client µs/req"
    );
    for &c in &connections {
        let cpu_before = (cpu_seconds(&server.id().to_string()), cpu_seconds("self"));
        let stop = Arc::new(AtomicBool::new(false));
        let errors = Arc::new(AtomicU64::new(0));
        let generations = Arc::new(std::sync::Mutex::new(std::collections::BTreeSet::new()));
        let started = Instant::now();
        let workers: Vec<_> = (0..c)
            .map(|w| {
                let (paths, stop, errors, base) =
                    (paths.clone(), stop.clone(), errors.clone(), base.clone());
                std::thread::spawn(move || {
                    let agent: ureq::Agent = ureq::Agent::config_builder()
                        .http_status_as_error(false)
                        .build()
                        .into();
                    let mut times = Vec::new();
                    let mut i = w * 7919;
                    while !stop.load(Ordering::Relaxed) {
                        let path = &paths[i % paths.len()];
                        i += 1;
                        let t = Instant::now();
                        match agent.get(&format!("{base}{path}")).call() {
                            Ok(mut r) if r.status() == 200 => {
                                let _ = r.body_mut().read_to_vec();
                            }
                            _ => {
                                errors.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                        times.push(t.elapsed());
                    }
                    times
                })
            })
            .collect();
        // Poll the generation served, and publish a new one meanwhile when asked.
        let mut reindexer = reindex.as_ref().map(|corpus| {
            std::thread::sleep(Duration::from_secs(1));
            Command::new(binary())
                .args(["--index", &index, "-q", "index", corpus, "--full"])
                .stdout(Stdio::null())
                .spawn()
                .expect("start jiansuo index")
        });
        let probe: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        while started.elapsed() < Duration::from_secs(seconds) {
            if let Ok(mut r) = probe.get(&format!("{base}/api/health")).call()
                && let Ok(s) = r.body_mut().read_to_string()
                && let Some(at) = s.find("\"generation\":\"")
            {
                let g: String = s[at + 14..].chars().take_while(|&c| c != '"').collect();
                generations.lock().unwrap().insert(g);
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        stop.store(true, Ordering::Relaxed);
        let mut all: Vec<Duration> = workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect();
        let elapsed = started.elapsed().as_secs_f64();
        if let Some(mut r) = reindexer.take() {
            r.wait().unwrap();
        }
        all.sort();
        let q =
            |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)].as_secs_f64() * 1e3;
        // CPU per request, of the server and of this client (both share the machine).
        let per = |before: Option<f64>, after: Option<f64>| match (before, after) {
            (Some(b), Some(a)) => format!("{:.0}", (a - b) / all.len() as f64 * 1e6),
            _ => "?".into(),
        };
        let server_cpu = per(cpu_before.0, cpu_seconds(&server.id().to_string()));
        let client_cpu = per(cpu_before.1, cpu_seconds("self"));
        println!(
            "{c:>11}  {:>8}  {:>6.0}  {:>7.2}  {:>7.2}  {:>7.1}  {:>6}  {:>11}  {:>15}  {:>15}",
            all.len(),
            all.len() as f64 / elapsed,
            q(0.5),
            q(0.99),
            all.last().unwrap().as_secs_f64() * 1e3,
            errors.load(Ordering::Relaxed),
            generations.lock().unwrap().len(),
            server_cpu,
            client_cpu,
        );
    }
    println!(
        "server peak RSS {} MB",
        peak_rss_kb(server.id()).map_or("?".into(), |kb| (kb / 1024).to_string())
    );
    let _ = server.kill();
    let _ = server.wait();
}

/// User plus system CPU seconds of a process (`self` or a pid), from `/proc/PID/stat`.
fn cpu_seconds(pid: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces): utime is the 14th field.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

//! `jiansuo serve`: the query API over HTTP and a web page, from one index, read-only.
//!
//! * [`router`] maps `/api/<command>` to the library API ([`crate::api`]): parameters named as
//!   the command line's options, responses the same serialised types as `--json` (with
//!   `offset`/`limit` paging on every list), errors as `{"error":…,"hint":…}` (400 for bad
//!   input, 404 for an unknown document, 503 when a query runs past the time budget);
//!   `format=csv` (or `excel`) gives the rows as CSV, `format=jsonl` the `--json` lines.
//! * Queries run on tokio's blocking pool, each with a time budget (`--timeout`).
//! * [`Live`] holds the live generation's [`IndexHandle`]; a watcher swaps in the new one
//!   within half a second of `jiansuo index` publishing it. A request takes the handle once,
//!   so it never mixes two generations.
//! * The page (`page/`: HTML, CSS, JS, no build step) is embedded in the binary.

mod params;
mod routes;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

pub use routes::router;

use crate::error::{Error, Result};
use crate::index::{IndexHandle, store};

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub index: PathBuf,
    pub addr: SocketAddr,
    /// Time budget of one query.
    pub timeout: Duration,
    /// Allow this origin to call the API from another site (`Access-Control-Allow-Origin`).
    pub cors: Option<String>,
    /// Queries run at once (0: twice the cores).
    pub jobs: usize,
}

/// The live generation, swapped when a new one is published.
pub struct Live {
    dir: PathBuf,
    current: RwLock<(Option<String>, Arc<IndexHandle>)>,
}

impl Live {
    /// Open the live generation of the index at `dir`.
    pub fn open(dir: &Path) -> Result<Live> {
        Ok(Live::with(dir, IndexHandle::open(dir)?))
    }

    /// Serve `handle`, a handle of the live generation of the index at `dir`.
    pub fn with(dir: &Path, handle: IndexHandle) -> Live {
        let name = handle
            .generation()
            .file_name()
            .map(|n| n.to_string_lossy().into_owned());
        Live {
            dir: dir.to_path_buf(),
            current: RwLock::new((name, Arc::new(handle))),
        }
    }

    /// The handle requests are answered from.
    pub fn handle(&self) -> Arc<IndexHandle> {
        self.current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .1
            .clone()
    }

    /// Open the published generation if it is not the one held; true when it changed. A
    /// generation that cannot be opened (a build half done, a damaged one) leaves the old one.
    pub fn refresh(&self) -> bool {
        let name = store::current(&self.dir).ok().flatten();
        let held = self
            .current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .0
            .clone();
        if name.is_none() || name == held {
            return false;
        }
        match IndexHandle::open(&self.dir) {
            Ok(h) => {
                *self
                    .current
                    .write()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = (name, Arc::new(h));
                true
            }
            Err(_) => false,
        }
    }
}

/// What the handlers share.
#[derive(Clone)]
pub struct AppState {
    pub live: Arc<Live>,
    pub timeout: Duration,
    pub cors: Option<String>,
    /// Queries running at once (twice the cores, or `--jobs`): the others wait their turn in
    /// order, so that 64 clients on 2 cores do not all slow each other down.
    pub running: Arc<tokio::sync::Semaphore>,
    /// The number of turns `running` holds.
    pub jobs: usize,
    /// Queries stopped before they finished (past the budget, or their client gone), since
    /// the start (`/api/health` reports it).
    pub stopped: Arc<std::sync::atomic::AtomicU64>,
}

impl AppState {
    /// The same state with `jobs` queries at once (0 leaves it as it is).
    pub fn with_jobs(mut self, jobs: usize) -> AppState {
        if jobs > 0 {
            self.running = Arc::new(tokio::sync::Semaphore::new(jobs));
            self.jobs = jobs;
        }
        self
    }

    /// The state of a server answering from `live`.
    pub fn new(live: Arc<Live>, timeout: Duration, cors: Option<String>) -> AppState {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        AppState {
            live,
            timeout,
            cors,
            running: Arc::new(tokio::sync::Semaphore::new(cores * 2)),
            jobs: cores * 2,
            stopped: Arc::new(std::sync::atomic::AtomicU64::new(0)),
        }
    }
}

/// Serve `handle` (opened on `opts.index`) and the generations published after it, until the
/// process is stopped; `ready` is told the bound address.
pub fn serve(
    opts: &ServeOptions,
    handle: IndexHandle,
    ready: impl FnOnce(SocketAddr),
) -> Result<()> {
    let live = Arc::new(Live::with(&opts.index, handle));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("jiansuo-serve")
        .build()
        .map_err(Error::io("starting the server's runtime"))?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(opts.addr)
            .await
            .map_err(Error::io(format!("listening on {}", opts.addr)))?;
        let addr = listener
            .local_addr()
            .map_err(Error::io("reading the bound address"))?;
        ready(addr);
        let watched = live.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(400));
            loop {
                tick.tick().await;
                let live = watched.clone();
                let _ = tokio::task::spawn_blocking(move || live.refresh()).await;
            }
        });
        let state = AppState::new(live, opts.timeout, opts.cors.clone()).with_jobs(opts.jobs);
        axum::serve(listener, router(state))
            .await
            .map_err(Error::io("serving"))
    })
}

//! Integration tests: the real binary on real text, each test in a fresh temporary directory.

mod oracle;
mod util;

mod architecture;
mod attribution;
mod bench_cmd;
mod browser;
mod cli_docs;
mod determinism;

mod encodings;
mod exact_field;
mod export_cmd;
mod fuzz;
mod hostile;
mod index_cmd;
mod phrase_cmd;
mod props;
mod quote_cmd;
mod quote_eval;
mod research;
mod reuse_cmd;
mod scale_script;
mod search_cmd;
mod serve_api;
mod shared_cmd;
mod speakers_cmd;
mod themes_eval;
mod update_cmd;

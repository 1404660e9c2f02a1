//! Integration tests: the real binary on real text, each test in a fresh temporary directory.

mod util;

mod encodings;
mod exact_field;
mod index_cmd;
mod search_cmd;

//! jiansuo (检索): full-text search for Chinese policy and political documents.
//!
//! The library follows the data: [`load`] → [`clean`] → [`passage`] → [`analyze`] → [`index`]
//! → [`query`] → [`print`](mod@print). Every exact lookup compares [`matching`] forms. The binary (`src/main.rs`) only
//! parses arguments and calls [`app::run`].
#![doc(test(attr(deny(warnings))))]

pub mod align;
pub mod analyze;
pub mod api;
pub mod app;
pub mod bench;
pub mod cancel;
pub mod clean;
pub mod cli;
pub mod docmeta;
pub mod error;
pub mod index;
pub mod load;
pub mod matching;
pub mod passage;
pub mod print;
pub mod process;
pub mod query;
pub mod serve;

pub use error::{Error, Result};

use std::process::ExitCode;

use clap::Parser;
use jiansuo::app::{self, Outcome};
use jiansuo::cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match app::run(cli) {
        Ok(Outcome::Hits) => ExitCode::SUCCESS,
        Ok(Outcome::NoHits) => ExitCode::from(1),
        Err(e) if app::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("jiansuo: error: {}", app::error_message(&e));
            ExitCode::from(2)
        }
    }
}

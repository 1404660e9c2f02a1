use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use jiansuo::app::{self, Outcome};
use jiansuo::cli::Cli;

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let mut cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    // Whether --index and --corpus were given (on the command line or in the environment):
    // a query builds a missing index only where no one can be surprised.
    let given = |name: &str| {
        let here = |m: &clap::ArgMatches| {
            m.value_source(name)
                .is_some_and(|s| s != clap::parser::ValueSource::DefaultValue)
        };
        here(&matches) || matches.subcommand().is_some_and(|(_, sub)| here(sub))
    };
    cli.index_given = given("index");
    cli.corpus_given = given("corpus");
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

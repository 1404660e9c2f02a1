//! One definition of every option: its help text and default come from `src/cli.rs` (clap),
//! and the README's section of each command must name every option and give the same default
//! as `--opt … (DEFAULT` (or `-o/--opt … (DEFAULT`) shortly after the option's name.

use clap::CommandFactory;
use jiansuo::cli::Cli;

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap()
}

/// The README's section on a command: from its `### ` heading naming `jiansuo NAME` (or, for
/// the themes commands, the heading that names them) to the next heading of that level.
fn section<'a>(readme: &'a str, name: &str) -> Option<&'a str> {
    let mut at = 0;
    for part in readme.split_inclusive('\n') {
        if part.starts_with("### ")
            && (part.contains(&format!("`jiansuo {name}")) || part.contains(&format!("`{name} ")))
        {
            let rest = &readme[at + part.len()..];
            let end = rest.find("\n### ").or_else(|| rest.find("\n## "));
            return Some(&rest[..end.unwrap_or(rest.len())]);
        }
        at += part.len();
    }
    None
}

/// The README's section whose `### ` heading starts with `heading` (`Filters`, `Output`).
fn shared_section<'a>(readme: &'a str, heading: &str) -> Option<&'a str> {
    let start = readme.find(&format!("\n### {heading}"))? + 1;
    let rest = &readme[start..];
    let body = &rest[rest.find('\n')? + 1..];
    let end = body.find("\n### ").or_else(|| body.find("\n## "));
    Some(&body[..end.unwrap_or(body.len())])
}

#[test]
fn readme_names_every_option_with_its_default() {
    let readme = readme();
    let cli = Cli::command();
    let mut problems = Vec::new();
    let mut checked = 0;
    for sub in cli.get_subcommands() {
        let name = sub.get_name();
        let Some(text) = section(&readme, name) else {
            problems.push(format!("README has no section on `jiansuo {name}`"));
            continue;
        };
        for arg in sub.get_arguments() {
            let Some(long) = arg.get_long() else { continue };
            if arg.is_global_set() || matches!(long, "help" | "version") {
                continue;
            }
            let flag = format!("--{long}");
            // Options shared by every query command (the filters, the output formats) are
            // documented once, in the README section named by their help heading.
            let text = match arg.get_help_heading() {
                Some(heading) => match shared_section(&readme, heading) {
                    Some(t) => t,
                    None => {
                        problems.push(format!("README has no section `### {heading}…`"));
                        continue;
                    }
                },
                None => text,
            };
            // Every place the README names the option: `--opt…`, `-o/--opt…` or `-o N`.
            let mut names = vec![format!("`{flag}")];
            if let Some(short) = arg.get_short() {
                names.push(format!("`-{short}/{flag}"));
                names.push(format!("`-{short} "));
                names.push(format!("`-{short}`"));
            }
            let places: Vec<usize> = names
                .iter()
                .flat_map(|n| text.match_indices(n.as_str()).map(|(i, _)| i))
                .collect();
            if places.is_empty() {
                problems.push(format!("`jiansuo {name}`: README does not name {flag}"));
                continue;
            }
            checked += 1;
            let defaults: Vec<String> = arg
                .get_default_values()
                .iter()
                .map(|v| v.to_string_lossy().into_owned())
                .filter(|v| v != "false")
                .collect();
            if let [default] = &defaults[..] {
                let near = |at: usize| -> String { text[at..].chars().take(70).collect() };
                if !places
                    .iter()
                    .any(|&at| near(at).contains(&format!("({default}")))
                {
                    problems.push(format!(
                        "`jiansuo {name}` {flag}: the default is {default}, the README says \
                         {:?}",
                        near(places[0])
                    ));
                }
            }
        }
    }
    assert!(checked > 30, "only {checked} options found in the README");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn help_gives_each_default_once() {
    // The help text shows clap's default, taken from the same definition the parser uses.
    let help = Cli::command()
        .find_subcommand_mut("shared")
        .unwrap()
        .render_long_help()
        .to_string();
    assert!(help.contains("[default: 8]"), "{help}");
    assert!(help.contains("[default: 100]"), "{help}");
}

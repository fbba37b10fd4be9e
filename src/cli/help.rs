//! Help text that can be copied: every `$ certprep …` example line is printed exactly as
//! written, never wrapped, whatever the terminal width.
//!
//! clap wraps `after_help` to the terminal (the `wrap_help` feature), which broke long example
//! commands in the middle (issue 17). Literal text in a help *template* is not wrapped, so each
//! subcommand's `Examples:` block moves from `after_help` into its template, after the
//! (still wrapped) notes. The clap definitions keep their `after_help` unchanged, so anything
//! generated from them (a man page) still has the examples.

use clap::Command;

/// The command line as `main` parses it: [`super::args::Cli`] with verbatim examples.
pub(crate) fn command() -> Command {
    let cmd = <super::args::Cli as clap::CommandFactory>::command();
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    names.iter().fold(cmd, |cmd, name| {
        cmd.mut_subcommand(name, examples_in_template)
    })
}

/// Move the `Examples:` block of `sub`'s `after_help` into its help template.
fn examples_in_template(sub: Command) -> Command {
    let Some(text) = sub.get_after_help().map(|t| t.to_string()) else {
        return sub;
    };
    let Some(at) = text.find("Examples:\n") else {
        return sub;
    };
    let (notes, examples) = text.split_at(at);
    // `{` starts a tag in clap's template language; such a block stays in after_help (the
    // test below fails on it).
    if examples.contains('{') {
        return sub;
    }
    // clap's default template, with the examples after the notes.
    let template = format!(
        "{{before-help}}{{about-with-newline}}\n{{usage-heading}} {{usage}}\n\n{{all-args}}{{after-help}}\n\n{}",
        examples.trim_end()
    );
    let notes = notes.trim_end().to_owned();
    let sub = sub.help_template(template);
    if notes.is_empty() {
        sub.after_help(None::<&str>)
    } else {
        sub.after_help(notes)
    }
}

#[cfg(test)]
mod tests {
    use super::super::args::Cli;
    use clap::{CommandFactory, Parser};

    /// The example lines of every subcommand as written in the source, with its name.
    fn source_examples() -> Vec<(String, String)> {
        let cmd = Cli::command();
        let mut all = Vec::new();
        for sub in cmd.get_subcommands() {
            let text = sub
                .get_after_help()
                .map(|t| t.to_string())
                .unwrap_or_default();
            for line in text.lines().filter(|l| l.contains("$ certprep")) {
                all.push((sub.get_name().to_owned(), line.trim().to_owned()));
            }
        }
        all
    }

    /// The words of an example after `$ `, as a POSIX shell splits them, up to a redirection
    /// or pipe.
    fn words(example: &str) -> Vec<String> {
        let command = example.trim_start_matches('$').trim();
        let words = shlex::split(command).unwrap_or_else(|| panic!("unbalanced quotes: {example}"));
        words
            .into_iter()
            .take_while(|w| !matches!(w.as_str(), ">" | ">>" | "|" | "<" | "2>"))
            .collect()
    }

    #[test]
    fn every_help_example_is_whole_at_any_width_and_parses() {
        let examples = source_examples();
        // Every command shows examples; an empty list must not pass.
        assert!(examples.len() >= 30, "only {} examples", examples.len());
        let cmd = super::command();
        for width in [30, 80, 100, 250] {
            for sub in cmd.get_subcommands() {
                let help = sub.clone().term_width(width).render_long_help().to_string();
                let shown: Vec<&str> = help
                    .lines()
                    .filter(|l| l.contains("$ certprep"))
                    .map(str::trim)
                    .collect();
                let own: Vec<&str> = examples
                    .iter()
                    .filter(|(name, _)| name == sub.get_name())
                    .map(|(_, line)| line.as_str())
                    .collect();
                // Whole lines, each once, in order: nothing wrapped, nothing added elsewhere
                // (a `$ certprep` line in a doc comment would be wrapped as prose).
                assert_eq!(shown, own, "{} at width {width}:\n{help}", sub.get_name());
            }
        }
        for (name, line) in &examples {
            // `'a''b'` is PowerShell's quote escape; a POSIX shell reads it as `ab`.
            assert!(
                !line.contains(concat!("'", "'")),
                "PowerShell quoting in a shell example: {line}"
            );
            let words = words(line);
            assert_eq!(
                words.get(1).map(String::as_str),
                Some(name.as_str()),
                "{line}"
            );
            if let Err(e) = Cli::try_parse_from(&words) {
                panic!("{line}\n{e}");
            }
        }
    }

    #[test]
    fn examples_survive_as_after_help_for_generated_docs() {
        // The definitions themselves keep the examples (a man page is generated from them).
        let cmd = Cli::command();
        let inspect = cmd.find_subcommand("inspect").unwrap();
        assert!(inspect
            .get_after_help()
            .unwrap()
            .to_string()
            .contains("$ certprep inspect"));
    }
}

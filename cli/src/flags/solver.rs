//! `--solver` / `--solvers`: the library's `SolverChoice` under the short names users
//! type.

use super::Listed;
use clap::builder::PossibleValue;
use duckml::solvers::SolverChoice;

/// The command line's name for a solver and its one-line help.
fn names(s: SolverChoice) -> (&'static str, &'static str) {
    match s {
        SolverChoice::Lbfgs => ("lbfgs", "L-BFGS (smooth penalties)"),
        SolverChoice::Newton => ("newton", "Newton with a Cholesky solve (smooth penalties)"),
        SolverChoice::GradientDescent => ("gd", "gradient descent (smooth penalties)"),
        SolverChoice::ProximalGradient => ("proximal", "proximal gradient, FISTA (any penalty)"),
        SolverChoice::Admm => ("admm", "consensus ADMM over row blocks (any penalty)"),
    }
}

/// The command line's name for a solver (what `--solver` accepts and the JSON prints).
pub fn solver_key(s: SolverChoice) -> &'static str {
    names(s).0
}

/// `text` with every solver named as `--solver` spells it: the library's messages
/// (errors, warnings) name solvers by their type names (`ProximalGradient`), which the
/// command line does not accept. Whole words only, so `Newtonian` stays.
pub fn solver_names_as_flags(text: &str) -> String {
    let mut out = text.to_string();
    for s in SolverChoice::ALL {
        let (name, key) = (s.name(), solver_key(s));
        if name == key {
            continue;
        }
        let mut replaced = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(at) = rest.find(name) {
            let before = rest[..at].chars().next_back();
            let after = rest[at + name.len()..].chars().next();
            let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            replaced.push_str(&rest[..at]);
            replaced.push_str(if word(before) || word(after) {
                name
            } else {
                key
            });
            rest = &rest[at + name.len()..];
        }
        replaced.push_str(rest);
        out = replaced;
    }
    out
}

/// Parses `--solver`: the short names, and the library's own names and aliases (`fista`,
/// `gradient-descent`) in any case.
fn parse_solver(s: &str) -> Result<SolverChoice, String> {
    s.parse()
}

fn possible_solvers() -> Vec<PossibleValue> {
    SolverChoice::ALL
        .iter()
        .map(|&s| {
            let (key, help) = names(s);
            PossibleValue::new(key).help(help)
        })
        .collect()
}

/// serde for a list of solvers under their command-line names, for
/// `#[serde(with = "crate::flags::solver_keys")]`.
pub mod solver_keys {
    use super::solver_key;
    use duckml::solvers::SolverChoice;
    use serde::de::Error;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes the names.
    pub fn serialize<S: Serializer>(solvers: &[SolverChoice], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(solvers.iter().map(|&x| solver_key(x)))
    }

    /// Reads the names (any name `--solver` takes).
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<SolverChoice>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|s| s.parse().map_err(D::Error::custom))
            .collect()
    }
}

/// The value parser of `--solver` and `--solvers`.
pub fn solver_parser() -> Listed<SolverChoice> {
    Listed::new(parse_solver, possible_solvers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solver_keys_parse_back() {
        for s in SolverChoice::ALL {
            assert_eq!(parse_solver(solver_key(s)), Ok(s));
        }
        assert_eq!(parse_solver("FISTA"), Ok(SolverChoice::ProximalGradient));
    }

    #[test]
    fn library_names_become_flag_names() {
        assert_eq!(
            solver_names_as_flags("LogisticRegression with Lbfgs did not converge; try Admm."),
            "LogisticRegression with lbfgs did not converge; try admm."
        );
        assert_eq!(
            solver_names_as_flags("use one of: ProximalGradient, GradientDescent (Newtonian)"),
            "use one of: proximal, gd (Newtonian)"
        );
    }
}

//! `response-contract`: the CI contract gate over the `response_contract` library.
//!
//! The binary is glue: parse the arguments, resolve a configuration, call the library, hand the
//! reports to a printer, and map the outcome to an exit status (0 conforms, 1 violations, 2 the
//! tool could not do its job). Everything lives in [`cli`].

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}

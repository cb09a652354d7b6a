//! What a downstream crate writes to gate its own fixtures on the contract: the library with
//! default features, no command-line dependency.

/// Whether every payload meets the job status contract, with the first violation's one-line
/// message for each that does not.
pub fn check_job_statuses<'a>(payloads: impl IntoIterator<Item = &'a [u8]>) -> Vec<Option<String>> {
    let validator =
        response_contract::Validator::new().contract(response_contract::Contract::JobStatus);
    payloads
        .into_iter()
        .map(|payload| {
            let report = validator.validate(payload);
            report.errors().next().map(|v| v.message.clone())
        })
        .collect()
}
